"""The read API: lists and records of what the public pages show, as JSON.

Every content list goes through `published()` and the FilterSet of its public page, so a filter
means the same on the page and here; a filter given a value it cannot take is a 400 that names
it. Each answer is in the language asked for (`lang`, else `Accept-Language`), carries an ETag
and answers a matching `If-None-Match` with 304, and may be read from any origin.
"""

import contextlib
import hashlib
import json

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.db.models import Prefetch
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core.choice_cache import cache_period, content_changed_at, fragment_key
from events.filters import EventFilter
from events.models import Event
from initiatives.filters import InitiativeFilter
from initiatives.models import Initiative, InitiativeCountry, InitiativeOrganisation, Replication
from publications.filters import PublicationFilter
from publications.models import Publication, PublicationEdition
from publishing.views import keys_of
from taxonomy.models import SDG, Country, Organisation, Region, SDGTarget, Theme

from . import serializers

LANGUAGES = [code for code, _name in settings.LANGUAGES]


class WholeNumberFilter(filters.NumberFilter):
    field_class = forms.IntegerField


class YesNoFilter(filters.ChoiceFilter):
    """true or false, and nothing else ("null", "yes", "1" are errors)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, choices=[("true", "true"), ("false", "false")], **kwargs)

    def filter(self, queryset, value):
        if value in ("", None):
            return queryset
        return queryset.filter(**{self.field_name: value == "true"})


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_url_kwarg = "key"
    # Any key up to the next slash reaches the view, which answers an unknown one with a 404.
    lookup_value_regex = "[^/]+"
    list_serializer_class = None

    def get_serializer_class(self):
        if self.action == "list" and self.list_serializer_class is not None:
            return self.list_serializer_class
        return self.serializer_class

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "fields": self.requested_fields()}

    def requested_fields(self):
        value = self.request.query_params.get("fields")
        if value is None:
            return None
        wanted = [name.strip() for name in value.split(",")]
        known = set(self.get_serializer_class()().fields)
        unknown = sorted(name or '""' for name in set(wanted) - known)
        if unknown:
            raise ValidationError(
                {"fields": [_("Unknown fields: %(names)s.") % {"names": ", ".join(unknown)}]}
            )
        return wanted

    def requested_language(self, request):
        value = request.GET.get("lang")
        if value is None:
            return translation.get_language_from_request(request)
        if value not in LANGUAGES:
            return None
        return value

    def dispatch(self, request, *args, **kwargs):
        language = self.requested_language(request)
        if language is None:
            language = settings.LANGUAGE_CODE
            self.bad_language = True
        with translation.override(language):
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if getattr(self, "bad_language", False):
            raise ValidationError(
                {"lang": [_("Choose one of: %(codes)s.") % {"codes": ", ".join(LANGUAGES)}]}
            )

    def finalize_response(self, request, response, *args, **kwargs):
        """Rendered here, in the request's language; with its ETag and Last-Modified (when
        content last changed: every answer depends on content alone), and 304 to a client that
        holds the same answer."""
        response = super().finalize_response(request, response, *args, **kwargs)
        response.render()
        response["Content-Language"] = translation.get_language()
        patch_vary_headers(response, ["Accept-Language"])
        if response.status_code == 200:
            response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
            last_modified = content_changed_at()
            if last_modified is not None:
                response["Last-Modified"] = http_date(last_modified)
            return get_conditional_response(
                request, etag=response["ETag"], last_modified=last_modified, response=response
            )
        return response


# --- Content --------------------------------------------------------------------------------------
def published(model):
    return model._default_manager.published()


def plain(data):
    """`data` as JSON gives it: dicts, lists, strings and numbers alone (a serialiser's links
    hold their record, which is not to be kept with them)."""
    return json.loads(JSONRenderer().render(data))


# Parameters that choose how a list is given, not which records it holds.
NOT_FILTERS = {"page", "page_size", "fields", "lang", "format"}


class KeptRecordsMixin:
    """Content lists and records kept as the public pages keep their cards: what the API says
    of a record is kept per record, language, address of the portal and content state (every
    `content_changed` and every scheduled publication moment replaces it), and a list's count
    per its filters. A list then reads its page's keys (one query, with its count on the
    first request after a change) and serialises only the records not kept. `fields` trims
    what is kept, so every choice of fields shares it."""

    def count_parts(self):
        params = self.request.query_params
        filters_given = sorted(
            (name, params.getlist(name)) for name in params if name not in NOT_FILTERS
        )
        return (self.basename, translation.get_language(), filters_given)

    def record_key(self, *parts):
        """The key a representation is kept under: what it depends on besides the language
        and content state (in every fragment key) is the portal's address it links with."""
        return fragment_key(
            "api-record", (self.basename, self.request.build_absolute_uri("/"), *parts)
        )

    def full_serializer(self, *args, **kwargs):
        context = {**viewsets.ReadOnlyModelViewSet.get_serializer_context(self), "fields": None}
        return self.get_serializer_class()(*args, context=context, **kwargs)

    @staticmethod
    def trimmed(record, wanted):
        if not wanted:
            return record
        return {name: value for name, value in record.items() if name in wanted}

    def list(self, request, *args, **kwargs):
        wanted = self.requested_fields()
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(keys_of(queryset))
        try:
            prefix = self.record_key("list")
            keys = [f"{prefix}:{record.pk}" for record in page]
            kept = cache.get_many(keys)
        except Exception:  # a cache that fails is not used: every record is written afresh
            prefix, keys, kept = None, [f"record:{record.pk}" for record in page], {}
        missing = [record.pk for record, key in zip(page, keys, strict=True) if key not in kept]
        if missing:
            loaded = list(self.get_queryset().filter(pk__in=missing))
            data = plain(self.full_serializer(loaded, many=True).data)
            written = {
                f"{prefix or 'record'}:{record.pk}": representation
                for record, representation in zip(loaded, data, strict=True)
            }
            if prefix is not None:
                with contextlib.suppress(Exception):  # a cache that fails keeps nothing
                    cache.set_many(written, timeout=cache_period())
            kept.update(written)
        # A record unpublished since the page's keys were read is left out.
        return self.get_paginated_response(
            [self.trimmed(kept[key], wanted) for key in keys if key in kept]
        )

    def retrieve(self, request, *args, **kwargs):
        wanted = self.requested_fields()
        try:
            key = self.record_key("record", kwargs[self.lookup_url_kwarg])
            record = cache.get(key)
        except Exception:  # a cache that fails is not used
            key = record = None
        if record is None:
            record = plain(self.full_serializer(self.get_object()).data)
            if key is not None:
                with contextlib.suppress(Exception):  # a cache that fails keeps nothing
                    cache.set(key, record, timeout=cache_period())
        return Response(self.trimmed(record, wanted))


def public_lineage_links():
    """The prefetches of a case study's links to where it was replicated
    (`public_replicated_in`) and to what it replicates (`public_replicates`), public ones only."""
    return (
        Prefetch(
            "replicated_in",
            queryset=Replication.objects.published()
            .select_related("derived")
            .only("origin_id", "derived__slug"),
            to_attr="public_replicated_in",
        ),
        Prefetch(
            "replicates",
            queryset=Replication.objects.published()
            .select_related("origin")
            .only("derived_id", "origin__slug"),
            to_attr="public_replicates",
        ),
    )


@extend_schema_view(
    list=extend_schema(
        summary="Case studies",
        description="The published case studies, with the filters of the case-study list.",
    ),
    retrieve=extend_schema(summary="A case study"),
)
class CaseStudyViewSet(KeptRecordsMixin, ReadOnlyViewSet):
    serializer_class = serializers.CaseStudySerializer
    list_serializer_class = serializers.CaseStudyListSerializer
    filterset_class = InitiativeFilter
    lookup_field = "slug"
    key_example = "cuba-ebola-west-africa"
    key_description = "The case study's slug, as in its page's address."

    def get_queryset(self):
        queryset = (
            published(Initiative)
            .order_by("-published_at", "pk")
            .prefetch_related(
                Prefetch(
                    "country_roles",
                    queryset=InitiativeCountry.objects.select_related("country").order_by(
                        "role", "country__name"
                    ),
                ),
                "regions",
                "sdgs",
                Prefetch("targets", queryset=SDGTarget.objects.only("code")),
                "themes",
            )
        )
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch(
                    "organisation_roles",
                    queryset=InitiativeOrganisation.objects.select_related("organisation"),
                ),
                "cooperation_forms",
                "sources",
                *public_lineage_links(),
            )
        return queryset


@extend_schema_view(
    list=extend_schema(
        summary="Events",
        description="The published events, past and upcoming, with the filters of the event "
        "list; soonest first.",
    ),
    retrieve=extend_schema(summary="An event"),
)
class EventViewSet(KeptRecordsMixin, ReadOnlyViewSet):
    serializer_class = serializers.EventSerializer
    list_serializer_class = serializers.EventListSerializer
    filterset_class = EventFilter
    lookup_field = "slug"
    key_example = "south-south-solidarity-high-level-panel-2021"
    key_description = "The event's slug, as in its page's address."

    def get_queryset(self):
        queryset = (
            published(Event)
            .order_by("starts_at", "pk")
            .select_related("country", "parent")
            .prefetch_related("themes")
        )
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                "organisers",
                "sdgs",
                Prefetch("initiatives", queryset=published(Initiative).only("slug")),
                "sources",
            )
        return queryset


@extend_schema_view(
    list=extend_schema(
        summary="Publications",
        description="The published publications, with the filters of the publication list; "
        "newest first.",
    ),
    retrieve=extend_schema(summary="A publication"),
)
class PublicationViewSet(KeptRecordsMixin, ReadOnlyViewSet):
    serializer_class = serializers.PublicationSerializer
    list_serializer_class = serializers.PublicationListSerializer
    filterset_class = PublicationFilter
    lookup_field = "slug"
    key_example = "good-practices-made-in-africa-solutions"
    key_description = "The publication's slug, as in its page's address."

    def get_queryset(self):
        queryset = (
            published(Publication)
            .order_by("-published_at", "pk")
            .prefetch_related("publishers", "themes", "sdgs")
        )
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                "authors",
                Prefetch("initiatives", queryset=published(Initiative).only("slug")),
                Prefetch("events", queryset=published(Event).only("slug")),
                "sources",
                Prefetch("editions", queryset=PublicationEdition.objects.order_by("language")),
            )
        return queryset


# --- Reference data -------------------------------------------------------------------------------
class CountryFilter(filters.FilterSet):
    region = filters.CharFilter(
        method="filter_region", help_text="The M49 code of a region: its countries, at any depth."
    )
    is_ldc = YesNoFilter(help_text="Least developed countries (true) or the others (false).")
    is_lldc = YesNoFilter(help_text="Landlocked developing countries (true) or the others.")
    is_sids = YesNoFilter(help_text="Small island developing States (true) or the others.")

    class Meta:
        model = Country
        fields = []

    def filter_region(self, queryset, name, value):
        region = Region.objects.filter(m49_code=value).first()
        if region is None:
            return queryset.none()
        return queryset.filter(region__in=Region.objects.within(region))


@extend_schema_view(
    list=extend_schema(summary="Countries and areas (UN M49)"),
    retrieve=extend_schema(summary="A country or area, by ISO alpha-2 code"),
)
class CountryViewSet(ReadOnlyViewSet):
    serializer_class = serializers.CountrySerializer
    filterset_class = CountryFilter
    lookup_field = "iso2"
    key_example = "KE"
    key_description = "The ISO 3166-1 alpha-2 code."
    queryset = Country.objects.select_related("region").order_by("iso2")


class RegionFilter(filters.FilterSet):
    level = WholeNumberFilter(
        min_value=1, max_value=3, help_text="1: regions, 2: sub-regions, 3: intermediate regions."
    )

    class Meta:
        model = Region
        fields = []


@extend_schema_view(
    list=extend_schema(summary="Regions (UN M49)"),
    retrieve=extend_schema(summary="A region, by M49 code"),
)
class RegionViewSet(ReadOnlyViewSet):
    serializer_class = serializers.RegionSerializer
    filterset_class = RegionFilter
    lookup_field = "m49_code"
    key_example = "002"
    key_description = "The M49 code, three digits."
    queryset = Region.objects.select_related("parent").order_by("path")


@extend_schema_view(
    list=extend_schema(summary="Sustainable Development Goals, with their targets"),
    retrieve=extend_schema(summary="A goal, by number"),
)
class SDGViewSet(ReadOnlyViewSet):
    serializer_class = serializers.SDGSerializer
    lookup_field = "number"
    key_example = "8"
    key_description = "The goal's number, 1 to 17."
    pagination_class = None
    queryset = SDG.objects.order_by("number").prefetch_related("targets")


class TargetFilter(filters.FilterSet):
    goal = WholeNumberFilter(
        field_name="goal__number", min_value=1, max_value=17, help_text="The goal's number."
    )

    class Meta:
        model = SDGTarget
        fields = []


@extend_schema_view(
    list=extend_schema(summary="SDG targets"),
    retrieve=extend_schema(summary="A target, by code (8.2, 1.a)"),
)
class TargetViewSet(ReadOnlyViewSet):
    serializer_class = serializers.TargetSerializer
    filterset_class = TargetFilter
    lookup_field = "code"
    key_example = "8.2"
    key_description = "The target's code, e.g. 8.2 or 8.a."
    queryset = SDGTarget.objects.select_related("goal").order_by("goal__number", "sort_key")


@extend_schema_view(
    list=extend_schema(summary="Themes"),
    retrieve=extend_schema(summary="A theme"),
)
class ThemeViewSet(ReadOnlyViewSet):
    serializer_class = serializers.ThemeSerializer
    lookup_field = "slug"
    key_example = "health"
    key_description = "The theme's slug."
    queryset = Theme.objects.order_by("sort_order", "slug")


@extend_schema_view(
    list=extend_schema(summary="Organisations"),
    retrieve=extend_schema(summary="An organisation"),
)
class OrganisationViewSet(ReadOnlyViewSet):
    serializer_class = serializers.OrganisationSerializer
    lookup_field = "slug"
    key_example = "unossc"
    key_description = "The organisation's slug."
    queryset = Organisation.objects.select_related("country").order_by("slug")

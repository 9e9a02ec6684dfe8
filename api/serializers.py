"""What the API says of each record.

Texts are in the language of the request (`lang`, else `Accept-Language`), in English where a
record has no translation; `languages` says, for each text, which language it is in. Records link
to each other by the address of the other record in the API (`url`) and give the address of their
public page (`page`). Times are ISO 8601 with their UTC offset: an event's in its own time zone.
"""

import zoneinfo

from django.conf import settings
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse as api_reverse

from core.content_language import text_language
from events.models import Event
from initiatives.models import Initiative, InitiativeCountry, InitiativeOrganisation
from publications.models import Publication, PublicationEdition
from taxonomy.models import SDG, Country, Organisation, Region, SDGTarget, Source, Theme

LANGUAGES = settings.LANGUAGES


class TrimmedFieldsMixin:
    """`?fields=title,url`: only those fields of each record (the others are not computed)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        wanted = self.context.get("fields")
        if wanted:
            for name in set(self.fields) - set(wanted):
                self.fields.pop(name)


class Text(serializers.CharField):
    """A record's text in the request's language, or in English where it has no translation."""

    def __init__(self, name, **kwargs):
        super().__init__(source=f"texts.{name}", read_only=True, **kwargs)


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {
            "type": "string",
            "enum": ["ar", "zh-hans", "en", "fr", "ru", "es"],
        },
        "description": "For each text, the language it is given in: the one asked for where the "
        "record has a translation, else English.",
        "example": {"title": "fr", "summary": "en"},
    }
)
class TextLanguages(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, record):
        wanted = self.parent.fields
        return {
            name: text_language(record, name)
            for name in type(record).translated_fields
            if name in wanted
        }


@extend_schema_field(OpenApiTypes.URI)
class PageLink(serializers.Field):
    """The absolute address of the record's public page, in the request's language."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, record):
        return self.context["request"].build_absolute_uri(record.get_absolute_url())


def api_link(view_name, lookup_field):
    return serializers.HyperlinkedIdentityField(
        view_name=f"api:{view_name}-detail", lookup_field=lookup_field, lookup_url_kwarg="key"
    )


def related_link(view_name, lookup_field, **kwargs):
    return serializers.HyperlinkedRelatedField(
        view_name=f"api:{view_name}-detail",
        lookup_field=lookup_field,
        lookup_url_kwarg="key",
        read_only=True,
        **kwargs,
    )


# --- Reference data -------------------------------------------------------------------------------
class RegionSummarySerializer(serializers.ModelSerializer):
    url = api_link("region", "m49_code")
    name = Text("name")

    class Meta:
        model = Region
        fields = ["url", "m49_code", "name"]


class RegionSerializer(TrimmedFieldsMixin, RegionSummarySerializer):
    parent = related_link("region", "m49_code", allow_null=True)

    class Meta:
        model = Region
        fields = ["url", "m49_code", "name", "level", "parent"]


class CountrySummarySerializer(serializers.ModelSerializer):
    url = api_link("country", "iso2")
    name = Text("name")

    class Meta:
        model = Country
        fields = ["url", "iso2", "name"]


class CountrySerializer(TrimmedFieldsMixin, CountrySummarySerializer):
    page = PageLink()
    region = RegionSummarySerializer(allow_null=True)

    class Meta:
        model = Country
        fields = [
            "url",
            "page",
            "iso2",
            "iso3",
            "m49_code",
            "name",
            "region",
            "is_ldc",
            "is_lldc",
            "is_sids",
        ]


class TargetSerializer(TrimmedFieldsMixin, serializers.ModelSerializer):
    url = api_link("sdg-target", "code")
    goal = related_link("sdg", "number")
    text = Text("text")

    class Meta:
        model = SDGTarget
        fields = ["url", "code", "goal", "text"]


class SDGSummarySerializer(serializers.ModelSerializer):
    url = api_link("sdg", "number")
    short_name = Text("short_name")

    class Meta:
        model = SDG
        fields = ["url", "number", "short_name"]


class SDGSerializer(TrimmedFieldsMixin, SDGSummarySerializer):
    title = Text("title")
    targets = serializers.SerializerMethodField()

    class Meta:
        model = SDG
        fields = ["url", "number", "short_name", "title", "colour", "targets"]

    @extend_schema_field(TargetSerializer(many=True))
    def get_targets(self, goal):
        context = {**self.context, "fields": None}
        return TargetSerializer(goal.targets.all(), many=True, context=context).data


class ThemeSummarySerializer(serializers.ModelSerializer):
    url = api_link("theme", "slug")
    name = Text("name")

    class Meta:
        model = Theme
        fields = ["url", "slug", "name"]


class ThemeSerializer(TrimmedFieldsMixin, ThemeSummarySerializer):
    description = Text("description")

    class Meta:
        model = Theme
        fields = ["url", "slug", "name", "description"]


class OrganisationSummarySerializer(serializers.ModelSerializer):
    url = api_link("organisation", "slug")
    name = Text("name")

    class Meta:
        model = Organisation
        fields = ["url", "slug", "name", "acronym"]


class OrganisationSerializer(TrimmedFieldsMixin, OrganisationSummarySerializer):
    country = CountrySummarySerializer(allow_null=True)

    class Meta:
        model = Organisation
        fields = ["url", "slug", "name", "acronym", "kind", "country", "website"]


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["title", "publisher", "year", "published_on", "url", "accessed_on"]


# --- Content --------------------------------------------------------------------------------------
class CountryRoleSerializer(serializers.ModelSerializer):
    url = related_link("country", "iso2", source="country")
    iso2 = serializers.CharField(source="country.iso2", read_only=True)
    name = serializers.CharField(source="country.texts.name", read_only=True)

    class Meta:
        model = InitiativeCountry
        fields = ["url", "iso2", "name", "role"]


class OrganisationRoleSerializer(serializers.ModelSerializer):
    url = related_link("organisation", "slug", source="organisation")
    slug = serializers.CharField(source="organisation.slug", read_only=True)
    name = serializers.CharField(source="organisation.texts.name", read_only=True)
    acronym = serializers.CharField(source="organisation.acronym", read_only=True)

    class Meta:
        model = InitiativeOrganisation
        fields = ["url", "slug", "name", "acronym", "role"]


CONTENT_FIELDS = ["url", "page", "slug", "languages", "title", "summary"]


class CaseStudyListSerializer(TrimmedFieldsMixin, serializers.ModelSerializer):
    url = api_link("case-study", "slug")
    page = PageLink()
    languages = TextLanguages()
    title = Text("title")
    summary = Text("summary")
    countries = CountryRoleSerializer(source="country_roles", many=True)
    regions = RegionSummarySerializer(many=True)
    sdgs = SDGSummarySerializer(many=True)
    targets = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        read_only=True,
        help_text='The SDG targets, by code ("8.2", "8.a"); their goals are in `sdgs`.',
    )
    themes = ThemeSummarySerializer(many=True)

    class Meta:
        model = Initiative
        fields = [
            *CONTENT_FIELDS,
            "modality",
            "project_status",
            "start_year",
            "end_year",
            "countries",
            "regions",
            "sdgs",
            "targets",
            "themes",
            "published_at",
            "updated_at",
        ]


class CaseStudySerializer(CaseStudyListSerializer):
    challenge = Text("challenge")
    solution = Text("solution")
    results = Text("results")
    replication = Text("replication")
    organisations = OrganisationRoleSerializer(source="organisation_roles", many=True)
    cooperation_forms = serializers.SerializerMethodField()
    sources = SourceSerializer(many=True)
    replicated_in = serializers.SerializerMethodField()
    adapted_from = serializers.SerializerMethodField()

    class Meta(CaseStudyListSerializer.Meta):
        fields = [
            *CaseStudyListSerializer.Meta.fields,
            "challenge",
            "solution",
            "results",
            "replication",
            "organisations",
            "cooperation_forms",
            "budget_amount",
            "budget_currency",
            "sources",
            "source_note",
            "replicated_in",
            "adapted_from",
        ]

    def case_study_urls(self, case_studies):
        request = self.context["request"]
        return [
            api_reverse("api:case-study-detail", kwargs={"key": case.slug}, request=request)
            for case in case_studies
        ]

    @extend_schema_field(
        {
            "type": "array",
            "items": {"type": "string", "format": "uri"},
            "description": "The published case studies that replicated or adapted this one.",
        }
    )
    def get_replicated_in(self, initiative):
        return self.case_study_urls(link.derived for link in initiative.public_replicated_in)

    @extend_schema_field(
        {
            "type": "array",
            "items": {"type": "string", "format": "uri"},
            "description": "The published case studies this one replicates or adapts.",
        }
    )
    def get_adapted_from(self, initiative):
        return self.case_study_urls(link.origin for link in initiative.public_replicates)

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_cooperation_forms(self, initiative):
        return [form.texts.name for form in initiative.cooperation_forms.all()]


@extend_schema_field(OpenApiTypes.DATETIME)
class LocalTime(serializers.Field):
    """An event's time in its own time zone: 2026-09-12T09:00:00-04:00."""

    def __init__(self, name, **kwargs):
        self.name = name
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, event):
        return getattr(event, self.name).astimezone(zoneinfo.ZoneInfo(event.time_zone)).isoformat()


class EventListSerializer(TrimmedFieldsMixin, serializers.ModelSerializer):
    url = api_link("event", "slug")
    page = PageLink()
    languages = TextLanguages()
    title = Text("title")
    summary = Text("summary")
    starts_at = LocalTime("starts_at")
    ends_at = LocalTime("ends_at")
    country = CountrySummarySerializer(allow_null=True)
    parent = serializers.SerializerMethodField()
    themes = ThemeSummarySerializer(many=True)

    class Meta:
        model = Event
        fields = [
            *CONTENT_FIELDS,
            "kind",
            "format",
            "starts_at",
            "ends_at",
            "time_zone",
            "date_precision",
            "annual",
            "is_cancelled",
            "venue",
            "city",
            "country",
            "parent",
            "themes",
            "registration_enabled",
            "published_at",
            "updated_at",
        ]

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_parent(self, event):
        """The event this one is part of, when the public may see it."""
        parent = event.parent
        if parent is None or not parent.is_published():
            return None
        return self.context["request"].build_absolute_uri(
            reverse("api:event-detail", kwargs={"key": parent.slug})
        )


class EventSerializer(EventListSerializer):
    description = Text("description")
    organisers = OrganisationSummarySerializer(many=True)
    sdgs = SDGSummarySerializer(many=True)
    case_studies = related_link("case-study", "slug", source="initiatives", many=True)
    sources = SourceSerializer(many=True)

    class Meta(EventListSerializer.Meta):
        fields = [
            *EventListSerializer.Meta.fields,
            "description",
            "organisers",
            "sdgs",
            "case_studies",
            "sources",
            "source_note",
        ]


@extend_schema_field(OpenApiTypes.URI)
class DocumentLink(serializers.Field):
    """The address of the publication's file on the portal, or null when it has none."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, publication):
        if not publication.document:
            return None
        return self.context["request"].build_absolute_uri(
            reverse("publications:download", kwargs={"slug": publication.slug})
        )


class PublicationEditionSerializer(serializers.ModelSerializer):
    """A language edition: its language, its title in that language, and where to read it (its
    PDF on the portal, or its publisher's address)."""

    url = serializers.SerializerMethodField()

    class Meta:
        model = PublicationEdition
        fields = ["language", "title", "url"]

    def get_url(self, edition) -> str:
        if edition.document:
            return self.context["request"].build_absolute_uri(edition.get_download_url())
        return edition.external_url


class PublicationListSerializer(TrimmedFieldsMixin, serializers.ModelSerializer):
    url = api_link("publication", "slug")
    page = PageLink()
    languages = TextLanguages()
    title = Text("title")
    summary = Text("summary")
    document = DocumentLink(allow_null=True)
    publishers = OrganisationSummarySerializer(many=True)
    themes = ThemeSummarySerializer(many=True)
    sdgs = SDGSummarySerializer(many=True)

    class Meta:
        model = Publication
        fields = [
            *CONTENT_FIELDS,
            "kind",
            "document_symbol",
            "year",
            "issued_on",
            "language",
            "document",
            "document_size",
            "external_url",
            "publishers",
            "themes",
            "sdgs",
            "published_at",
            "updated_at",
        ]


class PublicationSerializer(PublicationListSerializer):
    description = Text("description")
    authors = OrganisationSummarySerializer(many=True)
    case_studies = related_link("case-study", "slug", source="initiatives", many=True)
    events = related_link("event", "slug", many=True)
    sources = SourceSerializer(many=True)
    editions = PublicationEditionSerializer(many=True, read_only=True)

    class Meta(PublicationListSerializer.Meta):
        fields = [
            *PublicationListSerializer.Meta.fields,
            "description",
            "authors",
            "case_studies",
            "events",
            "sources",
            "source_note",
            "editions",
        ]

from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, Value, When
from django.http import Http404
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from django.views.generic import DetailView

from core.content_language import other_language, with_translations
from core.page_cache import public_page
from publishing.views import FilteredListView, PublishedDetailMixin

from . import iati, lineage
from .filters import InitiativeFilter
from .models import (
    Initiative,
    InitiativeCountry,
    InitiativeOrganisation,
    Replication,
    card_places,
)

# At most this many links of a lineage are read for a page: its own links first.
LINEAGE_LINKS = 100


class InitiativeListView(FilteredListView):
    model = Initiative
    filterset_class = InitiativeFilter
    download_url_name = "initiatives:list_download"

    def for_cards(self, queryset):
        return queryset.with_places().only(
            "title",
            "slug",
            "summary",
            "modality",
            "project_status",
            "start_year",
            "end_year",
            "published_at",
        )


class InitiativeDetailView(PublishedDetailMixin, DetailView):
    model = Initiative
    preview_messages = {
        "scheduled": _("This case study is scheduled: it becomes public on %(date)s."),
        "unpublished": _("This case study is not public yet (status: %(status)s)."),
    }

    def get_queryset(self):
        return self.get_base_queryset().prefetch_related(
            *card_places(),
            Prefetch(
                "organisation_roles",
                queryset=InitiativeOrganisation.objects.select_related("organisation").order_by(
                    "role", "organisation__name"
                ),
            ),
            "themes",
            "sdgs",
            "cooperation_forms",
            "sources",
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        initiative = self.object
        context["countries_by_role"] = group_by_role(initiative.country_roles.all())
        context["organisations_by_role"] = group_by_role(initiative.organisation_roles.all())
        context["related"] = related_initiatives(initiative)
        context.update(lineage_of(initiative))
        return context


def lineage_of(initiative):
    """What the page shows of the case study's lineage, from one query: `replicates` (the
    links to what it replicates or adapts), `replicated_in` (to where it was replicated or
    adapted) and `lineage_tree` (lineage.Tree, each node with its `record`, its title's `lines`
    and their language), public case studies only."""
    links = list(
        Replication.objects.lineage(initiative)
        .select_related("origin", "derived", "country")
        .only(
            *with_translations(
                Replication,
                "origin__title",
                "origin__slug",
                "derived__title",
                "derived__slug",
                "country__name",
                "country__iso2",
                "kind",
                "year",
                "note",
            )
        )
        .order_by(
            Case(
                When(Q(origin=initiative.pk) | Q(derived=initiative.pk), then=Value(0)),
                default=Value(1),
            ),
            "year",
            "pk",
        )[:LINEAGE_LINKS]
    )
    records = {}
    for link in links:
        records[link.origin_id] = link.origin
        records[link.derived_id] = link.derived
    records[initiative.pk] = initiative
    tree = lineage.layout(
        initiative.pk,
        [(link.origin_id, link.derived_id, link.kind) for link in links],
        order=lambda pk: records[pk].texts.title.casefold(),
    )
    page_direction = "rtl" if get_language_bidi() else "ltr"
    for node in tree.nodes:
        node.record = records[node.key]
        node.lines = lineage.wrap(node.record.texts.title)
        other = other_language(node.record, "title")
        node.lang = other[0] if other else ""
        node.direction = ("rtl" if other[1] else "ltr") if other else page_direction
    return {
        "replicates": [link for link in links if link.derived_id == initiative.pk],
        "replicated_in": [link for link in links if link.origin_id == initiative.pk],
        "lineage_tree": tree,
    }


def group_by_role(links):
    """[(role label, [linked objects])] in the order the roles are declared."""
    groups = {}
    for link in links:
        target = getattr(link, "country", None) or link.organisation
        groups.setdefault(link.get_role_display(), []).append(target)
    return list(groups.items())


def related_initiatives(initiative, limit=3, pool=200):
    """Published case studies that share the most themes and countries with this one.

    The ranking looks at the `pool` most recent case studies that share anything at all, so that
    its cost stays the same however many case studies there are.
    """
    theme_ids = [theme.pk for theme in initiative.themes.all()]
    country_ids = [link.country_id for link in initiative.country_roles.all()]
    if not theme_ids and not country_ids:
        return []
    # Build the score only from the parts that have ids: an empty IN inside an aggregate's
    # FILTER makes the whole sum collapse to a constant.
    shared, matches = Value(0), Q()
    if theme_ids:
        themes = Initiative.themes.through.objects.filter(
            initiative=OuterRef("pk"), theme__in=theme_ids
        )
        shared += Count("themes", filter=Q(themes__in=theme_ids), distinct=True)
        matches |= Q(Exists(themes))
    if country_ids:
        countries = InitiativeCountry.objects.filter(
            initiative=OuterRef("pk"), country__in=country_ids
        )
        shared += Count(
            "country_roles", filter=Q(country_roles__country__in=country_ids), distinct=True
        )
        matches |= Q(Exists(countries))
    candidates = (
        Initiative.objects.published()
        .exclude(pk=initiative.pk)
        .filter(matches)
        .order_by("-published_at")
        .values("pk")[:pool]
    )
    return list(
        Initiative.objects.filter(pk__in=candidates)
        .annotate(shared=shared)
        .order_by("-shared", "-published_at")
        .only("title", "slug", "summary", "modality")[:limit]
    )


@public_page
@require_safe
def iati_activities(request):
    """The published case studies as an IATI activity file (iati.py). A file must hold at least
    one activity: until a case study holds what IATI requires, there is no file (404)."""
    if not iati.reportable(Initiative.objects.published()).exists():
        raise Http404("No case study holds what an IATI activity requires yet.")
    base_url = request.build_absolute_uri("/")[:-1]
    return iati.file_response(iati.write_activities(iati.published_activities(), base_url))

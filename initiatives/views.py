from functools import partial

from django.db import connections
from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response
from django.utils.functional import cached_property
from django.utils.translation import get_language_bidi, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from django.views.generic import DetailView

from core.choice_cache import cached_reference, cached_result
from core.content_language import other_language, with_translations
from core.page_cache import public_page
from publishing.charts import Bar
from publishing.downloads import list_validators, with_validators
from publishing.views import CitationView, FilteredListView, PublishedDetailMixin
from taxonomy.models import SDG, SDGTarget

from . import brief, figures, iati, lineage
from .filters import InitiativeFilter, by_keys
from .models import (
    Initiative,
    InitiativeCountry,
    InitiativeOrganisation,
    Replication,
    card_places,
)
from .search import country_key, theme_key

# At most this many links of a lineage are read for a page: its own links first.
LINEAGE_LINKS = 100


class InitiativeListView(FilteredListView):
    model = Initiative
    filterset_class = InitiativeFilter
    download_url_name = "initiatives:list_download"

    card_template = "includes/initiative_card.html"
    card_name = "initiative"

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

    @cached_property
    def counts(self):
        """How many case studies of the current result (every page of it) fall under each
        goal, theme, region, modality and start year: one query (figures.py)."""
        filters = sorted(
            (name, tuple(values))
            for name, values in self.filter_data().lists()
            if name not in ("page", "sort")
        )
        return cached_result(
            "initiative-figures",
            filters,
            lambda: figures.result_counts(self.filterset.qs),
            stale_ok=True,
        )

    @cached_property
    def chosen(self):
        """The filters in use and valid, by name."""
        form = self.filterset.form
        if not self.filterset.is_bound:
            return {}
        form.is_valid()  # fills cleaned_data with the fields that are valid
        return {name: value for name, value in form.cleaned_data.items() if value}

    def choice_objects(self, name):
        """The filter's choices, as the form loaded them (core/choice_cache.py): no query."""
        return self.filterset.form.fields[name].objects()

    def counted(self, count):
        return figures.counted(count)

    def option_counts(self):
        counts = self.counts
        return {
            "sdg": {str(goal.number): counts["sdg"].get(goal.number, 0) for goal in self.goals()},
            "theme": {
                theme.slug: counts["theme"].get(theme.pk, 0)
                for theme in self.choice_objects("theme")
            },
            "region": {
                region.slug: counts["region"].get(region.m49_code, 0)
                for region in self.choice_objects("region")
            },
            "modality": counts["modality"],
        }

    def goals(self):
        return self.choice_objects("sdg")

    def charts(self):
        if not self.counts["modality"]:  # no case study in the result
            return []
        counts = self.counts
        return [
            figures.goal_chart(counts["sdg"], self.goals(), partial(self.link, "sdg")),
            self.region_chart(),
            figures.modality_chart(counts["modality"], partial(self.link, "modality")),
            figures.year_chart(counts["year"]),
        ]

    def link(self, name, value):
        """The list narrowed to `value` of the filter `name`: none when that filter is in use,
        since choosing another value would widen the result instead of narrowing it."""
        return None if name in self.chosen else self.filtered_url(name, value)

    def region_chart(self):
        """The M49 regions; within a region chosen, its sub-regions, each a narrower filter."""
        within = self.chosen.get("region")
        counts = self.counts["region"]
        regions = [
            region
            for region in self.choice_objects("region")
            if (region.parent_id == within.pk if within else region.parent_id is None)
        ]
        bars = [
            Bar(
                label=region.texts.name,
                count=counts.get(region.m49_code, 0),
                url=self.filtered_url("region", region.slug),
            )
            for region in regions
        ]
        if within:
            title = gettext("By region within %(region)s") % {"region": within.texts.name}
        else:
            title = gettext("By region")
        return figures.chart(
            "regions",
            title,
            gettext(
                "How many of these case studies involve a country of each region or name the "
                "region. A case study may involve several regions."
            ),
            bars,
            gettext("Region"),
        )


class InitiativeDetailView(PublishedDetailMixin, DetailView):
    model = Initiative
    citation_url_name = "initiatives:cite"
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
            "cooperation_forms",
            "sources",
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        initiative = self.object
        with_goals_and_targets(initiative)
        context["countries_by_role"] = group_by_role(initiative.country_roles.all())
        context["organisations_by_role"] = group_by_role(initiative.organisation_roles.all())
        context["related"] = related_initiatives(initiative)
        context.update(lineage_of(initiative))
        # Printed at the top of the page on paper, with the brief's link hidden there.
        context["page_address"] = self.request.build_absolute_uri(initiative.get_absolute_url())
        return context


class InitiativeCitationView(CitationView):
    model = Initiative

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .only(*with_translations(Initiative, "slug", "title", "status", "published_at"))
        )


def reference_objects(model):
    """{pk: record} of a small reference table (the 17 goals, the 169 targets), read once per
    process and content version (core/choice_cache.py)."""
    queryset = model.objects.select_related("goal") if model is SDGTarget else model.objects
    return {
        record.pk: record for record in cached_reference(f"{model.__name__}-by-key", queryset.all)
    }


def with_goals_and_targets(initiative):
    """Fill `initiative.sdgs.all()` and `initiative.targets.all()` from one query of both link
    tables, the goals and targets themselves coming from the reference cache: the page's
    goals and targets cost one query rather than two."""
    goals_through, targets_through = Initiative.sdgs.through, Initiative.targets.through
    links = (
        goals_through.objects.filter(initiative_id=initiative.pk)
        .annotate(kind=Value("goal"))
        .values_list("kind", "sdg_id")
        .union(
            targets_through.objects.filter(initiative_id=initiative.pk)
            .annotate(kind=Value("target"))
            .values_list("kind", "sdgtarget_id"),
            all=True,
        )
    )
    keys = {"goal": [], "target": []}
    for kind, key in links:
        keys[kind].append(key)
    goals, targets = reference_objects(SDG), reference_objects(SDGTarget)
    shown = {
        "sdgs": sorted((goals[key] for key in keys["goal"]), key=lambda goal: goal.number),
        "targets": sorted(
            (targets[key] for key in keys["target"]),
            key=lambda target: (target.goal.number, target.sort_key),
        ),
    }
    for name, records in shown.items():
        related = getattr(initiative, name).all()
        related._result_cache, related._prefetch_done = records, True
        initiative.__dict__.setdefault("_prefetched_objects_cache", {})[name] = related


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


# The related case studies on PostgreSQL, in one query: the `pool` most recent that share a
# key (the candidates, which the index of publication dates gives newest first, each tested by
# its own keys), ranked by how many keys each shares; then the few shown read whole.
RELATED_SQL = """
SELECT {columns}, ranked.shared
FROM {table} AS related
JOIN (
    SELECT candidate.id, candidate.published_at, {shared} AS shared
    FROM ({candidates}) AS candidate
    ORDER BY shared DESC, candidate.published_at DESC
    LIMIT %s
) AS ranked ON ranked.id = related.id
ORDER BY ranked.shared DESC, ranked.published_at DESC
"""


def related_initiatives(initiative, limit=3, pool=100):
    """Published case studies that share the most themes and countries with this one.

    The ranking looks at the `pool` most recent case studies that share anything at all, so that
    its cost stays the same however many case studies there are. On PostgreSQL what a case
    study shares is read from its filter keys (search.py) alone; elsewhere through the link
    tables. Either way, one query.
    """
    themes = list(initiative.themes.all())
    countries = {link.country for link in initiative.country_roles.all()}
    if not themes and not countries:
        return []
    others = Initiative.objects.published().exclude(pk=initiative.pk)
    shown = with_translations(Initiative, "title", "slug", "summary", "modality")
    if by_keys(others):
        keys = [theme_key(theme) for theme in themes] + [country_key(c) for c in countries]
        candidates, params = (
            others.filter(filter_keys__overlap=keys)
            .order_by("-published_at")
            .values("id", "published_at", "filter_keys")[:pool]
            .query.sql_with_params()
        )
        quote = connections[others.db].ops.quote_name
        sql = RELATED_SQL.format(
            columns=", ".join(f"related.{quote(name)}" for name in ("id", *shown)),
            table=quote(Initiative._meta.db_table),
            shared=" + ".join(["(candidate.filter_keys @> ARRAY[%s]::varchar[])::int"] * len(keys)),
            candidates=candidates,
        )
        return list(Initiative.objects.raw(sql, (*keys, *params, limit)))
    # Build the score only from the parts that have ids: an empty IN inside an aggregate's
    # FILTER makes the whole sum collapse to a constant.
    shared, matches = Value(0), Q()
    if themes:
        shared += Count("themes", filter=Q(themes__in=themes), distinct=True)
        matches |= Q(
            Exists(
                Initiative.themes.through.objects.filter(
                    initiative=OuterRef("pk"), theme__in=themes
                )
            )
        )
    if countries:
        shared += Count(
            "country_roles__country",
            filter=Q(country_roles__country__in=countries),
            distinct=True,
        )
        matches |= Q(
            Exists(
                InitiativeCountry.objects.filter(initiative=OuterRef("pk"), country__in=countries)
            )
        )
    candidates = others.filter(matches).order_by("-published_at").values("pk")[:pool]
    return list(
        Initiative.objects.filter(pk__in=candidates)
        .annotate(shared=shared)
        .order_by("-shared", "-published_at")
        .only(*shown)[:limit]
    )


@public_page
@require_safe
def iati_activities(request):
    """The published case studies as an IATI activity file (iati.py). A file must hold at least
    one activity: until a case study holds what IATI requires, there is no file (404). It
    carries a weak ETag and Last-Modified, as the lists' downloads do, and answers 304 to a
    client that has it as it is (its bytes differ by the moment it was written alone)."""
    reportable = iati.reportable(Initiative.objects.published())
    etag, last_modified, count = list_validators(
        reportable, [request.build_absolute_uri()], weak=True
    )
    if not count:
        raise Http404("No case study holds what an IATI activity requires yet.")
    unchanged = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if unchanged is not None:
        return with_validators(unchanged, etag, last_modified)
    base_url = request.build_absolute_uri("/")[:-1]
    response = iati.file_response(iati.write_activities(iati.published_activities(), base_url))
    return with_validators(response, etag, last_modified)


@require_safe
def initiative_brief(request, slug):
    """The case study's one-page brief as a PDF (brief.py), in the page's language: published
    case studies only, as for visitors (a draft's brief is not there, even for staff). It comes
    as an attachment named after the case study, for the visitor to keep or send on; the
    browser's own print of the page (the print stylesheet) is the other way to paper."""
    initiative = get_object_or_404(
        Initiative.objects.published()
        .defer("search_text", "search_vector")
        .prefetch_related("sources", "sdgs", "regions"),
        slug=slug,
    )
    address = request.build_absolute_uri(initiative.get_absolute_url())
    response = HttpResponse(brief.brief_pdf(initiative, address), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{initiative.slug}-brief.pdf"'
    return response

"""The Sustainable Development Goals' pages: /sdgs/, the 17 goals with how many published case
studies each has, and /sdgs/<number>/, one goal with its targets, case studies, events and
publications.

A goal's page costs a fixed number of queries (nine), however many records there are: counts
are subqueries of the rows they go with, and each list is cut to a few in the database with its
full count beside it (a window function), as on the country pages.
"""

from urllib.parse import urlencode

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core.choice_cache import cached_choices
from events.models import Event
from initiatives import figures
from initiatives.models import Initiative, card_places
from publications.models import Publication
from publishing.charts import Bar
from taxonomy.models import SDG, Region

from .countries import heavy_fields

# How many of each a goal's page shows; the lists behind "see all" have the rest.
CASES_SHOWN = 6
EVENTS_SHOWN = 6
PUBLICATIONS_SHOWN = 6


def count_of(queryset):
    """The number of rows of `queryset` (correlated with OuterRef), as a subquery: 0 for
    none."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def published_initiative_ids():
    return Initiative.objects.published().values("pk")


def case_studies_of_goal(goal_id):
    """The published case studies linked to the goal (`goal_id` may be an OuterRef)."""
    links = Initiative.sdgs.through.objects.filter(initiative=OuterRef("pk"), sdg=goal_id)
    return Initiative.objects.published().filter(Exists(links))


class GoalListView(TemplateView):
    template_name = "goals/goal_list.html"
    page_cache = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        links = Initiative.sdgs.through.objects.filter(
            sdg=OuterRef("pk"), initiative__in=published_initiative_ids()
        )
        context["goals"] = list(SDG.objects.annotate(case_studies=count_of(links)))
        return context


class GoalView(TemplateView):
    template_name = "goals/goal_detail.html"
    page_cache = True

    def get(self, request, *args, **kwargs):
        number = kwargs["number"]
        # A goal's number, 1 to 17; anything else is no goal.
        if not (number.isascii() and number.isdigit() and len(number) <= 2):
            raise Http404(_("There is no such goal."))
        goal = SDG.objects.filter(number=int(number)).first()
        if goal is None:
            raise Http404(_("There is no such goal."))
        if number != str(goal.number):  # "08": one address per goal
            return redirect(goal.get_absolute_url(), permanent=True)
        self.goal = goal
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        goal = self.goal
        context["goal"] = goal
        context["targets"] = self.targets()
        context["case_studies"], context["case_studies_total"] = self.case_studies()
        counts = figures.result_counts(case_studies_of_goal(goal.pk))
        context["case_studies_by_region"] = by_region = [
            (region, counts["region"].get(region.m49_code, 0)) for region in top_regions()
        ]
        context["region_chart"] = region_chart(goal, by_region)
        context["charts"] = goal_charts(goal, counts)
        context["events"], context["events_total"] = self.events()
        context["publications"], context["publications_total"] = self.publications()
        return context

    def targets(self):
        """The goal's targets in their order, each with its count of published case studies
        (one query)."""
        links = Initiative.targets.through.objects.filter(
            sdgtarget=OuterRef("pk"), initiative__in=published_initiative_ids()
        )
        return list(self.goal.targets.annotate(case_studies=count_of(links)))

    def case_studies(self):
        """The latest few published case studies with the goal, and how many there are (one
        query, two more for what the cards show of their places)."""
        initiatives, total = (
            case_studies_of_goal(self.goal.pk)
            .defer(
                *heavy_fields(
                    Initiative,
                    "challenge",
                    "solution",
                    "results",
                    "replication",
                    "source_note",
                    "search_text",
                    "search_vector",
                )
            )
            .order_by("-published_at", "title")
            .first_with_total(CASES_SHOWN)
        )
        prefetch_related_objects(initiatives, *card_places())
        return initiatives, total

    def events(self):
        """Published events linked to the goal: the upcoming ones first, soonest first, then
        the past ones, latest first; a few of them, and how many there are (one query)."""
        now = timezone.now()
        links = Event.sdgs.through.objects.filter(event=OuterRef("pk"), sdg=self.goal.pk)
        skipped = heavy_fields(Event, "description", "source_note", "search_text", "search_vector")
        skipped += [f"parent__{name}" for name in skipped]
        upcoming = Q(ends_at__gte=now)
        events = list(
            Event.objects.published()
            .filter(Exists(links))
            .with_confirmed_count()
            .select_related("country", "parent")
            .defer(*skipped)
            .annotate(
                is_upcoming=Case(When(upcoming, then=Value(True)), default=Value(False)),
                total=Window(Count("pk", distinct=False)),
            )
            .order_by(
                F("is_upcoming").desc(),
                Case(When(upcoming, then=F("starts_at"))).asc(),
                F("starts_at").desc(),
                "title",
            )[:EVENTS_SHOWN]
        )
        return events, (events[0].total if events else 0)

    def publications(self):
        """The latest few published publications linked to the goal, and how many there are
        (one query, one more for their publishers)."""
        links = Publication.sdgs.through.objects.filter(
            publication=OuterRef("pk"), sdg=self.goal.pk
        )
        publications, total = (
            Publication.objects.published()
            .filter(Exists(links))
            .only(
                *heavy_fields(
                    Publication,
                    "title",
                    "slug",
                    "summary",
                    "kind",
                    "year",
                    "issued_on",
                    "document_symbol",
                    "language",
                    "document",
                )
            )
            .order_by(*Publication.LATEST_FIRST)
            .first_with_total(PUBLICATIONS_SHOWN)
        )
        prefetch_related_objects(publications, "publishers")
        return publications, total


def region_chart(goal, by_region):
    """The goal's case studies by M49 region as a bar chart (publishing/charts.py), each bar the
    case-study list filtered by the goal and the region."""
    list_url = reverse("initiatives:list")
    bars = [
        Bar(
            label=region.texts.name,
            count=count,
            url=f"{list_url}?{urlencode({'sdg': goal.number, 'region': region.slug})}",
        )
        for region, count in by_region
    ]
    return figures.chart(
        "goal-regions",
        _("Case studies by region"),
        _(
            "How many of the goal's case studies involve a country of each region or name the "
            "region. A case study involving several regions counts in each."
        ),
        bars,
        _("Region"),
    )


def top_regions():
    """The five M49 regions (Africa, Americas, Asia, Europe, Oceania), in the order of their
    codes, read once per process and content version."""
    return cached_choices(
        "m49-regions",
        lambda: Region.objects.filter(level=Region.Level.REGION).order_by("m49_code"),
    )


def goal_charts(goal, counts):
    """The goal's case studies by modality and by start year, as on the case-study list, each
    modality a link to the list of the goal's case studies of that modality."""
    list_url = reverse("initiatives:list")

    def by_modality(value):
        return f"{list_url}?{urlencode({'sdg': goal.number, 'modality': value})}"

    charts = [
        figures.modality_chart(counts["modality"], by_modality),
        figures.year_chart(counts["year"]),
    ]
    return [chart for chart in charts if chart]

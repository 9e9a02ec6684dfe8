"""A country's page: everything published that involves it (/countries/<ISO alpha-2>/).

Case studies it takes part in, by its role; events held there, upcoming and past; publications
related to those case studies or events. A fixed number of queries (at most eight), however
many records there are: each list is cut to a few in the database, with its full count beside it
(window functions, on SQLite and PostgreSQL alike).
"""

from django.db.models import Count, F, Q, Window, prefetch_related_objects
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from core.choice_cache import cached_choices
from core.content_language import with_translations
from events.models import Event
from initiatives import figures
from initiatives.models import CountryRole, Initiative, InitiativeCountry, card_places
from publications.models import Publication
from taxonomy.models import SDG, Country

# How many of each the page shows; the lists behind "see all" have the rest.
CASES_PER_ROLE = 6
EVENTS_PER_LIST = 6
PUBLICATIONS_SHOWN = 12

ROLE_HEADINGS = {
    CountryRole.PROVIDER: lambda count: ngettext(
        "As a provider: %(count)s case study", "As a provider: %(count)s case studies", count
    ),
    CountryRole.BENEFICIARY: lambda count: ngettext(
        "As a beneficiary: %(count)s case study",
        "As a beneficiary: %(count)s case studies",
        count,
    ),
    CountryRole.FACILITATOR: lambda count: ngettext(
        "As a facilitator: %(count)s case study",
        "As a facilitator: %(count)s case studies",
        count,
    ),
}


def heavy_fields(model, *names):
    """Of `names`, the fields `model` has: long texts and search indexes the cards never show."""
    fields = {field.name for field in model._meta.get_fields()}
    return with_translations(model, *[name for name in names if name in fields])


def region_path(region):
    """[Africa, Sub-Saharan Africa, Western Africa]: from the top region down. The chain is
    select_related (M49 has three levels), so this costs no query."""
    path = []
    while region is not None:
        path.append(region)
        region = region.parent
    return path[::-1]


class CountryView(TemplateView):
    template_name = "countries/country_detail.html"
    page_cache = True

    def get(self, request, *args, **kwargs):
        code = kwargs["code"]
        # ISO codes are two or three ASCII letters; anything else is no country.
        if not (2 <= len(code) <= 3 and code.isascii() and code.isalpha()):
            raise Http404(_("No country has this code."))
        code = code.upper()
        lookup = {"iso2": code} if len(code) == 2 else {"iso3": code}
        country = Country.objects.select_related("region__parent__parent").filter(**lookup).first()
        if country is None:
            raise Http404(_("No country has this code."))
        if kwargs["code"] != country.iso2:
            # One address per country: alpha-3 codes and lower case lead to it.
            return redirect(country.get_absolute_url(), permanent=True)
        self.country = country
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        country = self.country
        context["country"] = country
        context["regions"] = region_path(country.region)
        context["groups"] = [
            label
            for flag, label in (
                (country.is_ldc, _("Least developed country (LDC)")),
                (country.is_lldc, _("Landlocked developing country (LLDC)")),
                (country.is_sids, _("Small island developing State (SIDS)")),
            )
            if flag
        ]
        context["roles"] = self.case_studies_by_role()
        context["charts"] = self.case_study_charts() if context["roles"] else []
        context.update(self.events())
        context["publications"], context["publications_total"] = self.publications()
        context["nothing_published"] = not (
            context["roles"]
            or context["upcoming_total"]
            or context["past_total"]
            or context["publications_total"]
        )
        return context

    def case_studies_by_role(self):
        """[{role, heading, total, initiatives}] for the roles the country has, in the order
        they are declared: one query for the links (the first few of each role, and each role's
        count), two for the cards' countries and regions."""
        links = list(
            InitiativeCountry.objects.filter(
                country=self.country, initiative__in=Initiative.objects.published().values("pk")
            )
            .select_related("initiative")
            .only(
                *with_translations(
                    InitiativeCountry,
                    "role",
                    "initiative__title",
                    "initiative__slug",
                    "initiative__summary",
                    "initiative__modality",
                    "initiative__published_at",
                )
            )
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=F("role"),
                    order_by=[F("initiative__published_at").desc(), F("initiative__title").asc()],
                ),
                role_total=Window(Count("pk"), partition_by=F("role")),
            )
            .filter(rank__lte=CASES_PER_ROLE)
            .order_by("role", "rank")
        )
        initiatives = [link.initiative for link in links]
        # The cards name every country of a case study with its role, and its regions.
        prefetch_related_objects(initiatives, *card_places())
        groups = {}
        for link in links:
            group = groups.setdefault(
                link.role,
                {"role": link.role, "total": link.role_total, "initiatives": []},
            )
            group["initiatives"].append(link.initiative)
        result = []
        for role in CountryRole.values:
            if role in groups:
                group = groups[role]
                group["heading"] = ROLE_HEADINGS[role](group["total"]) % {"count": group["total"]}
                group["more"] = group["total"] > len(group["initiatives"])
                result.append(group)
        return result

    def case_study_charts(self):
        """The country's published case studies by goal, modality and start year (one query;
        the goals come from the filter choices kept in memory), each goal and modality a link
        to the case-study list filtered by the country and by it."""
        published = Initiative.objects.published()
        counts = figures.result_counts(
            published.filter(
                pk__in=InitiativeCountry.objects.filter(country=self.country).values(
                    "initiative_id"
                )
            ),
            regions=False,
        )
        # The same list, under the same name, as the goal filter of the lists keeps
        # (core/filters.py, publishing/filters.py SHARED_LINKS).
        goals = cached_choices(f"sdgs:{get_language()}", SDG.objects.all)
        base = f"{reverse('initiatives:list')}?country={self.country.iso2}"
        charts = [
            figures.goal_chart(counts["sdg"], goals, lambda number: f"{base}&sdg={number}"),
            figures.modality_chart(counts["modality"], lambda value: f"{base}&modality={value}"),
            figures.year_chart(counts["year"]),
        ]
        return [chart for chart in charts if chart]

    def events(self):
        """Published events held in the country: the next few and the last few, with how many
        there are of each (three queries)."""
        now = timezone.now()
        held_here = Event.objects.published().filter(country=self.country)
        totals = held_here.aggregate(
            upcoming_total=Count("pk", filter=Q(ends_at__gte=now)),
            past_total=Count("pk", filter=Q(ends_at__lt=now)),
        )
        skipped = heavy_fields(Event, "description", "source_note", "search_text", "search_vector")
        skipped += [f"parent__{name}" for name in skipped]
        # includes/event_card.html reads the parent, the country and, for upcoming events, the
        # registration counts.
        upcoming = []
        if totals["upcoming_total"]:
            upcoming = list(
                held_here.upcoming(now)
                .with_registration_counts()
                .select_related("country", "parent")
                .defer(*skipped)[:EVENTS_PER_LIST]
            )
        past = []
        if totals["past_total"]:
            past = list(
                held_here.past(now)
                .select_related("country", "parent")
                .defer(*skipped)[:EVENTS_PER_LIST]
            )
        events_url = f"{reverse('events:list')}?country={self.country.iso2}"
        name = self.country.texts.name
        upcoming_count, past_count = totals["upcoming_total"], totals["past_total"]
        groups = [
            {
                "when": "upcoming",
                "events": upcoming,
                "total": upcoming_count,
                "heading": ngettext(
                    "%(counter)s upcoming event", "%(counter)s upcoming events", upcoming_count
                )
                % {"counter": upcoming_count},
                "more_url": events_url,
                "more_text": _("See all upcoming events in %(name)s") % {"name": name},
            },
            {
                "when": "past",
                "events": past,
                "total": past_count,
                "heading": ngettext("%(counter)s past event", "%(counter)s past events", past_count)
                % {"counter": past_count},
                "more_url": f"{events_url}&when=past",
                "more_text": _("See all past events in %(name)s") % {"name": name},
            },
        ]
        for group in groups:
            group["more"] = group["total"] > len(group["events"])
        return {"upcoming_events": upcoming, "past_events": past, "event_groups": groups, **totals}

    def publications(self):
        """Published publications related to a published case study involving the country, or
        to a published event held there: the latest few and how many (one query)."""
        via_case_studies = Publication.initiatives.through.objects.filter(
            initiative_id__in=InitiativeCountry.objects.filter(
                country=self.country, initiative__in=Initiative.objects.published().values("pk")
            ).values("initiative_id")
        ).values("publication_id")
        via_events = Publication.events.through.objects.filter(
            event_id__in=Event.objects.published().filter(country=self.country).values("pk")
        ).values("publication_id")
        publications = list(
            Publication.objects.published()
            .filter(Q(pk__in=via_case_studies) | Q(pk__in=via_events))
            .only(
                "title",
                "slug",
                "summary",
                "kind",
                "year",
                "issued_on",
                "document_symbol",
                "language",
            )
            .annotate(total=Window(Count("pk")))
            .order_by(F("year").desc(), F("issued_on").desc(nulls_last=True), "title")[
                :PUBLICATIONS_SHOWN
            ]
        )
        return publications, (publications[0].total if publications else 0)

"""Pages that compose several apps."""

import datetime

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.paginator import Paginator
from django.db.models import CharField, Count, F, Value
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from core.choice_cache import cached_reference, cached_result
from core.page_cache import public_page
from events.models import Event
from initiatives import iati
from initiatives.models import Initiative
from publications.models import Publication
from publishing.downloads import FORMATS
from publishing.search import search_words
from publishing.site_search import PAGE_SIZE, Search, SearchForm, result_types
from taxonomy.models import SDG

from . import cooperation
from .colours import ink_for
from .countries import map_context
from .models import AboutSection, KeyFigure

# How many of each the home page shows. The featured grid has 1, 2 or 3 columns by the width of
# the screen (site.css, .featured-grid): 6 fills every row of each; fewer featured case studies
# leave a short last row, whose last card then spans the rest of the row (no card alone).
FEATURED_COUNT = 6
FEATURED_COLUMNS = (1, 2, 3)
UPCOMING_COUNT = 3
LATEST_PUBLICATIONS_COUNT = 3
KEY_FIGURES_COUNT = 6  # also in KeyFigureAdmin's description of the home page fieldset


def published_totals():
    """{"initiatives": published case studies, "events": upcoming published events,
    "publications": published publications}, in one query (three counts joined by UNION ALL)."""

    def total(queryset, name):
        return (
            queryset.order_by()
            .annotate(counted=Value(name, CharField()))
            .values("counted")
            .annotate(n=Count("pk"))
            .values_list("counted", "n")
        )

    totals = total(Initiative.objects.published(), "initiatives").union(
        total(Event.objects.published().upcoming(), "events"),
        total(Publication.objects.published(), "publications"),
        all=True,
    )
    return {"initiatives": 0, "events": 0, "publications": 0, **dict(totals)}


def home_overview():
    """The totals behind the home page's ways in and its map: {"counts": published_totals(),
    "by_country": {country id: {role: n, "total": n}}}; two queries once per content state and
    period, kept in the shared cache (core/choice_cache.py's cached_result) and read only when
    the home page's content is written. They count every published record (seconds at 100,000),
    so while one request counts them again, the others are written with the last figures
    (stale_ok) rather than all count at once. The figures by country are those the country
    index shows (cooperation.overview(), kept likewise)."""

    def load():
        return {
            "counts": published_totals(),
            "by_country": cooperation.overview()["by_country"],
        }

    return cached_result("home-overview", (), load, stale_ok=True)


def sdg_tiles():
    """The 17 goals, each with the ink its tile's text is set in ("light" or "dark", whichever
    contrasts more with the goal's colour: colours.ink_for)."""
    goals = cached_reference(f"sdgs:{get_language()}", SDG.objects.all)
    return [{"goal": goal, "ink": ink_for(goal.colour)} for goal in goals]


class HomeView(TemplateView):
    """A few of everything: a fixed number of queries (about eight), whatever the amount; the
    totals, the map's numbers and the goals come from the choice cache."""

    template_name = "home.html"
    page_cache = True

    def get_context_data(self, **kwargs):
        # The page's content is written once per language and content version and kept
        # (templates/home.html's `{% fragment %}`): what it shows is loaded only when it is
        # written, each list the first time the template reads it.
        context = super().get_context_data(**kwargs)
        overview = SimpleLazyObject(self.overview)
        context.update(
            featured=SimpleLazyObject(self.featured),
            upcoming_events=SimpleLazyObject(self.upcoming_events),
            latest_publications=SimpleLazyObject(self.latest_publications),
            key_figures=SimpleLazyObject(
                lambda: list(
                    KeyFigure.objects.shown().prefetch_related("sources")[:KEY_FIGURES_COUNT]
                )
            ),
            counts=SimpleLazyObject(lambda: overview["counts"]),
            map=SimpleLazyObject(lambda: overview["map"]),
            map_title=_("The countries and areas taking part in the published case studies"),
            sdg_tiles=SimpleLazyObject(sdg_tiles),
        )
        return context

    def featured(self):
        return list(
            Initiative.objects.published()
            .filter(featured=True)
            .with_places()
            .only("title", "slug", "summary", "modality", "start_year", "end_year")[:FEATURED_COUNT]
        )

    def upcoming_events(self):
        # includes/event_card.html reads the parent, the country and the registration counts.
        return list(
            Event.objects.published()
            .upcoming()
            .with_confirmed_count()
            .select_related("country", "parent")
            .defer("description", "source_note", "search_text", "search_vector")[:UPCOMING_COUNT]
        )

    def latest_publications(self):
        # Newest first by year, then by exact date; undated ones after the dated ones of their
        # year on every database (PostgreSQL would put NULLs first in a descending order).
        # includes/publication_card.html names the publishers.
        return list(
            Publication.objects.published()
            .order_by("-year", F("issued_on").desc(nulls_last=True), "-published_at", "title")
            .prefetch_related("publishers")
            .defer("description", "source_note", "search_text", "search_vector")[
                :LATEST_PUBLICATIONS_COUNT
            ]
        )

    def overview(self):
        """The totals and the world map's shapes, numbers and legend."""
        overview = home_overview()
        return {
            "counts": overview["counts"],
            "map": map_context(cooperation.countries_by_id(), overview["by_country"], "total"),
        }


class AboutView(TemplateView):
    template_name = "about.html"
    page_cache = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sections"] = list(AboutSection.objects.shown().prefetch_related("sources"))
        return context


# The read API's versions, newest first: (version, date, what changed). The open-data page lists
# them; add a line with every change a client could notice.
API_CHANGES = [
    (
        "1.0.0",
        datetime.date(2026, 12, 3),
        _(
            "First version: case studies, events and publications with the filters of their "
            "lists; countries and regions, the Sustainable Development Goals and their targets, "
            "themes and organisations."
        ),
    ),
    (
        "1.1.0",
        datetime.date(2026, 12, 4),
        _(
            "Every answer says when the content last changed (Last-Modified) and answers "
            "If-Modified-Since with 304; the lists' downloads and the IATI file may be read "
            "from any origin too."
        ),
    ),
]


class OpenDataView(TemplateView):
    """What the portal publishes as open data, under which licence, and where to get it."""

    template_name = "open_data.html"
    page_cache = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            counts={
                "initiatives": Initiative.objects.published().count(),
                "iati": iati.reportable(Initiative.objects.published()).count(),
                "events": Event.objects.published().count(),
                "publications": Publication.objects.published().count(),
            },
            api_changes=API_CHANGES,
            api_rate=settings.API_RATE_LIMIT_PER_MINUTE,
            iati_url=reverse("open_data_iati_activities"),
            download_lists=[
                {
                    "name": model._meta.verbose_name_plural,
                    "links": [
                        {
                            "url": reverse(f"{app}:list_download", kwargs={"format": name}),
                            "label": file_format.label,
                        }
                        for name, file_format in FORMATS.items()
                    ],
                }
                for app, model in (
                    ("initiatives", Initiative),
                    ("events", Event),
                    ("publications", Publication),
                )
            ],
            today=timezone.localdate(),
        )
        return context


class PrivacyView(TemplateView):
    """The privacy notice: what registering for an event keeps about a person, and for how long."""

    template_name = "privacy.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            retention_days=settings.REGISTRATION_RETENTION_DAYS,
            contact_email=settings.PRIVACY_CONTACT_EMAIL,
            language_cookie=settings.LANGUAGE_COOKIE_NAME,
            csrf_cookie=settings.CSRF_COOKIE_NAME,
            messages_cookie=CookieStorage.cookie_name,
            session_cookie=settings.SESSION_COOKIE_NAME,
        )
        return context


@public_page
@require_safe
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    """Everything public may be crawled; the admin, in every language, and the API's lists may
    not. The sitemap's
    address is on the host asked for (sscportal/urls.py serves it at /sitemap.xml)."""
    lines = ["User-agent: *", "Disallow: /admin/"]
    lines += [f"Disallow: /{code}/admin/" for code, _name in settings.LANGUAGES]
    # The API's lists, pages and filters are for programs (the same records are in the
    # sitemap as pages); its documentation and schema are for people and crawlers alike.
    lines += ["Allow: /api/v1/docs/", "Allow: /api/v1/schema/", "Disallow: /api/"]
    lines += ["", f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


class SiteSearchView(TemplateView):
    template_name = "search.html"
    page_cache = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        types = result_types()
        result_type = types.get(params.get("type", ""))
        form = SearchForm(params if "q" in params else None)
        context.update(form=form, result_type=result_type, result_types=list(types.values()))
        if not form.is_bound or not form.is_valid():
            return context  # nothing asked yet, or an error to show: no search
        value = form.cleaned_data["q"]
        words = search_words(value)
        context.update(value=value, words=words)
        if not words:
            return context  # empty, or only punctuation: nothing to search for
        search = Search(words, result_type)
        paginator = Paginator(search, PAGE_SIZE)
        page = paginator.get_page(params.get("page"))
        counts = search.counts()
        context.update(
            paginator=paginator,
            page_obj=page,
            is_paginated=page.has_other_pages(),
            results=page.object_list,
            close_matches=search.close_matches,
            total=sum(counts.values()),
            tabs=[
                {"type": each, "count": counts.get(each.code, 0), "current": each == result_type}
                for each in types.values()
            ],
        )
        return context

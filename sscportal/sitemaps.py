"""The sitemap: the fixed pages, every published case study, event and publication, the country
pages with something published and the 17 goals' pages.

/sitemap.xml is an index of one sitemap per section, so that each can grow past what one
sitemap may hold (the index then lists its further pages, ?p=2, ...). Every page is listed in
each of the six languages, each entry with its alternates in the others and `x-default` (the
English address): `<xhtml:link rel="alternate" hreflang="...">`, as the pages' own heads say.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, Max, OuterRef, Q
from django.urls import reverse

from events.models import Event
from initiatives.models import Initiative, InitiativeCountry
from publications.models import Publication
from taxonomy.models import SDG, Country


class LanguagesSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    # Entries per sitemap page (each a page in one language, with its seven alternates): well
    # within the 50 MB a sitemap may weigh.
    limit = 10_000


class PagesSitemap(LanguagesSitemap):
    url_names = [
        "home",
        "about",
        "privacy",
        "open_data",
        "initiatives:list",
        "events:list",
        "publications:list",
        "sdgs",
        "countries",
    ]

    def items(self):
        return self.url_names

    def location(self, url_name):
        # Called in each language in turn (Sitemap.i18n): /fr/about/, ...
        return reverse(url_name)


class PublishedSitemap(LanguagesSitemap):
    """Subclasses set `model`; its `published()` decides what is listed."""

    model = None

    def published(self):
        return self.model._default_manager.published()

    def items(self):
        # Ordered by key so that the pages of a long sitemap do not overlap.
        return self.published().only("slug", "updated_at").order_by("pk")

    def location(self, item):
        return item.get_absolute_url()

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        """For the index, in one query (Django's default reads every item)."""
        return self.published().aggregate(latest=Max("updated_at"))["latest"]


class CountrySitemap(LanguagesSitemap):
    """Country pages with something published on them: an empty one is no page to index."""

    def items(self):
        involved = Q(
            Exists(
                InitiativeCountry.objects.filter(
                    country=OuterRef("pk"), initiative__in=Initiative.objects.published()
                )
            )
        ) | Q(Exists(Event.objects.published().filter(country=OuterRef("pk"))))
        return Country.objects.filter(involved).only("iso2").order_by("iso2")

    def location(self, country):
        return country.get_absolute_url()


class GoalSitemap(LanguagesSitemap):
    """The 17 goals' pages: each lists the goal's targets, even before anything is published."""

    def items(self):
        return SDG.objects.only("number").order_by("number")

    def location(self, goal):
        return goal.get_absolute_url()


class InitiativeSitemap(PublishedSitemap):
    model = Initiative


class EventSitemap(PublishedSitemap):
    model = Event


class PublicationSitemap(PublishedSitemap):
    model = Publication


SITEMAPS = {
    "pages": PagesSitemap,
    "initiatives": InitiativeSitemap,
    "events": EventSitemap,
    "publications": PublicationSitemap,
    "countries": CountrySitemap,
    "goals": GoalSitemap,
}

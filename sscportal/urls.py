from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from django.views.i18n import set_language

from core.page_cache import public_page
from events.feeds import EventAtomFeed, EventFeed
from initiatives import views as initiative_views
from initiatives.feeds import InitiativeAtomFeed, InitiativeFeed
from publications.feeds import PublicationAtomFeed, PublicationFeed

from . import cards, countries, goals, health, styleguide, views
from .sitemaps import SITEMAPS

# 503 while the database is out of reach, the 500 page for any other failure.
handler500 = "sscportal.errors.server_error"

urlpatterns = [
    path("health/", health.health, name="health"),
    re_path(r"^health/live/?$", health.live, name="health_live"),
    re_path(r"^health/ready/?$", health.ready, name="health_ready"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    # An index of one sitemap per section (sitemaps.py); robots.txt gives its address.
    path(
        "sitemap.xml",
        public_page(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        public_page(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", include("api.urls")),
    # Open data: one file for every language, its texts in all of them.
    path(
        "open-data/iati-activities.xml",
        initiative_views.iati_activities,
        name="open_data_iati_activities",
    ),
]

# Pages in every UN language; English addresses have no prefix.
urlpatterns += i18n_patterns(
    path("", views.HomeView.as_view(), name="home"),
    path("about/", views.AboutView.as_view(), name="about"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    path("open-data/", views.OpenDataView.as_view(), name="open_data"),
    path("search/", views.SiteSearchView.as_view(), name="search"),
    path("styleguide/", styleguide.StyleGuideView.as_view(), name="styleguide"),
    # Feeds: the URL names are read by templatetags/seo.py (FEED_SECTIONS).
    path("initiatives/feed/rss/", InitiativeFeed(), name="initiatives_feed_rss"),
    path("initiatives/feed/atom/", InitiativeAtomFeed(), name="initiatives_feed_atom"),
    path("events/feed/rss/", EventFeed(), name="events_feed_rss"),
    path("events/feed/atom/", EventAtomFeed(), name="events_feed_atom"),
    path("publications/feed/rss/", PublicationFeed(), name="publications_feed_rss"),
    path("publications/feed/atom/", PublicationAtomFeed(), name="publications_feed_atom"),
    # Share cards (cards.py): the og:image of each detail page, in the page's language.
    path("initiatives/<slug:slug>/card.png", cards.initiative_card, name="card_initiative"),
    path("events/<slug:slug>/card.png", cards.event_card, name="card_event"),
    path("publications/<slug:slug>/card.png", cards.publication_card, name="card_publication"),
    path("countries/<str:code>/card.png", cards.country_card, name="card_country"),
    path("sdgs/<str:number>/card.png", cards.goal_card, name="card_sdg"),
    path("initiatives/", include("initiatives.urls")),
    path("events/", include("events.urls")),
    path("publications/", include("publications.urls")),
    path("countries/", countries.CountryIndexView.as_view(), name="countries"),
    path("countries/<str:code>/", countries.CountryView.as_view(), name="country"),
    path("sdgs/", goals.GoalListView.as_view(), name="sdgs"),
    path("sdgs/<str:number>/", goals.GoalView.as_view(), name="sdg"),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

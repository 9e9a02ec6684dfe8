"""What pages tell machines (templates/includes/meta.html and the detail pages' heads): the
canonical address, Open Graph and Twitter card fields, the feeds, and schema.org JSON-LD.

Everything here reads records and relations the views have already loaded (the JSON-LD of a case
study uses its prefetched themes and countries, an event's its organisers): nothing queries per
related item.
"""

import json
from functools import lru_cache
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import get_urlconf, reverse
from django.utils.html import format_html
from django.utils.http import escape_leading_slashes
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

from core.language_urls import in_language
from events.models import DatePrecision, Event, EventFormat
from events.times import last_day
from initiatives.models import Initiative
from publications.models import Publication, PublicationKind
from sscportal.cards import card_image

register = template.Library()

# The pages with a canonical address and Open Graph tags, by URL name, with the title they
# share (None: the portal's name). Detail pages share their record's title. Other pages
# (search results, registration pages, forms sent back with errors, error pages) have none.
LIST_PAGES = {
    "home": None,
    "about": _("About"),
    "initiatives:list": _("Case studies"),
    "events:list": _("Events"),
    "publications:list": _("Publications"),
}
DETAIL_PAGES = {"initiatives:detail", "events:detail", "publications:detail"}
SITE_NAME = _("SSC Portal")
# The same text as base.html's default description.
SITE_DESCRIPTION = _(
    "Case studies, events and publications on South-South and triangular cooperation among "
    "developing countries."
)
# Words of the summary in og:description, as in the detail pages' meta description.
DESCRIPTION_WORDS = 40

# (URL name prefix, label) of each section's feeds; the URL names are `<prefix>_feed_rss` and
# `<prefix>_feed_atom` (sscportal/urls.py).
FEED_SECTIONS = [
    ("initiatives", _("Case studies")),
    ("events", _("Events")),
    ("publications", _("Publications")),
]
FEED_FORMATS = [("rss", "application/rss+xml", "RSS"), ("atom", "application/atom+xml", "Atom")]


# --- Canonical address, Open Graph, Twitter ------------------------------------------------------
@register.simple_tag(takes_context=True)
def page_meta(context):
    """{url, type, title, description, image, ...} for a public page, or None for other pages."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    # Error pages are rendered without a view (and without the record a detail page needs).
    if match is None or context.get("view") is None:
        return None
    record = context.get("object")
    if match.view_name in DETAIL_PAGES and record is not None:
        meta = {
            "url": request.build_absolute_uri(record.get_absolute_url()),
            "type": "article",
            "title": record.texts.title,
            "description": Truncator(record.texts.summary).words(DESCRIPTION_WORDS),
        }
        # The shared image is the record's card (sscportal/cards.py) even where it has an
        # uploaded image: the same size and layout everywhere, in the page's language, with
        # the title on it; the uploaded image stays the JSON-LD's `image`. A staff preview of
        # a draft has none: a draft has no card.
        if record.is_published():
            meta.update(card_image(request, record))
        return meta
    country = context.get("country")
    if match.view_name == "country" and country is not None:
        return {
            "url": request.build_absolute_uri(country.get_absolute_url()),
            "type": "website",
            "title": country.texts.name,
            "description": _(
                "South-South and triangular cooperation involving %(country)s: case studies, "
                "events and publications."
            )
            % {"country": country.texts.name},
            **card_image(request, country),
        }
    goal = context.get("goal")
    if match.view_name == "sdg" and goal is not None:
        return {
            "url": request.build_absolute_uri(goal.get_absolute_url()),
            "type": "website",
            "title": str(goal),
            "description": goal.texts.title,
            **card_image(request, goal),
        }
    if match.view_name in LIST_PAGES:
        return {
            "url": request.build_absolute_uri(list_path(context, request, match.view_name)),
            "type": "website",
            "title": LIST_PAGES[match.view_name] or SITE_NAME,
            "description": SITE_DESCRIPTION,
        }
    return None


def list_path(context, request, view_name):
    """The list's address without its filters: only the page number beyond the first, and for
    events whether the list is of past ones (another list, not a filter of this one)."""
    query = {}
    if view_name == "events:list" and context.get("when") == "past":
        query["when"] = "past"
    page = context.get("page_obj")
    if page is not None and page.number > 1:
        query["page"] = page.number
    return f"{request.path}?{urlencode(query)}" if query else request.path


def hreflang(code):
    """The BCP 47 tag of a language of LANGUAGES: zh-hans -> zh-Hans."""
    return get_language_info(code)["code"].split("-")[0] + (
        "-" + code.split("-", 1)[1].title() if "-" in code else ""
    )


@register.simple_tag(takes_context=True)
def alternate_links(context, canonical=None):
    """This page in each of the portal's languages, absolute, and the English one again as
    `x-default`: [{"hreflang", "url"}]. The address is the canonical one where the page has it
    (a list without its filters), else the page's own; none for error pages (Django's error
    views put the `exception` in their context; a path no view matches has no resolver match)."""
    request = context.get("request")
    if getattr(request, "resolver_match", None) is None or "exception" in context:
        return []
    url = canonical or request.build_absolute_uri(escape_leading_slashes(request.get_full_path()))
    links = [
        {"hreflang": hreflang(code), "url": in_language(url, code)}
        for code, _name in settings.LANGUAGES
    ]
    links.append({"hreflang": "x-default", "url": in_language(url, settings.LANGUAGE_CODE)})
    return links


@register.simple_tag(takes_context=True)
def feed_links(context):
    """The feeds of the current section, or of every section outside them (home, about, ...)."""
    request = context.get("request")
    section = getattr(getattr(request, "resolver_match", None), "namespace", "")
    return _feed_links(get_urlconf() or settings.ROOT_URLCONF, get_language(), section)


@lru_cache(maxsize=256)
def _feed_links(urlconf, language, section):
    """feed_links, worked out once per process for each URL configuration, language and
    section (a tuple: nobody changes what is kept)."""
    del language  # a part of the key: reverse() and the labels read the active language
    sections = [item for item in FEED_SECTIONS if item[0] == section] or FEED_SECTIONS
    return tuple(
        {
            "url": reverse(f"{prefix}_feed_{kind}", urlconf=urlconf),
            "type": mime_type,
            "title": f"{label} ({format_name})",
        }
        for prefix, label in sections
        for kind, mime_type, format_name in FEED_FORMATS
    )


# --- JSON-LD -------------------------------------------------------------------------------------
SCHEMA = "https://schema.org/"
# As django.utils.html.json_script: no text in the data can end the element or open a comment.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld_script(data):
    """`<script type="application/ld+json">`: json_script's escaping, with the type search
    engines read (json_script's is fixed to application/json)."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(
        JSON_SCRIPT_ESCAPES
    )
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.simple_tag(takes_context=True)
def json_ld(context, record):
    """schema.org data about a case study, an event or a publication, for search engines."""
    absolute = context["request"].build_absolute_uri
    build = BUILDERS[record._meta.concrete_model]
    return json_ld_script({"@context": "https://schema.org", **build(record, absolute)})


def creative_work(record, absolute):
    """What every record says of itself: name, description, address, image."""
    data = {
        "name": record.texts.title,
        "description": record.texts.summary,
        "url": absolute(record.get_absolute_url()),
    }
    if record.image:
        data["image"] = absolute(record.image.url)
    return data


def organization(organisation):
    data = {"@type": "Organization", "name": organisation.texts.name}
    if organisation.acronym:
        data["alternateName"] = organisation.acronym
    if organisation.website:
        data["url"] = organisation.website
    return data


def add_organizations(data, **roles):
    """data["organizer"] = [...] and the like, for each role (a schema.org property) whose
    related manager has organisations."""
    for role, organisations in roles.items():
        named = [organization(organisation) for organisation in organisations.all()]
        if named:
            data[role] = named


def initiative_data(initiative, absolute):
    data = {"@type": "CreativeWork", **creative_work(initiative, absolute)}
    if initiative.published_at:  # a draft in preview has none
        data["datePublished"] = initiative.published_at.isoformat(timespec="seconds")
    data["dateModified"] = initiative.updated_at.isoformat(timespec="seconds")
    themes = [{"@type": "Thing", "name": theme.texts.name} for theme in initiative.themes.all()]
    if themes:
        data["about"] = themes
    # A country may have two roles (provider and beneficiary): named once.
    countries = {link.country_id: link.country for link in initiative.country_roles.all()}
    places = [{"@type": "Country", "name": country.texts.name} for country in countries.values()]
    places += [{"@type": "Place", "name": region.texts.name} for region in initiative.regions.all()]
    if places:
        data["spatialCoverage"] = places
    return data


ATTENDANCE_MODES = {
    EventFormat.IN_PERSON: "OfflineEventAttendanceMode",
    EventFormat.ONLINE: "OnlineEventAttendanceMode",
    EventFormat.HYBRID: "MixedEventAttendanceMode",
}


def event_data(event, absolute):
    data = {"@type": "Event", **creative_work(event, absolute)}
    data["startDate"], data["endDate"] = event_iso_dates(event)
    data["eventStatus"] = SCHEMA + ("EventCancelled" if event.is_cancelled else "EventScheduled")
    data["eventAttendanceMode"] = SCHEMA + ATTENDANCE_MODES[event.format]
    location = event_location(event, data["url"])
    if location:
        data["location"] = location
    add_organizations(data, organizer=event.organisers)
    return data


def event_iso_dates(event):
    """ISO 8601 start and end in the event's own zone, with its offset that day
    (2021-09-10T09:00:00-04:00); the dates alone, or the months, when that is all that is known."""
    if event.date_precision == DatePrecision.TIME:
        return (
            event.local_start.isoformat(timespec="seconds"),
            event.local_end.isoformat(timespec="seconds"),
        )
    first = event.local_start.date()
    last = max(last_day(event), first)
    if event.date_precision == DatePrecision.MONTH:
        return f"{first:%Y-%m}", f"{last:%Y-%m}"
    return first.isoformat(), last.isoformat()


def event_location(event, page_url):
    """A Place with its address, a VirtualLocation, or both for hybrid events. The virtual one
    is the event's page: the link to join is only for confirmed registrants."""
    locations = []
    if event.format != EventFormat.ONLINE and (event.venue or event.city or event.country_id):
        address = {"@type": "PostalAddress"}
        if event.city:
            address["addressLocality"] = event.city
        if event.country_id:
            address["addressCountry"] = event.country.iso2
        name = event.venue or event.city or event.country.texts.name
        locations.append({"@type": "Place", "name": name, "address": address})
    if event.format != EventFormat.IN_PERSON:
        locations.append({"@type": "VirtualLocation", "url": page_url})
    if len(locations) == 1:
        return locations[0]
    return locations or None


def publication_data(publication, absolute):
    kind = "Report" if publication.kind == PublicationKind.REPORT else "CreativeWork"
    data = {"@type": kind, **creative_work(publication, absolute)}
    data["genre"] = publication.get_kind_display()
    data["datePublished"] = (
        publication.issued_on.isoformat() if publication.issued_on else str(publication.year)
    )
    data["inLanguage"] = publication.language
    if publication.document_symbol:
        data["identifier"] = publication.document_symbol
    add_organizations(data, publisher=publication.publishers, author=publication.authors)
    return data


BUILDERS = {Initiative: initiative_data, Event: event_data, Publication: publication_data}

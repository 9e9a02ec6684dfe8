"""The share cards of the detail pages (publishing/share_cards.py draws them): a case study's,
an event's, a publication's, a country's and a goal's, at `<page>/card.png` under every
language's prefix, in that language.

A page names its card with the card's version in the address (`?v=`), computed from what the
page has already loaded (`card_image()`): a record's last change, or a digest of the texts a
country's or a goal's card shows. Visitors see published records only: a draft has no card
(404), whoever asks.
"""

from django.db.models import prefetch_related_objects
from django.http import Http404
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import get_language, get_language_bidi, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.choice_cache import cached_reference
from events import times
from events.models import Event
from initiatives.models import Initiative, card_places
from publications.models import Publication
from publishing.share_cards import (
    HEIGHT,
    WIDTH,
    CardContent,
    card_response,
    goal_colours,
    record_version,
    text_version,
)
from taxonomy.models import SDG, Country

# Fields no card reads: the search index, and the long texts.
SKIPPED = ("search_text", "search_vector")


def site_name():
    from .templatetags.seo import SITE_NAME

    return str(SITE_NAME)


def separator():
    return pgettext("between the items of a list written in a line", ", ")


def content(kind, title, **fields):
    return CardContent(
        site=site_name(),
        kind=str(kind),
        title=title,
        language=get_language(),
        rtl=get_language_bidi(),
        separator=separator(),
        **fields,
    )


def kind_of(model):
    return capfirst(model._meta.verbose_name)


# --- Versions and addresses, for the pages' heads -------------------------------------------------
def country_version(country):
    return text_version(country.texts.name, *[region.texts.name for region in regions_of(country)])


def goal_version(goal):
    return text_version(goal.number, goal.texts.short_name, goal.texts.title, goal.colour)


def regions_of(country):
    """The country's regions from the top down (select_related on the pages that ask)."""
    path, region = [], country.region
    while region is not None:
        path.append(region)
        region = region.parent
    return path[::-1]


def card_image(request, record):
    """{image, image_width, image_height, image_type, image_alt} of a record's (or country's,
    or goal's) card for the page's head, without a query."""
    if isinstance(record, Country):
        url = reverse("card_country", kwargs={"code": record.iso2})
        version, kind, title = country_version(record), _("Country"), record.texts.name
    elif isinstance(record, SDG):
        url = reverse("card_sdg", kwargs={"number": record.number})
        version, kind, title = goal_version(record), kind_of(SDG), str(record)
    else:
        name = record._meta.model_name
        url = reverse(f"card_{name}", kwargs={"slug": record.slug})
        version, kind, title = record_version(record), kind_of(type(record)), record.texts.title
    return {
        "image": request.build_absolute_uri(f"{url}?v={version}"),
        "image_width": WIDTH,
        "image_height": HEIGHT,
        "image_type": "image/png",
        "image_alt": _("%(kind)s on the SSC Portal: %(title)s") % {"kind": kind, "title": title},
    }


# --- The cards ------------------------------------------------------------------------------------
def published(model, **lookup):
    record = model.objects.published().defer(*SKIPPED).filter(**lookup).first()
    if record is None:
        raise Http404()
    return record


@require_safe
def initiative_card(request, slug):
    initiative = published(Initiative, slug=slug)

    def draw():
        prefetch_related_objects([initiative], *card_places())
        # A country with two roles is named once, in the order the case study tells them.
        countries = {link.country_id: link.country for link in initiative.country_roles.all()}
        return content(
            kind_of(Initiative),
            initiative.texts.title,
            places=[country.texts.name for country in countries.values()],
            colours=goal_colours(initiative.sdgs.only("number", "colour")),
        )

    return card_response(request, "initiative", initiative.pk, record_version(initiative), draw)


@require_safe
def event_card(request, slug):
    event = published(Event, slug=slug)

    def draw():
        place = [part for part in (event.city, event.country and event.country.texts.name) if part]
        return content(
            kind_of(Event),
            event.texts.title,
            places=[separator().join(place)] if place else [],
            detail=times.event_dates(event),
            colours=goal_colours(event.sdgs.only("number", "colour")),
        )

    return card_response(request, "event", event.pk, record_version(event), draw)


@require_safe
def publication_card(request, slug):
    publication = published(Publication, slug=slug)

    def draw():
        return content(
            kind_of(Publication),
            publication.texts.title,
            places=[organisation.texts.name for organisation in publication.publishers.all()],
            detail=f"{publication.get_kind_display()} · {publication.year}",
            colours=goal_colours(publication.sdgs.only("number", "colour")),
        )

    return card_response(request, "publication", publication.pk, record_version(publication), draw)


@require_safe
def country_card(request, code):
    country = (
        Country.objects.select_related("region__parent__parent").filter(iso2=code).first()
        if code.isascii() and code.isalpha() and code.isupper()
        else None
    )
    if country is None:
        raise Http404(_("No country has this code."))

    def draw():
        # The 17 goals, as the portal's own band: a country works towards all of them.
        goals = cached_reference(f"sdgs:{get_language()}", SDG.objects.all)
        return content(
            _("Country"),
            country.texts.name,
            detail=" › ".join(region.texts.name for region in regions_of(country)),
            colours=goal_colours(goals),
        )

    return card_response(request, "country", country.pk, country_version(country), draw)


@require_safe
def goal_card(request, number):
    goal = SDG.objects.filter(number=int(number)).first() if number.isdigit() else None
    if goal is None or str(goal.number) != number:
        raise Http404(_("There is no such goal."))

    def draw():
        return content(
            kind_of(SDG), str(goal), detail=goal.texts.title, colours=goal_colours([goal])
        )

    return card_response(request, "sdg", goal.pk, goal_version(goal), draw)

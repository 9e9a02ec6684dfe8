"""The events' template filters: `event_place`, one 'Venue, City, Country' for the cards, the
event page and the e-mails, as plain text or, given the address the country links to, as escaped
HTML; `event_start_date` for <time> elements."""

from datetime import UTC, datetime

import pytest
from django.template import Context, Template

from events.models import DatePrecision, Event
from events.templatetags.events import event_place, event_start_date
from taxonomy.models import Country

COUNTRY = Country(pk=7, name="Côte d'Ivoire", iso2="CI")
URL = "/en/events/?country=CI&when=past"
LINK = '<a href="/en/events/?country=CI&amp;when=past">Côte d&#x27;Ivoire</a>'


def event(venue="", city="", country=None):
    return Event(venue=venue, city=city, country=country)


# Each combination of venue, city and country, known or not.
COMBINATIONS = [
    ("Hall A", "Abidjan", COUNTRY, "Hall A, Abidjan, Côte d'Ivoire", f"Hall A, Abidjan, {LINK}"),
    ("Hall A", "Abidjan", None, "Hall A, Abidjan", "Hall A, Abidjan"),
    ("Hall A", "", COUNTRY, "Hall A, Côte d'Ivoire", f"Hall A, {LINK}"),
    ("", "Abidjan", COUNTRY, "Abidjan, Côte d'Ivoire", f"Abidjan, {LINK}"),
    ("Hall A", "", None, "Hall A", "Hall A"),
    ("", "Abidjan", None, "Abidjan", "Abidjan"),
    ("", "", COUNTRY, "Côte d'Ivoire", LINK),
    ("", "", None, "", ""),
]


@pytest.mark.parametrize(("venue", "city", "country", "text", "html"), COMBINATIONS)
def test_each_combination_as_text_and_as_html(venue, city, country, text, html):
    place = event(venue, city, country)
    assert event_place(place) == text
    assert event_place(place, URL) == html


def test_without_an_argument_the_text_is_escaped_by_the_template():
    hostile = event('<script>alert("x")</script> & Co', "Abidjan", COUNTRY)
    rendered = Template("{% load events %}{{ event|event_place }}").render(
        Context({"event": hostile})
    )
    assert rendered == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co, Abidjan, Côte d&#x27;Ivoire"
    )


def test_with_an_address_every_part_is_escaped_once():
    hostile = event('<script>alert("x")</script> & Co', "<b>Abidjan</b>", COUNTRY)
    rendered = Template("{% load events %}{{ event|event_place:url }}").render(
        Context({"event": hostile, "url": URL})
    )
    assert rendered == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co, &lt;b&gt;Abidjan&lt;/b&gt;, "
        + LINK
    )


def test_a_hostile_address_stays_inside_its_attribute():
    place = event_place(event(country=COUNTRY), '"><script>x</script>')
    assert place == '<a href="&quot;&gt;&lt;script&gt;x&lt;/script&gt;">Côte d&#x27;Ivoire</a>'


def test_an_empty_address_links_nothing_but_still_escapes():
    assert event_place(event("<Hall>", country=COUNTRY), "") == "&lt;Hall&gt;, Côte d&#x27;Ivoire"


@pytest.mark.parametrize(
    ("precision", "expected"),
    [
        (DatePrecision.TIME, "2021-09-12"),
        (DatePrecision.DAY, "2021-09-12"),
        (DatePrecision.MONTH, "2021-09"),
    ],
)
def test_the_start_date_is_the_day_in_the_events_own_zone(precision, expected):
    # 02:00 UTC on 13 September is still the 12th in New York.
    event = Event(
        starts_at=datetime(2021, 9, 13, 2, tzinfo=UTC),
        time_zone="America/New_York",
        date_precision=precision,
    )
    assert event_start_date(event) == expected

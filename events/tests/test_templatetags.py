"""The `event_place` filter: one 'Venue, City, Country' for the cards, the event page and the
e-mails, as plain text or, given the address the country links to, as escaped HTML."""

import pytest
from django.template import Context, Template

from events.models import Event
from events.templatetags.events import event_place
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

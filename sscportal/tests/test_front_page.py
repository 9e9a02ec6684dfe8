"""The front page shows the portal at a glance: one sentence saying what it is, a search, the
three ways in with their counts, the map of cooperation, the key figures with their sources; then
featured case studies in full rows and the 17 goals as tiles in their official colours, whose
text passes WCAG AA contrast."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import choice_cache
from core.signals import send_content_changed
from initiatives.models import Initiative
from sscportal import views
from sscportal.colours import DARK_INK, LIGHT_INK, contrast_ratio, ink_for

CSS = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text(encoding="utf-8")


@pytest.fixture
def portal(db):
    call_command("load_portal_content", verbosity=0)


@pytest.fixture
def home(client, portal):
    return client.get("/").content.decode()


def test_one_sentence_says_what_the_portal_is(home):
    sentence = re.search(r'<p class="hero-lede">(.*?)</p>', home, re.S).group(1)
    text = " ".join(sentence.split())
    assert text.startswith("The SSC Portal gathers case studies, events and publications")
    assert text.count(". ") == 0 and text.endswith(".")


def test_the_search_form_sends_a_labelled_query_to_the_site_search(home):
    form = re.search(r'<form class="hero-search"[^>]*>(.*?)</form>', home, re.S)
    assert form is not None
    assert 'method="get" action="/search/"' in form.group(0)
    assert (
        '<label id="home-search-label" for="home-search-q">Search the portal</label>'
        in form.group(1)
    )
    assert '<input type="search" id="home-search-q" name="q"' in form.group(1)
    # One search on the page: the header's own is left out of the front page.
    assert 'id="site-search-q"' not in home


def test_the_three_ways_in_link_to_the_lists_with_their_counts(client, portal):
    response = client.get("/")
    counts = response.context["counts"]
    html = response.content.decode()
    ways = re.findall(
        r'<a class="way-in" href="([^"]+)"><span class="way-count">([\d,]+)</span>', html
    )
    assert ways == [
        ("/initiatives/", str(counts["initiatives"])),
        ("/events/", str(counts["events"])),
        ("/publications/", str(counts["publications"])),
    ]
    assert counts["initiatives"] == 6 and counts["publications"] == 8


def test_the_map_of_cooperation_links_to_the_country_index(home):
    link = re.search(r'<a class="map-link" href="/countries/">(.*?)</a>', home, re.S)
    assert link is not None
    svg = link.group(1)
    assert '<svg class="world-map world-map-compact"' in svg and 'role="img"' in svg
    # The shaded countries are not links of their own (no link inside a link).
    assert "<a " not in svg
    assert len(re.findall(r'class="shade-\d"', svg)) >= 5
    assert "Map of cooperation: 10 countries and areas" in " ".join(svg.split())


def test_key_figures_cite_their_sources_by_title(home):
    figures = re.findall(r'<li class="figure">(.*?)</li>', home, re.S)
    assert len(figures) == 4
    for figure in figures:
        assert re.search(r"Sources?: <bdi>(<a [^>]+>)?<cite>[^<]+</cite>", figure), figure


def test_the_featured_count_fills_every_row_at_each_column_count():
    for columns in views.FEATURED_COLUMNS:
        assert views.FEATURED_COUNT % columns == 0


def test_the_featured_grid_has_fixed_columns_and_spans_a_short_last_row():
    """Fixed column counts (never auto-fill, whose columns vary with the width) and, for fewer
    featured case studies than the count, a last card that spans the rest of its row."""
    assert ".featured-grid { grid-template-columns: repeat(2, minmax(0, 1fr)); }" in CSS
    assert ".featured-grid { grid-template-columns: repeat(3, minmax(0, 1fr)); }" in CSS
    assert ".featured-grid > li:last-child:nth-child(3n + 1) { grid-column: 1 / -1; }" in CSS
    assert ".featured-grid > li:last-child:nth-child(3n + 2) { grid-column: span 2; }" in CSS
    assert ".featured-grid > li:last-child:nth-child(2n + 1) { grid-column: 1 / -1; }" in CSS


def test_the_featured_grid_shows_the_featured_case_studies(client, portal):
    html = client.get("/").content.decode()
    grid = re.search(r'<ol class="cards featured-grid">(.*?)</ol>', html, re.S).group(1)
    assert grid.count('<li class="card">') == len(client.get("/").context["featured"]) > 0


def sdg_colours():
    return {
        int(number): colour
        for number, colour in re.findall(r"\.sdg-(\d+)\s*\{\s*--sdg:\s*(#[0-9a-fA-F]{6})", CSS)
    }


def test_17_sdg_tiles_with_number_short_name_and_link(home):
    tiles = re.findall(
        r'<a class="sdg-tile sdg-(\d+) ink-(light|dark)" href="([^"]+)">\s*'
        r'<span class="sdg-tile-number">(\d+)</span> <span class="sdg-tile-name">([^<]+)</span>',
        home,
    )
    assert [int(tile[0]) for tile in tiles] == list(range(1, 18))
    for number, _ink, href, shown, name in tiles:
        assert href == f"/sdgs/{number}/" and shown == number and name.strip()
    assert ("7", "dark", "/sdgs/7/", "7", "Affordable and Clean Energy") in tiles
    assert '<a class="sdg-tile sdg-tile-all" href="/sdgs/">' in home


def test_every_sdg_tile_passes_wcag_aa_contrast(home):
    """The ratio of each tile's ink (as the page sets it) on its colour (as site.css sets it)."""
    colours = sdg_colours()
    inks = {"light": LIGHT_INK, "dark": DARK_INK}
    assert re.search(r"\.sdg-tile\.ink-light, \.sdg-tile\.ink-light:hover \{ color: #fff; \}", CSS)
    assert ".sdg-tile.ink-dark, .sdg-tile.ink-dark:hover { color: var(--ink); }" in CSS
    assert re.search(r"--ink:\s*" + DARK_INK, CSS)
    tiles = re.findall(r'class="sdg-tile sdg-(\d+) ink-(light|dark)"', home)
    assert len(tiles) == 17
    for number, ink in tiles:
        ratio = contrast_ratio(colours[int(number)], inks[ink])
        assert ratio >= 4.5, f"goal {number}: {ratio:.2f}:1"
    # White fails on the lighter goals: they carry the dark ink.
    assert dict(tiles)["7"] == dict(tiles)["11"] == "dark"
    assert contrast_ratio("#fcc30b", LIGHT_INK) < 4.5


@pytest.mark.parametrize(
    "colour, expected",
    [("#ffffff", 21 / 21), ("#000000", 21.0), ("#767676", 4.54)],
)
def test_contrast_ratio_on_white(colour, expected):
    assert contrast_ratio(colour, "#ffffff") == pytest.approx(expected, abs=0.01)


def test_the_ink_is_the_one_with_more_contrast():
    assert ink_for("#19486a") == "light"
    assert ink_for("#fcc30b") == "dark"


def test_the_arabic_front_page_is_right_to_left_with_the_same_pieces(client, portal):
    html = client.get("/ar/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert 'action="/ar/search/"' in html
    assert '<a class="map-link" href="/ar/countries/">' in html
    assert len(re.findall(r'class="sdg-tile sdg-\d+ ', html)) == 17


def test_the_header_menu_is_a_disclosure_with_a_named_button(home):
    assert re.search(
        r'<details class="site-menu">\s*<summary class="menu-button">'
        r'<span class="menu-icon" aria-hidden="true"></span>Menu</summary>',
        home,
    )
    assert '<nav class="site-nav" aria-label="Main">' in home
    assert '<ul class="header-languages" aria-label="Languages">' in home


def way_counts(client):
    html = client.get("/").content.decode()
    return [int(count) for count in re.findall(r'<span class="way-count">(\d+)</span>', html)]


def test_while_one_request_counts_the_figures_again_the_others_show_the_last(
    client, portal, make_initiative
):
    assert way_counts(client)[0] == 6
    make_initiative("One more case study")
    # Another worker is counting the figures of this content state.
    cache.add(f"{choice_cache.result_key('home-overview', ())}:loading", 1)

    with CaptureQueriesContext(connection) as queries:
        assert way_counts(client)[0] == 6
    # Neither the totals nor the countries' numbers are counted again.
    sql = " ".join(query["sql"] for query in queries)
    assert 'AS "counted"' not in sql
    assert '"initiatives_initiativecountry"."role" AS "role"' not in sql

    send_content_changed(Initiative)  # no one is counting this state's figures: counted
    assert way_counts(client)[0] == 7

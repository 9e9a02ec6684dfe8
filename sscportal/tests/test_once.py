"""The page header and footer are written once per process for each page template, language and
menu section ({% once %} in templates/base.html), around the parts that follow the address: the
language links. Whatever order the pages come in, each shows its own section as current, its own
search form or none, and language links to itself."""

import re

import pytest

pytestmark = pytest.mark.django_db

MENU = re.compile(r'<nav class="site-nav".*?</nav>', re.S)
LANGUAGES = re.compile(r'<ul class="(?:header-languages|languages)".*?</ul>', re.S)


def current_in_menu(html):
    return re.findall(r'<a href="([^"]+)"\s+aria-current="page">', MENU.search(html).group())


def language_addresses(html):
    """The addresses of the header's and the footer's language links."""
    return [re.findall(r'href="([^"]+)"', menu) for menu in LANGUAGES.findall(html)]


def test_each_page_marks_its_own_section_whatever_came_before(client):
    pages = {
        "/initiatives/": ["/initiatives/"],
        "/events/": ["/events/"],
        "/publications/": ["/publications/"],
        "/countries/": ["/countries/"],
        "/about/": ["/about/"],
        "/": [],
        "/fr/events/": ["/fr/events/"],
        "/fr/": [],
        "/ar/countries/": ["/ar/countries/"],
        # One template, the not-found page, in three places of the menu:
        "/initiatives/no-such-case-study/": ["/initiatives/"],
        "/no-such-page/": [],
        "/events/no-such-event/": ["/events/"],
    }
    for _ in range(2):
        for address, current in pages.items():
            html = client.get(address).content.decode()
            assert current_in_menu(html) == current, address


def test_the_language_links_follow_the_address_while_the_header_is_kept(client):
    for query in ("q=water", "q=health&page=1", "sdg=3"):
        html = client.get(f"/initiatives/?{query}").content.decode()
        header, footer = language_addresses(html)
        assert header == footer
        header = [address.replace("&amp;", "&") for address in header]
        assert f"/initiatives/?{query}" in header
        assert f"/fr/initiatives/?{query}" in header
        assert f"/zh-hans/initiatives/?{query}" in header
        assert html.count('aria-current="true"') == 2  # English, in the header and the footer


def test_the_current_language_is_marked_in_each_language(client):
    for code in ("fr", "es", "ar", "ru", "zh-hans"):
        html = client.get(f"/{code}/about/").content.decode()
        for menu in LANGUAGES.findall(html):
            (current,) = re.findall(r'href="([^"]+)"[^>]*aria-current="true"', menu)
            assert current == f"/{code}/about/"


def test_a_page_without_the_header_search_does_not_lend_its_header_to_another(client):
    """The site search page and the home page show no search form in the header (they have
    their own); an error page outside every section shows it."""
    for _ in range(2):
        search = client.get("/search/", {"q": "water"}).content.decode()
        missing = client.get("/no-such-page/").content.decode()
        home = client.get("/").content.decode()
        assert 'id="site-search-q"' not in search
        assert 'id="site-search-q"' in missing
        assert 'id="site-search-q"' not in home

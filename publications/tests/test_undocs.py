"""Links to the official text of a UN document through undocs.org, in the six languages."""

import pytest
from django.utils import translation

from core.undocs import official_links, symbol_path, undocs_url


@pytest.mark.parametrize(
    ("language", "url"),
    [
        ("ar", "https://undocs.org/ar/A/RES/58/220"),
        ("zh-hans", "https://undocs.org/zh/A/RES/58/220"),
        ("zh", "https://undocs.org/zh/A/RES/58/220"),
        ("en", "https://undocs.org/en/A/RES/58/220"),
        ("fr", "https://undocs.org/fr/A/RES/58/220"),
        ("ru", "https://undocs.org/ru/A/RES/58/220"),
        ("es", "https://undocs.org/es/A/RES/58/220"),
    ],
)
def test_a_symbol_links_to_the_resolver_in_each_language(language, url):
    assert undocs_url("A/RES/58/220", language) == url


def test_slashes_and_dots_stay_path_segments():
    assert undocs_url("A/C.2/66/L.48", "en") == "https://undocs.org/en/A/C.2/66/L.48"


@pytest.mark.parametrize(
    ("symbol", "path"),
    [
        (" A/RES/58/220 ", "A/RES/58/220"),
        ("/A//RES/58/220/", "A/RES/58/220"),
        ("E/CN.4/2004/L.1 Add.1", "E/CN.4/2004/L.1%20Add.1"),
        ("A/../../evil", "A/%2E%2E/%2E%2E/evil"),
        ("A/RES/1?x=1#top", "A/RES/1%3Fx%3D1%23top"),
        ('A/"><script>', "A/%22%3E%3Cscript%3E"),
        ("https://evil.example/A", "https%3A/evil.example/A"),
    ],
)
def test_anything_else_in_a_symbol_is_quoted(symbol, path):
    assert symbol_path(symbol) == path


def test_a_language_the_resolver_lacks_is_refused():
    with pytest.raises(ValueError):
        undocs_url("A/RES/58/220", "pt")


@pytest.mark.parametrize(
    ("page_language", "first"),
    [("en", "en"), ("ar", "ar"), ("zh-hans", "zh"), ("fr", "fr"), ("ru", "ru"), ("es", "es")],
)
def test_the_page_language_comes_first_then_the_un_order(page_language, first):
    with translation.override(page_language):
        links = official_links("A/RES/58/220")

    codes = [link.language for link in links]
    assert codes[0] == first
    assert codes[1:] == [code for code in ["ar", "zh", "en", "fr", "ru", "es"] if code != first]
    assert [link.current for link in links] == [True, False, False, False, False, False]


def test_no_symbol_no_links():
    assert official_links("") == []
    assert official_links(" / ") == []

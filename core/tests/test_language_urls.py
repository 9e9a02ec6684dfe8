"""A page's address in another language (core/language_urls.py) is what Django's translate_url
gives, with the path worked out once per process."""

import pytest
from django.urls import translate_url
from django.utils import translation

from core.language_urls import in_language

ADDRESSES = [
    "/",
    "/initiatives/",
    "/initiatives/?region=africa&sdg=3&page=2",
    "/initiatives/some-case-study/#sources",
    "/events/?when=past",
    "http://testserver/publications/?q=water",
    "https://portal.example/countries/KE/",
    "/api/v1/case-studies/?page=2",
    "/no/such/page/",
    "/initiatives/caf%C3%A9/",
]


@pytest.mark.parametrize("active", ["en", "fr", "ar", "zh-hans"])
@pytest.mark.parametrize("address", ADDRESSES)
def test_an_address_in_each_language_is_the_one_django_translates(address, active):
    with translation.override(active):
        if active != "en" and address.startswith("/") and not address.startswith("/api/"):
            address = f"/{active}{address}"
        for code in ["en", "fr", "es", "ar", "ru", "zh-hans"]:
            assert in_language(address, code) == translate_url(address, code)
            # asked again: the kept path, the same answer
            assert in_language(address, code) == translate_url(address, code)


def test_the_query_and_fragment_stay_as_they_came():
    with translation.override("en"):
        assert in_language("/initiatives/?q=a&q=b#top", "fr") == "/fr/initiatives/?q=a&q=b#top"
    with translation.override("ru"):
        assert in_language("/ru/initiatives/?page=3", "en") == "/initiatives/?page=3"


def test_the_same_path_under_another_active_language_is_not_confused():
    """/initiatives/ read while Russian is active is no Russian page: each answer is kept for
    the language active when it was asked."""
    with translation.override("en"):
        english = in_language("/initiatives/", "fr")
    with translation.override("fr"):
        french = in_language("/fr/initiatives/", "es")
    assert (english, french) == ("/fr/initiatives/", "/es/initiatives/")

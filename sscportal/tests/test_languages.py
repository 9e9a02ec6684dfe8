"""The six languages between pages: every public page names itself in each language and as
`x-default` (`<link rel="alternate" hreflang>`), absolute and reciprocal; the language menu keeps
the page and its filters."""

import re
from html import unescape
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils.translation import to_locale

from sscportal.tests.browser import PAGE_TYPES, page_url

BASE = "http://testserver"
HREFLANGS = ["ar", "zh-Hans", "en", "fr", "ru", "es", "x-default"]
PREFIXES = {"ar": "/ar", "zh-Hans": "/zh-hans", "en": "", "fr": "/fr", "ru": "/ru", "es": "/es"}
ALTERNATE = re.compile(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">')


@pytest.fixture
def portal_content(db):
    call_command("load_portal_content", stdout=StringIO())


def alternates(response):
    return {lang: unescape(url) for lang, url in ALTERNATE.findall(response.content.decode())}


def english_path(url):
    """The path and query of `url` without its language prefix."""
    parts = urlsplit(url)
    path = re.sub(r"^/(ar|zh-hans|fr|ru|es)/", "/", parts.path)
    return path + (f"?{parts.query}" if parts.query else "")


def test_every_public_page_names_itself_in_each_language_and_x_default(portal_content, client):
    checked = 0
    for name, (url, status) in PAGE_TYPES.items():
        if status != 200:
            continue
        response = client.get(page_url(url))
        assert response.status_code == 200, name
        links = alternates(response)
        assert list(links) == HREFLANGS, name
        assert all(link.startswith(f"{BASE}/") for link in links.values()), name
        # Each is the same page in its language: one path, six prefixes; x-default is English.
        same = {english_path(link) for link in links.values()}
        assert len(same) == 1, (name, links)
        for lang, prefix in PREFIXES.items():
            assert urlsplit(links[lang]).path.startswith(f"{prefix}/"), (name, lang, links[lang])
        assert links["x-default"] == links["en"], name
        checked += 1
    assert checked >= 30


def test_alternates_are_reciprocal(portal_content, client):
    first = alternates(client.get("/initiatives/cambodia-colombia-demining-experts/"))
    for lang in HREFLANGS:
        answer = client.get(first[lang].removeprefix(BASE))
        assert answer.status_code == 200, lang
        assert alternates(answer) == first, lang


def test_a_filtered_list_names_the_list_and_the_menu_keeps_the_filters(portal_content, client):
    response = client.get("/fr/initiatives/?modality=triangular&page=1")
    links = alternates(response)

    assert links["en"] == f"{BASE}/initiatives/"  # the canonical list, without its filters
    menu = re.findall(r'<a href="([^"]+)" lang="([^"]+)" hreflang', response.content.decode())
    assert (unescape(menu[0][0]), menu[0][1]) == (
        "/ar/initiatives/?modality=triangular&page=1",
        "ar",
    )
    assert ("/initiatives/?modality=triangular&page=1", "en") in [
        (unescape(href), lang) for href, lang in menu
    ]


def test_error_pages_name_no_alternates(client, db):
    assert alternates(client.get("/fr/initiatives/no-such-case-study/")) == {}
    assert alternates(client.get("/no/such/page/")) == {}


# --- No English left in the interface ----------------------------------------------------------
INTERFACE_PAGES = [
    "home",
    "about",
    "privacy",
    "open data",
    "list",
    "list-filtered",
    "detail",
    "events",
    "event-open",
    "publications",
    "publication",
    "country",
    "search",
    "search-no-results",
]
READ_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder"}
PLACEHOLDERS = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}|<[^>]+>|&\w+;")


class PageText(HTMLParser):
    """The texts a reader meets on a page: text between tags and the attributes people read,
    without scripts and styles."""

    VOID = {"meta", "link", "input", "img", "br", "hr", "source", "area", "col", "wbr"}

    def __init__(self, content):
        super().__init__(convert_charrefs=True)
        self.texts, self._skip, self._langs = [], 0, []
        self.feed(content)

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "code"}:
            self._skip += 1  # code: names for machines (cookies, settings)
        if tag not in self.VOID:
            self._langs.append((tag, dict(attrs).get("lang")))
        if tag != "html" and dict(attrs).get("lang"):
            return  # written in another language on purpose (the language menu's names)
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value:
                self.texts.append(value)
            if tag == "input" and name == "value" and ("type", "submit") in attrs and value:
                self.texts.append(value)

    def handle_endtag(self, tag):
        if tag in {"script", "style", "code"}:
            self._skip -= 1
        while self._langs:
            if self._langs.pop()[0] == tag:
                break

    def handle_data(self, data):
        other_language = any(lang for tag, lang in self._langs if tag != "html")
        if not self._skip and not other_language and data.strip():
            self.texts.append(data)


def squeeze(text):
    return " ".join(text.split())


def record_texts():
    """Every text of the records and reference data, as one string to look texts up in: a page
    shows them as they are (in English until they are translated)."""
    from django.apps import apps
    from django.db import models

    texts = []
    for label in ("initiatives", "events", "publications", "taxonomy", "sscportal"):
        for model in apps.get_app_config(label).get_models():
            fields = [
                field.name
                for field in model._meta.concrete_fields
                if isinstance(field, models.CharField | models.TextField)
                and not isinstance(field, models.SlugField)
            ]
            for row in model._base_manager.values_list(*fields):
                texts += [squeeze(str(value)) for value in row if value]
    return "\n".join(texts)


def english_chunks(language):
    """The English words of the interface that `language` translates: each message's text
    between its placeholders and tags. (Messages a language keeps as they are, such as "CSV",
    are left out.)"""
    po = polib.pofile(
        str(Path(settings.BASE_DIR) / "locale" / to_locale(language) / "LC_MESSAGES" / "django.po")
    )
    chunks = set()
    for entry in po:
        translated = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for english in filter(None, [entry.msgid, entry.msgid_plural]):
            if english in translated:
                continue
            for chunk in PLACEHOLDERS.split(english):
                chunk = squeeze(chunk).strip(" .,:;!?()[]“”\"'·—–-")
                # A word the translation keeps ("Sources" in French) is no sign of English.
                kept = any(chunk in text for text in translated)
                if re.search(r"[A-Za-z]{3,}", chunk) and not kept:
                    chunks.add(chunk)
    return chunks


def translated_texts(language):
    """Every text the catalogue of `language` gives, whole and between its placeholders: a text
    on the page that is one of them was translated, even where it reads as the English does
    ("Publications" in French)."""
    po = polib.pofile(
        str(Path(settings.BASE_DIR) / "locale" / to_locale(language) / "LC_MESSAGES" / "django.po")
    )
    texts = set()
    for entry in po:
        for text in entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]:
            texts.add(squeeze(text))
            texts.update(squeeze(chunk) for chunk in PLACEHOLDERS.split(text))
    return {without_numbers(piece) for text in texts for piece in pieces(text)}


def page_texts(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    # Addresses read the same in every language ("accessed at http://…/fr/open-data/").
    return [
        squeeze(re.sub(r"https?://\S+", " ", text))
        for text in PageText(response.content.decode()).texts
    ]


# Texts that read the same in every language: formats and their file extensions, calendar
# services, the time standard, acronyms, offsets from UTC, e-mail addresses, and the words a
# visitor searched for.
SAME_EVERYWHERE = {
    "RSS", "Atom", "CSV", "XLSX", "Excel", "JSON", "UTC", "iCalendar", "PDF", "SSC Portal",
    "BibTeX", "RIS", "CSL-JSON", ".bib", ".ris", ".json", "Google Calendar", "Outlook",
}  # fmt: skip
SAME_EVERYWHERE_PATTERN = re.compile(r"UTC[+-]\d+(?::\d\d)?|\S+@\S+|cooperation|xylophone")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


@pytest.mark.parametrize("language", ["ar", "zh-hans", "fr", "ru", "es"])
def test_a_page_in_each_language_has_no_english_interface_string(portal_content, client, language):
    """Each text of the page in `language` that the English page has too, and that is not a
    record's own text (records are in English until translated), must be a translation the
    catalogue gives: otherwise it is English the interface left untranslated, marked or not."""
    content = record_texts()
    allowed = translated_texts(language) | SAME_EVERYWHERE
    chunks = english_chunks(language)
    words = {chunk for chunk in chunks if " " not in chunk}
    phrases = sorted((chunk for chunk in chunks if " " in chunk), key=len, reverse=True)
    phrase = re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, phrases))})(?!\w)")
    left = {}
    for name in INTERFACE_PAGES:
        path = page_url(PAGE_TYPES[name][0])
        english = {piece for text in page_texts(client, path) for piece in pieces(text)}
        for text in page_texts(client, f"/{language}{path}"):
            for piece in pieces(text):
                if piece.rstrip("…") in content or without_numbers(piece) in allowed:
                    continue  # a record's own text, or a translation
                if SAME_EVERYWHERE_PATTERN.fullmatch(piece):
                    continue
                if phrase.search(piece) or piece in words:
                    left.setdefault(name, []).append(piece)  # a message left in English
                elif piece in english:
                    left.setdefault(name, []).append(piece)  # English that no message gives
    assert left == {}


def pieces(text):
    """The parts of a text between its punctuation that have words in Latin letters: "Sources
    (RSS)" -> ["Sources", "RSS"]. Records' texts and messages are looked up piece by piece."""
    parts = re.split(r"\s*[,;:·()\[\]/|«»“”\"]\s*|\s+[–—-]\s+|\.\s+|\.$", text)
    return [part.strip() for part in parts if LATIN_WORD.search(part)]


def without_numbers(piece):
    """Numbers are the page's figures, not words: "8 publications" reads as "publications"."""
    return squeeze(re.sub(r"(?<!\w)\d[\d,.\u202f\u00a0]*(?!\w)", " ", piece))


# --- Records' texts not yet translated ---------------------------------------------------------
def test_an_untranslated_case_study_is_shown_in_english_marked_as_such_with_a_notice(
    client, make_initiative
):
    initiative = make_initiative(
        "Clinics across the border", summary="Nurses trained in both countries.", results="Done."
    )

    path = initiative.get_absolute_url()  # before a request leaves Russian active
    russian = client.get(f"/ru{path}").content.decode()
    english = client.get(path).content.decode()

    assert '<h1 lang="en" dir="ltr">Clinics across the border</h1>' in russian
    assert '<p class="lede" lang="en" dir="ltr">Nurses trained in both countries.</p>' in russian
    assert '<div lang="en" dir="ltr"><p>Done.</p></div>' in russian
    assert 'role="note">Этот текст пока недоступен' in russian
    # In English, nothing to mark and nothing to say.
    assert "<h1>Clinics across the border</h1>" in english
    assert 'lang="en" dir="ltr">' not in english.split("<body>", 1)[1].split("<footer", 1)[0]
    assert 'role="note"' not in english


def test_cards_mark_english_titles_and_summaries_on_an_arabic_list(client, make_initiative):
    make_initiative("Seeds for the Sahel", summary="Seed shared between farmers.")

    page = client.get("/ar/initiatives/").content.decode()

    assert 'lang="en" dir="ltr">Seeds for the Sahel</a>' in page
    assert '<p lang="en" dir="ltr">Seed shared between farmers.</p>' in page

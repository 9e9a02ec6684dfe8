"""The interface's translation catalogues (locale/<language>/LC_MESSAGES/django.po): complete, in
step with the code, with the plural forms of each language, and every template's text marked for
translation."""

import html
import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.template.base import Lexer, TokenType
from django.utils.translation import to_locale

ROOT = Path(settings.BASE_DIR)
LANGUAGES = [to_locale(code) for code, _name in settings.LANGUAGES if code != "en"]
# Plural forms by the CLDR's rules for whole numbers: Arabic six, Russian three.
PLURAL_FORMS = {"ar": 6, "zh_Hans": 1, "fr": 2, "ru": 3, "es": 2}
# What `makemessages` reads, as the Makefile's catalogues were made (locale/README.md).
MAKEMESSAGES_IGNORE = [
    ".venv/*",
    "node_modules/*",
    "*/tests/*",
    "devtools/*",
    "scripts/*",
    "docs/*",
]


def catalogue(language):
    return polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))


def test_the_five_catalogues_exist_one_per_language_besides_english():
    assert sorted(LANGUAGES) == sorted(PLURAL_FORMS)
    for language in LANGUAGES:
        assert (ROOT / "locale" / language / "LC_MESSAGES" / "django.po").is_file(), language


@pytest.mark.parametrize("language", sorted(PLURAL_FORMS))
def test_every_message_is_translated_and_none_is_fuzzy(language):
    po = catalogue(language)

    assert not po.metadata_is_fuzzy, "the header is marked fuzzy"
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert untranslated == [], f"{len(untranslated)} untranslated: {untranslated[:10]}"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy: {fuzzy[:10]}"
    assert len(po) > 800  # the whole interface, not a sample


@pytest.mark.parametrize("language", sorted(PLURAL_FORMS))
def test_plural_forms_are_the_languages_own(language):
    po = catalogue(language)
    forms = PLURAL_FORMS[language]

    assert f"nplurals={forms};" in po.metadata["Plural-Forms"].replace(" ", "")
    plurals = [entry for entry in po if entry.msgid_plural]
    assert plurals
    for entry in plurals:
        assert sorted(entry.msgstr_plural) == list(range(forms)), entry.msgid
        assert all(entry.msgstr_plural.values()), entry.msgid


PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|%[sdr]|\{\w*\}")


@pytest.mark.parametrize("language", sorted(PLURAL_FORMS))
def test_translations_keep_every_placeholder(language):
    wrong = []
    for entry in catalogue(language):
        wanted = sorted(PLACEHOLDER.findall(entry.msgid))
        texts = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for index, text in enumerate(texts):
            found = sorted(PLACEHOLDER.findall(text))
            # A singular form may leave out the count it names in words ("one record").
            if entry.msgid_plural and index == 0 and set(found) <= set(wanted):
                continue
            if entry.msgid_plural:
                wanted_here = sorted(set(PLACEHOLDER.findall(entry.msgid_plural)) | set(wanted))
                if set(found) <= set(wanted_here) and set(wanted) - {"%(count)d"} <= set(found):
                    continue
            if found != wanted:
                wrong.append((entry.msgid, text))
    assert wrong == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt (Debian's gettext) is missing")
@pytest.mark.parametrize("language", sorted(PLURAL_FORMS))
def test_msgfmt_checks_each_catalogue(language):
    path = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


@pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="xgettext (Debian's gettext) is missing"
)
def test_the_catalogues_hold_every_message_the_code_marks(tmp_path, monkeypatch):
    """makemessages run on a copy of the code finds no message the catalogues lack (and none
    they hold in vain): a string marked since the catalogues were made fails here."""
    copy = tmp_path / "portal"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", "node_modules", ".git", "var", "*.pyc", "__pycache__", "*.mo", "media"
        ),
        symlinks=True,
    )
    for language in LANGUAGES:
        (copy / "locale" / language / "LC_MESSAGES" / "django.po").unlink()
    monkeypatch.chdir(copy)
    monkeypatch.setattr(settings, "LOCALE_PATHS", [copy / "locale"])
    call_command("makemessages", locale=["fr"], ignore_patterns=MAKEMESSAGES_IGNORE, verbosity=0)

    found = {
        (entry.msgctxt, entry.msgid)
        for entry in polib.pofile(str(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po"))
    }
    for language in LANGUAGES:
        held = {(entry.msgctxt, entry.msgid) for entry in catalogue(language)}
        assert sorted(found - held, key=str) == [], f"{language} lacks these messages"
        assert sorted(held - found, key=str) == [], f"{language} holds messages no code marks"


# --- Templates: every text marked ------------------------------------------------------------
# Attributes people read or hear, and text between tags, must come from {% translate %} or
# {% blocktranslate %}. These attribute values are for machines, not people.
READ_ATTRIBUTES = re.compile(
    r'\b(alt|title|aria-label|aria-description|placeholder|value|content|label)\s*=\s*"([^"]*)"'
)
MACHINE_VALUES = {
    "noindex",  # <meta name="robots">
    "width=device-width, initial-scale=1",  # <meta name="viewport">
    "summary",  # <meta name="twitter:card">
    "summary_large_image",
    "yes",
    "past",
    "cancel",
    "erase",
    "duplicate_selected",  # form values the views read
}
WORD = re.compile(r"[^\W\d_]{2,}")


def template_text(source):
    """The template with every tag, variable and translated block replaced by a blank, and
    comments dropped: what is left is text written in the template itself."""
    out, in_translation, in_comment, in_bodyclass = [], 0, 0, 0
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            in_translation += {"blocktranslate": 1, "endblocktranslate": -1}.get(name, 0)
            in_comment += {"comment": 1, "endcomment": -1}.get(name, 0)
            if name == "block" and token.contents.split()[1:2] == ["bodyclass"]:
                in_bodyclass = 1  # CSS class names
            elif name == "endblock":
                in_bodyclass = 0
            out.append(" ")
        elif token.token_type == TokenType.VAR:
            out.append(" ")
        elif token.token_type == TokenType.TEXT:
            out.append(" " if in_translation or in_comment or in_bodyclass else token.contents)
    return "".join(out)


def unmarked(source):
    text = template_text(source)
    text = re.sub(r"<script\b.*?</script>|<style\b.*?</style>|<!--.*?-->", " ", text, flags=re.S)
    found = []
    for tag in re.finditer(r"<[^>]*>", text):
        for match in READ_ATTRIBUTES.finditer(tag.group(0)):
            value = html.unescape(match.group(2)).strip()
            if WORD.search(value) and value not in MACHINE_VALUES:
                found.append(f'{match.group(1)}="{value}"')
    between = html.unescape(re.sub(r"<[^>]*>", "\n", text))
    found += [line.strip() for line in between.splitlines() if WORD.search(line)]
    return found


def test_the_check_finds_text_that_is_not_marked():
    assert unmarked('<p>{% translate "Fine" %}</p><p>Not marked</p>') == ["Not marked"]
    assert unmarked('<img alt="A photo" src="{{ x }}">') == ['alt="A photo"']
    assert unmarked("{% blocktranslate %}Fine {{ x }}{% endblocktranslate %}") == []
    assert unmarked('<p class="wide">{{ record.title }} · {% translate "Fine" %}</p>') == []


def test_every_template_has_its_text_marked_for_translation():
    folders = [ROOT / "templates"]
    problems = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.suffix in {".html", ".txt", ".xml"}:
                found = unmarked(path.read_text(encoding="utf-8"))
                if found:
                    problems[str(path.relative_to(ROOT))] = found
    assert problems == {}


# Messages a language writes exactly as English does, each checked by hand: words the language
# shares ("Publications", "Budget"), names kept as they are ("SSC Portal", "PDF"), and patterns
# with nothing to translate. Any other message "translated" as its English is not translated.
SAME_AS_ENGLISH = {
    "ar": {
        "%(times)s %(zone)s (%(offset)s)", "%(model)s %(pk)s", "PDF", "%(label)s: %(value)s",
        "%(label)s: %(counted)s", "%(label)s (%(count)s)",
    },
    "zh_Hans": {"%(model)s %(pk)s", "PDF"},
    "fr": {
        "date", "Image", "image", "Sources", "sources", "source", "Dates", "organisation",
        "Organisation", "organisations", "Format", "format", "Expo", "description",
        "%(dates)s, %(times)s", "budget", "Budget", "contact", "Contact", "Publications",
        "publication", "publications", "%(shown)s publication", "%(model)s %(pk)s",
        "SSC Portal", "note", "Type", "page %(number)s", "Pages", "PDF",
        "code", "%(label)s (%(count)s)", "Menu",
    },
    "ru": {
        "%(dates)s, %(times)s", "%(model)s %(pk)s", "SSC Portal", "PDF", "%(label)s: %(value)s",
        "%(label)s: %(counted)s", "%(label)s (%(count)s)",
    },
    "es": {
        "%(dates)s, %(times)s", "Bilateral", "Triangular", "Regional", "Interregional",
        "Multilateral", "No", "%(model)s %(pk)s", "SSC Portal", "PDF", "%(label)s: %(value)s",
        "%(label)s: %(counted)s", "%(label)s (%(count)s)",
    },
}  # fmt: skip


@pytest.mark.parametrize("language", sorted(PLURAL_FORMS))
def test_no_message_is_left_in_english_under_another_name(language):
    same = set()
    for entry in catalogue(language):
        texts = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        if entry.msgid in texts and WORD.search(entry.msgid):
            same.add(entry.msgid)
    assert same == SAME_AS_ENGLISH[language]

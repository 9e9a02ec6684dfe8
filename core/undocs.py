"""Links to the official text of a United Nations document, in its six languages, through the
UN's symbol resolver: https://undocs.org/<language>/<symbol> opens the document with that symbol
in that language (e.g. https://undocs.org/fr/A/RES/58/220).

A symbol keeps its slashes and dots (A/C.2/66/L.48): its parts are path segments of the address,
and anything else in them is quoted, so that no symbol can make the address point elsewhere.
"""

from dataclasses import dataclass
from urllib.parse import quote

from django.utils.translation import get_language

UNDOCS = "https://undocs.org"
# The resolver's language codes, in the United Nations' order (alphabetical in English).
UN_LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")
# Each language's name in itself: a link to a text in Arabic reads "العربية" on every page.
NATIVE_NAMES = {
    "ar": "العربية",
    "zh": "中文",
    "en": "English",
    "fr": "Français",
    "ru": "Русский",
    "es": "Español",
    "pt": "Português",
}
RIGHT_TO_LEFT = {"ar"}
# The portal's language codes that differ from the two letters of the documents' languages.
PORTAL_TO_DOCUMENT = {"zh-hans": "zh"}


def document_language(portal_language=None):
    """The two-letter code of a document's language for a page language ('zh-hans' -> 'zh');
    by default the active one."""
    code = (portal_language or get_language() or "en").lower()
    return PORTAL_TO_DOCUMENT.get(code, code.split("-")[0])


def symbol_path(symbol):
    """'A/C.2/66/L.48' -> 'A/C.2/66/L.48'; each part quoted on its own, empty parts dropped."""
    segments = [segment for segment in symbol.strip().split("/") if segment.strip()]
    quoted = []
    for segment in segments:
        segment = quote(segment.strip(), safe=".")
        if set(segment) == {"."}:  # "." or "..": never a step up the resolver's path
            segment = segment.replace(".", "%2E")
        quoted.append(segment)
    return "/".join(quoted)


def undocs_url(symbol, language):
    """The address of the document `symbol` in `language` (a resolver or a portal code)."""
    code = document_language(language)
    if code not in UN_LANGUAGES:
        raise ValueError(f"undocs.org has no language {language!r}")
    return f"{UNDOCS}/{code}/{symbol_path(symbol)}"


@dataclass(frozen=True)
class OfficialLink:
    language: str  # the resolver's code, also the link's lang and hreflang
    name: str  # the language's name in itself
    url: str
    current: bool  # in the page's language

    @property
    def direction(self):
        return "rtl" if self.language in RIGHT_TO_LEFT else "ltr"


def page_language_first(codes, portal_language=None):
    """`codes` (two-letter document languages) in their order, the page's language first."""
    first = document_language(portal_language)
    return sorted(codes, key=lambda code: code != first)


def official_links(symbol, portal_language=None):
    """The six links to `symbol`, the page's language first, the others in the UN's order;
    none without a symbol."""
    if not symbol or not symbol_path(symbol):
        return []
    current = document_language(portal_language)
    return [
        OfficialLink(code, NATIVE_NAMES[code], undocs_url(symbol, code), code == current)
        for code in page_language_first(UN_LANGUAGES, portal_language)
    ]

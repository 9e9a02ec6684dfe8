"""In which language a record's text is shown on a page.

A record's texts are written in English first; a text translated into the page's language is
shown in it, and one not yet translated is shown in English (never an empty field). Pages mark
such an English text `lang="en" dir="ltr"`, so that screen readers pronounce it as English and an
Arabic page sets it left to right with its punctuation in place, and say so once in a short
notice. A translation of the text `title` into French is the record's field `title_fr` (Chinese:
`title_zh_hans`); records whose texts have no translations yet are shown in English everywhere
but on the English pages.
"""

from django.conf import settings
from django.utils.translation import get_language, get_language_info


def translation_field(field, language):
    """title, zh-hans -> title_zh_hans."""
    return f"{field}_{language.replace('-', '_')}"


def text_language(record, field, language=None):
    """The language `record`'s `field` is shown in on a page in `language` (default: the active
    one): that language where the record has the text in it, else English."""
    language = language or get_language() or settings.LANGUAGE_CODE
    if language == settings.LANGUAGE_CODE:
        return language
    if getattr(record, translation_field(field, language), None):
        return language
    return settings.LANGUAGE_CODE


def other_language(record, field):
    """(code, is right to left) of the language `field` is shown in, when that is not the
    page's; None when it is the page's own."""
    shown = text_language(record, field)
    if shown == (get_language() or settings.LANGUAGE_CODE):
        return None
    return shown, get_language_info(shown)["bidi"]

"""Alphabetical order in each language of the portal.

Names sort by the Unicode Collation Algorithm (pyuca, with the default table of the Unicode
standard, which CLDR's orders for Arabic, English, French, Russian and Spanish follow): "Égypte"
comes with the E's, not after the Z's as it would by code point. Chinese sorts by pinyin, as
CLDR's default Chinese order does, through pypinyin, then by the same table for names that read
alike.
"""

from functools import cache

from django.utils.translation import get_language


@cache
def _collator():
    import pyuca  # its table takes a moment to load: once per process, when first needed

    return pyuca.Collator()


def _pinyin(text):
    from pypinyin import Style, lazy_pinyin

    return tuple(lazy_pinyin(text, style=Style.TONE3))


def sort_key(language=None):
    """A key function that orders texts as `language` (default: the active one) does."""
    language = (language or get_language() or "en").lower()
    collator = _collator()
    if language.startswith("zh"):
        return lambda text: (_pinyin(text), collator.sort_key(text))
    return collator.sort_key


def in_order(items, text, language=None):
    """`items` sorted by `text(item)` in `language`'s alphabetical order."""
    key = sort_key(language)
    return sorted(items, key=lambda item: key(text(item)))

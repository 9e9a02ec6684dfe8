"""Alphabetical order in each language of the portal.

Names sort by the Unicode Collation Algorithm (pyuca, with the default table of the Unicode
standard, which CLDR's orders for Arabic, English, French, Russian and Spanish follow): "Égypte"
comes with the E's, not after the Z's as it would by code point. Chinese sorts by pinyin, as
CLDR's default Chinese order does, through pypinyin, then by the same table for names that read
alike.
"""

from functools import cache, lru_cache

from django.utils.translation import get_language


@cache
def _collator():
    import pyuca  # its table takes a moment to load: once per process, when first needed

    return pyuca.Collator()


def _pinyin(text):
    from pypinyin import Style, lazy_pinyin

    return tuple(lazy_pinyin(text, style=Style.TONE3))


# The names sorted again and again (countries, regions, organisations in six languages) keep
# their keys: a key takes the collator a hundred or so microseconds to make.
SORT_KEYS_KEPT = 8192


@lru_cache(maxsize=SORT_KEYS_KEPT)
def _uca_key(text):
    return _collator().sort_key(text)


@lru_cache(maxsize=SORT_KEYS_KEPT)
def _chinese_key(text):
    return (_pinyin(text), _uca_key(text))


def sort_key(language=None):
    """A key function that orders texts as `language` (default: the active one) does."""
    language = (language or get_language() or "en").lower()
    if language.startswith("zh"):
        return _chinese_key
    return _uca_key


def in_order(items, text, language=None):
    """`items` sorted by `text(item)` in `language`'s alphabetical order."""
    key = sort_key(language)
    return sorted(items, key=lambda item: key(text(item)))

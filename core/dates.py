"""Dates and times as each of the portal's languages writes them, from the Unicode CLDR through
babel: the month in the right grammatical case ("1 ноября 2026 г.", not "1 Ноябрь 2026"), the
order and words of each language ("2026年11月1日", "1 de noviembre de 2026"), ranges of days as
the language joins them ("1–3 ноября 2026 г.", "2026年11月1日至3日"), and the names of cities in
time zones ("Нью-Йорк").

English is written as the United Nations writes it, day before month ("1 November 2026": the
CLDR's en_GB). Digits stay Western in every language, as everywhere else on the portal.
Everything follows the active language (translation.override in e-mails and tasks).
"""

import re

from babel import Locale
from babel import dates as cldr
from babel import numbers as cldr_numbers
from django.conf import settings
from django.utils.translation import get_language, to_locale

# The CLDR locale of each of the portal's languages, where it is not the language's own.
CLDR_LOCALES = {"en": "en_GB"}
# A month written in full where CLDR's interval patterns abbreviate it ("1–3 nov. 2026").
SHORT_MONTH = re.compile(r"(?<![ML])(MMM|LLL)(?![ML])")
QUOTED = re.compile(r"('[^']*')")


def cldr_locale(language=None):
    language = language or get_language() or settings.LANGUAGE_CODE
    return Locale.parse(CLDR_LOCALES.get(language, to_locale(language)))


def day(value, *, weekday=False):
    """1 November 2026; with `weekday`, Sunday 1 November 2026."""
    return cldr.format_date(value, "full" if weekday else "long", locale=cldr_locale())


def month(value):
    """November 2026 (the month as a name of its own: "ноябрь 2026 г.")."""
    return cldr.format_skeleton("yMMMM", value, locale=cldr_locale())


def day_and_month(value):
    """1 November, without the year."""
    return cldr.format_skeleton("MMMMd", value, locale=cldr_locale())


def time(value):
    """09:00: hours and minutes, on the 24-hour clock, as the language writes them."""
    return cldr.format_skeleton("Hm", value, locale=cldr_locale())


def moment(value):
    """1 November 2026, 09:00: a day and a time, joined as the language joins them."""
    locale = cldr_locale()
    joined = locale.datetime_formats["medium"]  # "{1}, {0}"; "long" adds words such as "at"
    return str(joined).replace("'", "").replace("{1}", day(value)).replace("{0}", time(value))


def _widened(pattern):
    """An interval pattern with its months written in full; quoted words left as they are."""
    return "".join(
        part if part.startswith("'") else SHORT_MONTH.sub(r"\1M", part)
        for part in QUOTED.split(pattern)
    )


def _interval(first, last, skeleton, greatest):
    """The CLDR's interval pattern for `skeleton`; for a month in full ("yMMMMd") where the
    language has none, its abbreviated one ("yMMMd") widened, if the language writes the month
    in full in its long dates at all (Chinese writes "11月" there, and keeps it)."""
    locale = cldr_locale()
    formats = locale.interval_formats
    widen = False
    if skeleton not in formats and "MMMM" in skeleton:
        widen = "MMMM" in locale.date_formats["long"].pattern
        skeleton = skeleton.replace("MMMM", "MMM")
    matched = skeleton if skeleton in formats else cldr.match_skeleton(skeleton, formats)
    patterns = formats.get(matched, {}).get(greatest) if matched else None
    if not patterns:
        return None
    return "".join(
        cldr.parse_pattern(_widened(pattern) if widen else pattern).apply(instant, locale)
        for pattern, instant in zip(patterns, (first, last), strict=True)
    )


def day_range(first, last, *, weekday=False):
    """The days from `first` to `last` (dates): "1–3 November 2026", "30 May – 2 June 2021",
    "30 December 2026 – 2 January 2027"; one day alone as `day()`."""
    if first == last:
        return day(first, weekday=weekday)
    if first.year != last.year:
        greatest = "y"
    elif first.month != last.month:
        greatest = "M"
    else:
        greatest = "d"
    joined = _interval(first, last, "yMMMMd", greatest)
    return joined or f"{day(first)} – {day(last)}"


def time_range(start, end):
    """09:00–11:30, on one day."""
    greatest = "H" if start.hour != end.hour else "m"
    joined = _interval(start, end, "Hm", greatest)
    return joined or f"{time(start)}–{time(end)}"


def city_of_zone(time_zone):
    """The city that names an IANA time zone, in the active language: "Нью-Йорк" for
    America/New_York."""
    try:
        return cldr.get_timezone_location(time_zone, locale=cldr_locale(), return_city=True)
    except LookupError:
        return time_zone.rsplit("/", 1)[-1].replace("_", " ")


# Whole numbers as each language writes them, kept once written: a list page writes the same
# counts beside its options on every request.
_numbers = {}
NUMBERS_KEPT = 10_000


def number(value):
    """1234567 in the page's language: 1,234,567; 1 234 567 (French, Russian); 1.234.567
    (Spanish). Digits stay the Western ones, which UN texts in Arabic use for figures."""
    if type(value) is not int:
        return cldr_numbers.format_decimal(value, locale=cldr_locale(), numbering_system="latn")
    key = (get_language(), value)
    written = _numbers.get(key)
    if written is None:
        written = cldr_numbers.format_decimal(value, locale=cldr_locale(), numbering_system="latn")
        if len(_numbers) >= NUMBERS_KEPT:
            _numbers.clear()
        _numbers[key] = written
    return written

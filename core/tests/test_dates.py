"""Dates in the six languages (core/dates.py), and on an event's page in Russian: the month in
the genitive, as Russian writes a day of it."""

import datetime
import zoneinfo

import pytest
from django.utils import translation

from core import dates

NOV_1, NOV_3, DEC_2 = (
    datetime.date(2026, 11, 1),
    datetime.date(2026, 11, 3),
    datetime.date(2026, 12, 2),
)

EXPECTED = {
    # language: (day, a range within a month, a range across months, month and year)
    "en": (
        "1 November 2026",
        "1 – 3 November 2026",
        "1 November – 2 December 2026",
        "November 2026",
    ),
    "ar": ("1 نوفمبر 2026", "1–3 نوفمبر 2026", "1 نوفمبر – 2 ديسمبر 2026", "نوفمبر 2026"),
    "zh-hans": ("2026年11月1日", "2026年11月1日 – 3日", "2026年11月1日 – 12月2日", "2026年11月"),
    "fr": ("1 novembre 2026", "1–3 novembre 2026", "1 novembre – 2 décembre 2026", "novembre 2026"),
    "ru": (
        "1 ноября 2026 г.",
        "1—3 ноября 2026 г.",
        "1 ноября — 2 декабря 2026 г.",
        "ноябрь 2026 г.",
    ),
    "es": (
        "1 de noviembre de 2026",
        "1–3 de noviembre de 2026",
        "1 de noviembre – 2 de diciembre de 2026",
        "noviembre de 2026",
    ),
}


def spaced(text):
    """CLDR's narrow and no-break spaces as plain ones, to compare with what is written here."""
    return text.replace("\u2009", " ").replace("\u202f", " ").replace("\u00a0", " ")


@pytest.mark.parametrize("language", EXPECTED)
def test_days_months_and_ranges_are_written_as_each_language_writes_them(language):
    day, within, across, month = EXPECTED[language]
    with translation.override(language):
        assert spaced(dates.day(NOV_1)) == day
        assert spaced(dates.day_range(NOV_1, NOV_3)) == within
        assert spaced(dates.day_range(NOV_1, DEC_2)) == across
        assert spaced(dates.month(NOV_1)) == month


def test_digits_stay_western_in_arabic():
    with translation.override("ar"):
        text = dates.moment(datetime.datetime(2026, 11, 1, 9, 5, tzinfo=datetime.UTC))
    assert "2026" in text and "09:05" in text


def test_a_time_zone_is_named_by_its_city_in_the_readers_language():
    with translation.override("ru"):
        assert dates.city_of_zone("America/New_York") == "Нью-Йорк"
    with translation.override("zh-hans"):
        assert dates.city_of_zone("America/New_York") == "纽约"
    assert dates.city_of_zone("America/New_York") == "New York"


def test_an_events_page_in_russian_gives_its_day_in_the_genitive(client, make_event):
    zone = zoneinfo.ZoneInfo("Europe/Moscow")
    event = make_event(
        "Форум",
        starts_at=datetime.datetime(2026, 11, 1, 10, 0, tzinfo=zone),
        time_zone="Europe/Moscow",
    )

    page = spaced(client.get(f"/ru{event.get_absolute_url()}").content.decode())

    assert "1 ноября 2026 г." in page
    assert "Ноябрь" not in page
    assert "время" in page or "Москва" in page

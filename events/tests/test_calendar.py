"""The calendar files: one event's .ics and the feed of upcoming events, read back with the
icalendar library as a calendar application would read them."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from devtools.samples import in_days, utc
from events.models import DatePrecision
from publishing.models import Status

FEED_URL = "/events/upcoming.ics"

pytestmark = pytest.mark.django_db


def read_calendar(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def only_event(calendar):
    (item,) = calendar.walk("VEVENT")
    return item


def zones(calendar):
    return {str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")}


def is_date_only(value):
    return isinstance(value, date) and not isinstance(value, datetime)


def test_an_events_file_gives_its_times_in_its_own_zone(client, make_event):
    event = make_event(
        "Panel",
        starts_at=utc(2021, 9, 10, 13),
        hours=2,
        time_zone="America/New_York",
        city="New York",
    )

    calendar = read_calendar(client.get(f"/events/{event.slug}.ics"))

    item = only_event(calendar)
    start, end = item["DTSTART"], item["DTEND"]
    assert start.dt.astimezone(UTC) == utc(2021, 9, 10, 13)
    assert end.dt.astimezone(UTC) == utc(2021, 9, 10, 15)
    assert (start.dt.hour, end.dt.hour) == (9, 11)
    assert start.params["TZID"] == "America/New_York"
    assert end.params["TZID"] == "America/New_York"
    assert "America/New_York" in zones(calendar)
    assert str(item["SUMMARY"]) == "Panel"
    assert str(item["URL"]).endswith(event.get_absolute_url())
    assert str(item["STATUS"]) == "CONFIRMED"


def test_a_winter_event_and_a_half_hour_zone_decode_to_the_right_moment(client, make_event):
    winter = make_event(
        "Winter", starts_at=utc(2022, 1, 10, 14), hours=2, time_zone="America/New_York"
    )
    delhi = make_event("Delhi", starts_at=utc(2023, 2, 1, 4, 30), hours=3, time_zone="Asia/Kolkata")

    for event, start, tzid in (
        (winter, utc(2022, 1, 10, 14), "America/New_York"),
        (delhi, utc(2023, 2, 1, 4, 30), "Asia/Kolkata"),
    ):
        calendar = read_calendar(client.get(event.get_ics_url()))
        item = only_event(calendar)
        assert item["DTSTART"].dt.astimezone(UTC) == start
        assert item["DTEND"].dt.astimezone(UTC) == event.ends_at
        assert item["DTSTART"].params["TZID"] == tzid
        assert tzid in zones(calendar)


def test_an_event_known_by_its_days_is_an_all_day_event_ending_the_day_after(client, make_event):
    # 20-22 March 2019 in Bangkok (UTC+7): midnight to midnight after the last day.
    event = make_event(
        "Bangkok forum",
        starts_at=utc(2019, 3, 19, 17),
        ends_at=utc(2019, 3, 22, 17),
        time_zone="Asia/Bangkok",
        date_precision=DatePrecision.DAY,
    )

    item = only_event(read_calendar(client.get(event.get_ics_url())))

    assert is_date_only(item["DTSTART"].dt)
    assert is_date_only(item["DTEND"].dt)
    assert item["DTSTART"].dt == date(2019, 3, 20)
    assert item["DTEND"].dt == date(2019, 3, 23)
    assert "TZID" not in item["DTSTART"].params


def test_a_one_day_event_ending_before_midnight_ends_the_next_day_in_the_file(client, make_event):
    event = make_event(
        "Day of observance",
        starts_at=utc(2021, 9, 12, 4),  # 00:00 New York time
        ends_at=utc(2021, 9, 13, 3, 59),  # 23:59 New York time
        time_zone="America/New_York",
        date_precision=DatePrecision.DAY,
    )

    item = only_event(read_calendar(client.get(event.get_ics_url())))

    assert (item["DTSTART"].dt, item["DTEND"].dt) == (date(2021, 9, 12), date(2021, 9, 13))


def test_the_feed_lists_only_upcoming_published_events(client, make_event):
    make_event("Soon", starts_at=in_days(3))
    make_event("Later", starts_at=in_days(60), time_zone="Africa/Nairobi")
    make_event("Under way", starts_at=timezone.now() - timedelta(hours=1), hours=3)
    make_event("Over", starts_at=in_days(-3))
    make_event("A draft", starts_at=in_days(4), status=Status.DRAFT)
    make_event("In review", starts_at=in_days(4), status=Status.IN_REVIEW)
    make_event("Scheduled", starts_at=in_days(4), published_at=timezone.now() + timedelta(days=1))

    calendar = read_calendar(client.get(FEED_URL))

    items = calendar.walk("VEVENT")
    assert [str(item["SUMMARY"]) for item in items] == ["Under way", "Soon", "Later"]
    assert {"America/New_York", "Africa/Nairobi"} <= zones(calendar)
    for item in items:
        assert item["DTSTART"].dt.astimezone(UTC) > timezone.now() - timedelta(hours=2)


def test_the_feed_gives_each_event_its_own_zone(client, make_event):
    year = timezone.now().year + 1
    new_york = make_event(
        "New York", starts_at=datetime(year, 7, 1, 13, tzinfo=UTC), time_zone="America/New_York"
    )
    nairobi = make_event(
        "Nairobi", starts_at=datetime(year, 7, 2, 6, tzinfo=UTC), time_zone="Africa/Nairobi"
    )
    make_event(
        "Days only",
        starts_at=datetime(year, 7, 3, 4, tzinfo=UTC),
        ends_at=datetime(year, 7, 5, 4, tzinfo=UTC),
        time_zone="America/New_York",
        date_precision=DatePrecision.DAY,
    )

    items = {
        str(item["SUMMARY"]): item for item in read_calendar(client.get(FEED_URL)).walk("VEVENT")
    }

    assert items["New York"]["DTSTART"].dt.astimezone(UTC) == new_york.starts_at
    assert items["New York"]["DTSTART"].params["TZID"] == "America/New_York"
    assert items["Nairobi"]["DTSTART"].dt.astimezone(UTC) == nairobi.starts_at
    assert items["Nairobi"]["DTEND"].dt.astimezone(UTC) == nairobi.ends_at
    assert items["Nairobi"]["DTSTART"].params["TZID"] == "Africa/Nairobi"
    assert items["Days only"]["DTSTART"].dt == date(year, 7, 3)
    assert items["Days only"]["DTEND"].dt == date(year, 7, 5)


def test_an_empty_feed_is_still_a_calendar(client, db):
    calendar = read_calendar(client.get(FEED_URL))

    assert calendar.walk("VEVENT") == []


def test_a_cancelled_event_is_marked_cancelled_in_its_file(client, make_event):
    event = make_event("Called off", is_cancelled=True)

    item = only_event(read_calendar(client.get(event.get_ics_url())))

    assert str(item["STATUS"]) == "CANCELLED"


@pytest.mark.parametrize(
    ("status", "published_in_days"),
    [(Status.DRAFT, None), (Status.IN_REVIEW, None), (Status.PUBLISHED, 1)],
)
def test_an_unpublished_events_file_is_not_found(client, make_event, status, published_in_days):
    published_at = timezone.now() + timedelta(days=published_in_days) if published_in_days else None
    event = make_event("Hidden", status=status, published_at=published_at)

    assert client.get(event.get_ics_url()).status_code == 404


@pytest.mark.parametrize(
    "path", ["/events/no-such-event.ics", "/events/%00.ics", "/events/" + "a" * 3000 + ".ics"]
)
def test_an_unknown_events_file_is_not_found(client, db, path):
    assert client.get(path).status_code == 404

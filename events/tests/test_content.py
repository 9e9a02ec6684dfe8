"""The starting events in fixtures/30_events.json, and the next UN Day for South-South Cooperation
that load_portal_content keeps in place."""

import json
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db.models import Count

from events.models import DatePrecision, Event, EventFormat, EventKind, RegistrationState
from events.un_day import ensure_next_un_day, next_un_day_year
from publishing.models import Status

FIXTURE = settings.BASE_DIR / "fixtures" / "30_events.json"
PANEL = "south-south-solidarity-high-level-panel-2021"
# A moment after the fixtures' publication dates, so that "published" means visible.
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def utc(*parts):
    return datetime(*parts, tzinfo=UTC)


@pytest.fixture
def loaded(db):
    with time_machine.travel(NOW, tick=False):
        call_command("load_portal_content", verbosity=0)


def test_the_fixture_loads_every_event_it_holds(loaded):
    slugs = {record["fields"]["slug"] for record in json.loads(FIXTURE.read_text("utf-8"))}

    assert len(slugs) == 10
    assert slugs <= set(Event.objects.values_list("slug", flat=True))


def test_every_event_cites_a_source_and_is_published(loaded):
    events = Event.objects.annotate(source_count=Count("sources"))

    assert [e.slug for e in events if e.source_count == 0] == []
    assert [e.slug for e in events if e.status != Status.PUBLISHED or e.published_at is None] == []
    with time_machine.travel(NOW, tick=False):
        assert Event.objects.published().count() == Event.objects.count()


def test_no_past_event_takes_registrations(loaded):
    past = Event.objects.past(now=NOW)

    assert past.count() == 10
    assert not past.filter(registration_enabled=True).exists()


def test_the_panel_is_on_10_september_2021_from_13_to_15_utc(loaded):
    panel = Event.objects.get(slug=PANEL)

    assert (panel.starts_at, panel.ends_at) == (utc(2021, 9, 10, 13), utc(2021, 9, 10, 15))
    assert (panel.local_start.hour, panel.local_end.hour) == (9, 11)  # New York time
    assert panel.kind == EventKind.HIGH_LEVEL_PANEL
    assert panel.format == EventFormat.ONLINE
    assert panel.recording_url == ""
    assert panel.parent.slug == "un-day-for-south-south-cooperation-2021"
    assert list(panel.organisers.values_list("slug", flat=True)) == ["unossc"]


def test_the_panel_has_exactly_the_three_side_events(loaded):
    side_events = Event.objects.get(slug=PANEL).side_events.order_by("starts_at")

    assert [(e.kind, e.starts_at, e.ends_at) for e in side_events] == [
        (EventKind.SIDE_EVENT, utc(2021, 9, 13, 13, 0), utc(2021, 9, 13, 14, 30)),
        (EventKind.SIDE_EVENT, utc(2021, 9, 14, 12, 30), utc(2021, 9, 14, 14, 0)),
        (EventKind.SIDE_EVENT, utc(2021, 9, 14, 13, 30), utc(2021, 9, 14, 15, 0)),
    ]
    assert [e.title.split(":")[0] for e in side_events] == [
        "Launch of South-South Ideas paper",
        "Launch of Good Practices in South-South and Triangular Cooperation",
        "Leveraging Triangular Partnerships to Respond to COVID-19 and Build Back Better",
    ]
    assert all(len(e.slug) < 70 for e in side_events)


def test_the_2021_un_day_is_all_day_12_september_in_new_york(loaded):
    day = Event.objects.get(slug="un-day-for-south-south-cooperation-2021")

    assert (day.kind, day.annual, day.date_precision) == (
        EventKind.OBSERVANCE,
        True,
        DatePrecision.DAY,
    )
    assert (day.starts_at, day.ends_at) == (utc(2021, 9, 12, 4), utc(2021, 9, 13, 4))
    assert day.initiatives.count() == 4
    for disputed in ("58/220", "14 December", "19 December", "66/550", "18 September"):
        assert disputed in day.source_note


def test_bapa_40_is_in_buenos_aires_argentina(loaded):
    bapa = Event.objects.get(slug="bapa-plus-40-conference")

    assert bapa.country.iso2 == "AR"
    assert bapa.city == "Buenos Aires"
    assert (bapa.local_start.date(), bapa.starts_at) == (date(2019, 3, 20), utc(2019, 3, 20, 3))
    assert bapa.ends_at == utc(2019, 3, 23, 3)  # 00:00 in Buenos Aires after the last day


def test_the_month_only_events_start_on_the_first_in_their_zone(loaded):
    month_only = Event.objects.filter(date_precision=DatePrecision.MONTH)

    assert {e.slug: (e.local_start.date(), e.local_end.date()) for e in month_only} == {
        "tcdc-conference-buenos-aires-1978": (date(1978, 9, 1), date(1978, 10, 1)),
        "10th-south-south-development-expo": (date(2018, 11, 1), date(2018, 12, 1)),
        "latin-american-network-focal-points-meeting-2016": (date(2016, 10, 1), date(2016, 11, 1)),
    }
    assert all(e.local_start.hour == e.local_end.hour == 0 for e in month_only)


@pytest.mark.parametrize(
    ("today", "year"),
    [
        (date(2026, 1, 1), 2026),
        (date(2026, 9, 11), 2026),
        (date(2026, 9, 12), 2026),
        (date(2026, 9, 13), 2027),
        (date(2026, 12, 2), 2027),
        (date(2026, 12, 31), 2027),
    ],
)
def test_the_next_un_day_is_this_year_until_12_september(today, year):
    assert next_un_day_year(today) == year


@pytest.mark.parametrize(
    ("today", "slug"),
    [
        (date(2026, 9, 12), "un-day-for-south-south-cooperation-2026"),
        (date(2026, 3, 1), "un-day-for-south-south-cooperation-2026"),
        (date(2026, 9, 13), "un-day-for-south-south-cooperation-2027"),
        (date(2026, 12, 2), "un-day-for-south-south-cooperation-2027"),
    ],
)
def test_ensure_next_un_day_picks_the_year(loaded, today, slug):
    with time_machine.travel(datetime(today.year, today.month, today.day, 12, tzinfo=UTC)):
        event = ensure_next_un_day(today)

    assert event.slug == slug
    year = int(slug.rsplit("-", 1)[1])
    assert event.local_start == datetime(year, 9, 12, 9, tzinfo=event.zone)
    assert event.local_end == datetime(year, 9, 12, 11, tzinfo=event.zone)
    assert event.starts_at == utc(year, 9, 12, 13)  # 09:00 New York is 13:00 UTC in September


def test_ensure_next_un_day_uses_the_new_york_date_by_default(loaded):
    # 03:00 UTC on 13 September is still 12 September (23:00) in New York.
    with time_machine.travel(datetime(2026, 9, 13, 3, tzinfo=UTC), tick=False):
        assert ensure_next_un_day().slug == "un-day-for-south-south-cooperation-2026"
    with time_machine.travel(datetime(2026, 9, 13, 5, tzinfo=UTC), tick=False):
        assert ensure_next_un_day().slug == "un-day-for-south-south-cooperation-2027"


def test_the_next_un_day_is_a_published_online_observance_open_for_registration(loaded):
    event = Event.objects.get(slug="un-day-for-south-south-cooperation-2027")

    assert (event.kind, event.annual, event.format, event.date_precision) == (
        EventKind.OBSERVANCE,
        True,
        EventFormat.ONLINE,
        DatePrecision.TIME,
    )
    assert event.time_zone == "America/New_York"
    assert (event.registration_enabled, event.capacity, event.waiting_list) == (True, 300, True)
    assert (event.registration_opens_at, event.registration_closes_at) == (None, None)
    assert set(event.sources.values_list("slug", flat=True)) == {
        "aipr-international-day-for-south-south-cooperation",
        "unossc-un-day-for-south-south-cooperation-2021",
    }
    assert "not yet announced" in event.source_note
    with time_machine.travel(NOW, tick=False):
        assert event.is_published()
        assert event.registration_state() == RegistrationState.OPEN
        assert Event.objects.published().upcoming().first() == event


def test_ensure_next_un_day_is_idempotent(loaded):
    with time_machine.travel(NOW, tick=False):
        first = ensure_next_un_day()
    count = Event.objects.count()

    with time_machine.travel(datetime(2027, 1, 15, tzinfo=UTC), tick=False):
        second = ensure_next_un_day()

    second.refresh_from_db()
    assert second.pk == first.pk
    assert second.updated_at == first.updated_at
    assert Event.objects.count() == count


def test_ensure_next_un_day_leaves_an_edited_record_alone(loaded):
    event = Event.objects.get(slug="un-day-for-south-south-cooperation-2027")
    Event.objects.filter(pk=event.pk).update(capacity=50, title="Edited")

    with time_machine.travel(NOW, tick=False):
        again = ensure_next_un_day()

    assert (again.pk, again.capacity, again.title) == (event.pk, 50, "Edited")


def test_loading_twice_changes_no_event(loaded):
    before = list(Event.objects.order_by("pk").values())
    sources = list(Event.sources.through.objects.order_by("pk").values_list())

    with time_machine.travel(datetime(2027, 2, 1, tzinfo=UTC), tick=False):
        call_command("load_portal_content", verbosity=0)

    assert list(Event.objects.order_by("pk").values()) == before
    assert list(Event.sources.through.objects.order_by("pk").values_list()) == sources

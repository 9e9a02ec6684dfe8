"""A visitor in another time zone reads a timed event's time in their own zone too: in Jakarta, an
evening event in New York shows the next morning, with its date, on the event's page and on the
home page's event card. In New York it shows nothing more; nor without JavaScript. The script
runs under the Content Security Policy without a violation or a console error.

Set PORTAL_SCREENSHOTS to a folder to also save the pages seen from Jakarta at 1280 and 360 px."""

import os
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from events.models import DatePrecision
from events.times import utc_offset

from .assertions import expect
from .test_content_security_policy import Watched

NEW_YORK, JAKARTA = ZoneInfo("America/New_York"), ZoneInfo("Asia/Jakarta")


@pytest.fixture
def events(transactional_db, make_event):
    """A timed evening event in New York, a timed event in Jakarta and an all-day event."""
    day = (timezone.now().astimezone(NEW_YORK) + timedelta(days=20)).date()
    evening = datetime.combine(day, time(19, 0), tzinfo=NEW_YORK)
    return {
        "new_york": make_event(
            "Evening dialogue on South-South trade",
            starts_at=evening,
            hours=2,
            time_zone="America/New_York",
        ),
        "jakarta": make_event(
            "Jakarta forum on digital cooperation",
            starts_at=evening + timedelta(days=1),
            hours=3,
            time_zone="Asia/Jakarta",
        ),
        "all_day": make_event(
            "Solidarity week",
            starts_at=evening + timedelta(days=2),
            hours=24,
            time_zone="America/New_York",
            date_precision=DatePrecision.DAY,
        ),
    }


def in_jakarta(event):
    """What the script should add for a visitor in Jakarta, in the portal's English."""
    start, end = event.starts_at.astimezone(JAKARTA), event.ends_at.astimezone(JAKARTA)
    return (
        f" · {start:%A} {start.day} {start:%B}, {start:%H:%M}\u2013{end:%H:%M}"
        " your time (Asia/Jakarta)"
    )


def screenshot(page, name):
    folder = os.environ.get("PORTAL_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for width, height in [(1280, 800), (360, 740)]:
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=Path(folder) / f"local-time-{name}-{width}.png", full_page=True)


def card(page, event):
    return page.locator(".card").filter(has=page.get_by_role("link", name=event.title))


def assert_no_errors(watched):
    """No policy violation, and no console error or script error of any kind."""
    watched.problems += [
        f"console {message.type}: {message.text}"
        for message in watched.console
        if message.type == "error"
    ]
    watched.check("page")
    watched.assert_clean()


def test_a_visitor_in_jakarta_reads_the_next_morning_with_its_date(new_context, events):
    watched = Watched(new_context(timezone_id="Asia/Jakarta", locale="en-GB"))
    page = watched.page
    new_york = events["new_york"]
    expected = in_jakarta(new_york)
    assert new_york.starts_at.astimezone(JAKARTA).date() > new_york.local_start.date()

    page.goto(new_york.get_absolute_url())
    when = page.locator(".event-when-large")
    expect(when.locator(".local-time")).to_have_text(expected)
    # Added after the event's own time, which is unchanged.
    expect(when).to_contain_text("19:00\u201321:00 New York time (UTC-")
    assert when.inner_text().endswith(
        f"New York time ({utc_offset(new_york.local_start)}){expected}"
    )
    assert_no_errors(watched)
    screenshot(page, "event")

    page.goto("/")
    expect(card(page, new_york).locator(".local-time")).to_have_text(expected)
    # The event in Jakarta's own zone and the all-day event get nothing more.
    expect(card(page, events["jakarta"]).locator(".local-time")).to_have_count(0)
    expect(card(page, events["all_day"]).locator(".local-time")).to_have_count(0)
    assert page.locator(".local-time").count() == 1
    assert_no_errors(watched)
    screenshot(page, "home")


def test_a_visitor_in_new_york_reads_nothing_more_for_a_new_york_event(new_context, events):
    watched = Watched(new_context(timezone_id="America/New_York", locale="en-US"))
    page = watched.page
    new_york, jakarta = events["new_york"], events["jakarta"]

    page.goto(new_york.get_absolute_url())
    expect(page.locator(".event-when-large")).to_be_visible()
    page.goto("/")
    # The script ran: the event in Jakarta shows its time in New York, the one in New York not.
    expect(card(page, jakarta).locator(".local-time")).to_contain_text(
        "your time (America/New York)"
    )
    expect(card(page, new_york).locator(".local-time")).to_have_count(0)
    expect(page.locator(".local-time")).to_have_count(1)
    assert_no_errors(watched)

    page.goto(new_york.get_absolute_url())
    page.wait_for_load_state("load")  # the deferred script has run by now
    expect(page.locator(".local-time")).to_have_count(0)
    assert_no_errors(watched)


def test_without_javascript_the_page_says_only_the_events_own_time(new_context, events):
    page = new_context(timezone_id="Asia/Jakarta", java_script_enabled=False).new_page()
    new_york = events["new_york"]

    page.goto(new_york.get_absolute_url())

    expect(page.locator(".event-when-large")).to_contain_text("19:00\u201321:00 New York time")
    expect(page.locator(".local-time")).to_have_count(0)


def test_the_date_is_written_in_the_pages_language(new_context, events):
    page = new_context(timezone_id="Asia/Jakarta", locale="en-GB").new_page()
    new_york = events["new_york"]
    start = new_york.starts_at.astimezone(JAKARTA)

    page.goto("/fr" + new_york.get_absolute_url())

    note = page.locator(".event-when-large .local-time")
    expect(note).to_contain_text(f"{start.day} ")
    weekday = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
    expect(note).to_contain_text(weekday[start.weekday()])


def test_on_an_arabic_page_the_times_keep_their_right_to_left_order(new_context, events):
    """After "(UTC-4)" the digits would join the Latin letters and read left to right; a
    right-to-left mark keeps "from 09:00 to 11:00" read from the right, as the page's own."""
    page = new_context(timezone_id="Asia/Jakarta", locale="en-GB").new_page()

    page.goto("/ar" + events["new_york"].get_absolute_url())

    note = page.locator(".event-when-large .local-time")
    expect(note).to_have_count(1)
    assert note.text_content().startswith(" · \u200f")
    page.goto(events["new_york"].get_absolute_url())  # none on a left-to-right page
    assert "\u200f" not in page.locator(".event-when-large .local-time").text_content()


def test_a_script_changed_on_the_way_is_not_run(new_context, events):
    """The integrity hash is enforced: bytes other than the portal's are refused, and the page
    reads as it does without JavaScript."""
    watched = Watched(new_context(timezone_id="Asia/Jakarta", locale="en-GB"))
    page = watched.page

    def tampered(route):
        original = route.fetch()
        route.fulfill(response=original, body=original.body() + b"\n// changed\n")

    page.route("**/static/js/local-time.js", tampered)
    page.goto(events["new_york"].get_absolute_url())
    page.wait_for_load_state("load")

    expect(page.locator(".local-time")).to_have_count(0)
    watched.check("event page with a changed script")
    assert any("integrity" in problem for problem in watched.problems), watched.problems

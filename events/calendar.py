"""iCalendar (RFC 5545) files for events: one event, or the feed of upcoming ones.

Times are written in the event's own time zone with its VTIMEZONE definition, so a calendar
shows them right wherever the reader is. Events known only by their days are all-day events
(DATE values), and so are those known only by their month, as a span of the days entered.
"""

from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from .models import DatePrecision, RegistrationStatus
from .times import last_day

# SEQUENCE counts half-seconds from here: it grows with each revision, in 32 bits until 2054.
SEQUENCE_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


def sequence_at(*moments, cancelled=False):
    """The SEQUENCE of a calendar item as of the latest of `moments`: a later version of the
    same item (same UID) always has a higher one, so calendars take it over the earlier. Even
    numbers are the event, odd ones its cancellation: a cancellation comes after the event of
    the same second, and a registration made in a later second after the cancellation."""
    latest = max(moment for moment in moments if moment is not None)
    return 2 * max(int((latest - SEQUENCE_EPOCH).total_seconds()), 0) + int(cancelled)


def new_calendar(name, method="PUBLISH"):
    calendar = Calendar()
    calendar.add("prodid", "-//SSC Portal//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    return calendar


def calendar_event(event, base_url=None, sequence=None, cancelled=False):
    base_url = base_url or settings.PORTAL_BASE_URL
    item = CalendarEvent()
    # One UID per event wherever the file comes from (its page, the feed, an e-mail), so that a
    # cancellation replaces the very item a calendar holds.
    host = urlsplit(settings.PORTAL_BASE_URL).hostname or "localhost"
    item.add("uid", f"event-{event.pk}@{host}")
    item.add("dtstamp", timezone.now())
    item.add("last-modified", event.updated_at)
    item.add("sequence", sequence_at(event.updated_at) if sequence is None else sequence)
    if event.date_precision == DatePrecision.TIME:
        item.add("dtstart", event.local_start)
        item.add("dtend", event.local_end)
    else:
        item.add("dtstart", event.local_start.date())
        item.add("dtend", max(last_day(event), event.local_start.date()) + timedelta(days=1))
    item.add("summary", event.texts.title)
    url = base_url + event.get_absolute_url()
    item.add("description", f"{event.texts.summary}\n\n{url}")
    item.add("url", url)
    location = ", ".join(
        part
        for part in (event.venue, event.city, event.country.texts.name if event.country else "")
        if part
    )
    if location:
        item.add("location", location)
    item.add("status", "CANCELLED" if cancelled or event.is_cancelled else "CONFIRMED")
    return item


def event_calendar(event, base_url=None):
    return events_calendar([event], event.texts.title, base_url)


def registration_calendar(registration, base_url=None):
    """The calendar file of a registrant's e-mail: the event, or, once the registration is
    cancelled, its cancellation (METHOD:CANCEL, the same UID, a higher SEQUENCE), which takes
    it out of the calendar it was added to. A registration made after a cancellation gets a
    higher SEQUENCE again, so the event comes back."""
    event = registration.event
    if registration.status == RegistrationStatus.CANCELLED:
        revision = sequence_at(
            event.updated_at, registration.cancelled_at or timezone.now(), cancelled=True
        )
        return events_calendar(
            [event], event.texts.title, base_url, sequence=revision, cancelled=True, method="CANCEL"
        )
    revision = sequence_at(event.updated_at, registration.created_at)
    return events_calendar([event], event.texts.title, base_url, sequence=revision)


def events_calendar(events, name, base_url=None, method="PUBLISH", **item_options):
    calendar = new_calendar(name, method)
    days = []
    for event in events:
        calendar.add_component(calendar_event(event, base_url, **item_options))
        days += [event.starts_at.date(), event.ends_at.date()]
    if days:
        # Time zone rules for the years the events span, not for 1970-2038: a tenth the size.
        calendar.add_missing_timezones(
            first_date=date(min(days).year, 1, 1), last_date=date(max(days).year + 1, 1, 1)
        )
    return calendar.to_ical()

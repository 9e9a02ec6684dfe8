"""iCalendar (RFC 5545) files for events: one event, or the feed of upcoming ones.

Times are written in the event's own time zone with its VTIMEZONE definition, so a calendar
shows them right wherever the reader is. Events known only by their days are all-day events
(DATE values), and so are those known only by their month, as a span of the days entered.
"""

from datetime import date, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from .models import DatePrecision
from .times import last_day


def new_calendar(name):
    calendar = Calendar()
    calendar.add("prodid", "-//SSC Portal//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def calendar_event(event, base_url=None):
    base_url = base_url or settings.PORTAL_BASE_URL
    item = CalendarEvent()
    item.add("uid", f"event-{event.pk}@{urlsplit(base_url).hostname or 'localhost'}")
    item.add("dtstamp", timezone.now())
    item.add("last-modified", event.updated_at)
    if event.date_precision == DatePrecision.TIME:
        item.add("dtstart", event.local_start)
        item.add("dtend", event.local_end)
    else:
        item.add("dtstart", event.local_start.date())
        item.add("dtend", max(last_day(event), event.local_start.date()) + timedelta(days=1))
    item.add("summary", event.title)
    url = base_url + event.get_absolute_url()
    item.add("description", f"{event.summary}\n\n{url}")
    item.add("url", url)
    location = ", ".join(
        part
        for part in (event.venue, event.city, event.country.name if event.country else "")
        if part
    )
    if location:
        item.add("location", location)
    item.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    return item


def event_calendar(event, base_url=None):
    return events_calendar([event], event.title, base_url)


def events_calendar(events, name, base_url=None):
    calendar = new_calendar(name)
    days = []
    for event in events:
        calendar.add_component(calendar_event(event, base_url))
        days += [event.starts_at.date(), event.ends_at.date()]
    if days:
        # Time zone rules for the years the events span, not for 1970-2038: a tenth the size.
        calendar.add_missing_timezones(
            first_date=date(min(days).year, 1, 1), last_date=date(max(days).year + 1, 1, 1)
        )
    return calendar.to_ical()

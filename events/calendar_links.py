"""Links that open an event in a web calendar, beside the .ics file: Google Calendar and
Outlook on the web take the event's title, times, place and page in the address itself.

Timed events go as UTC instants (each calendar shows them in its reader's zone); events known
by their days go as all-day spans, the end day excluded as both calendars count it.
"""

from datetime import UTC, timedelta
from urllib.parse import urlencode

from django.conf import settings

from .models import DatePrecision
from .times import last_day

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK = "https://outlook.live.com/calendar/0/action/compose"


def _details(event, base_url):
    page = (base_url or settings.PORTAL_BASE_URL) + event.get_absolute_url()
    summary = event.texts.summary
    return f"{summary}\n\n{page}" if summary else page


def _location(event):
    country = event.country.texts.name if event.country_id else ""
    return ", ".join(part for part in (event.venue, event.city, country) if part)


def _days(event):
    """The first day and the day after the last, in the event's zone."""
    first = event.local_start.date()
    return first, max(last_day(event), first) + timedelta(days=1)


def google_calendar_url(event, base_url=None):
    if event.date_precision == DatePrecision.TIME:
        start, end = (moment.astimezone(UTC) for moment in (event.starts_at, event.ends_at))
        dates = f"{start:%Y%m%dT%H%M%SZ}/{end:%Y%m%dT%H%M%SZ}"
    else:
        first, after = _days(event)
        dates = f"{first:%Y%m%d}/{after:%Y%m%d}"
    query = {"action": "TEMPLATE", "text": event.texts.title, "dates": dates}
    query["details"] = _details(event, base_url)
    if location := _location(event):
        query["location"] = location
    query["ctz"] = event.time_zone
    return f"{GOOGLE}?{urlencode(query)}"


def outlook_calendar_url(event, base_url=None):
    query = {"path": "/calendar/action/compose", "rru": "addevent", "subject": event.texts.title}
    if event.date_precision == DatePrecision.TIME:
        start, end = (moment.astimezone(UTC) for moment in (event.starts_at, event.ends_at))
        query |= {
            "startdt": f"{start:%Y-%m-%dT%H:%M:%SZ}",
            "enddt": f"{end:%Y-%m-%dT%H:%M:%SZ}",
            "allday": "false",
        }
    else:
        first, after = _days(event)
        query |= {"startdt": first.isoformat(), "enddt": after.isoformat(), "allday": "true"}
    query["body"] = _details(event, base_url)
    if location := _location(event):
        query["location"] = location
    return f"{OUTLOOK}?{urlencode(query)}"

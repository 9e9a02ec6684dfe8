"""An event's date and time as people read them: in the event's own time zone, named, with its
offset from UTC ("Friday 10 September 2021, 09:00-11:00 New York time (UTC-4)")."""

from datetime import timedelta

from django.utils import dateformat
from django.utils.translation import gettext as _

from .models import DatePrecision


def zone_label(time_zone):
    """'New York time' for America/New_York; 'UTC' for UTC."""
    if time_zone in {"UTC", "Etc/UTC"}:
        return "UTC"
    city = time_zone.rsplit("/", 1)[-1].replace("_", " ")
    return _("%(city)s time") % {"city": city}


def utc_offset(moment):
    """'UTC-4', 'UTC+5:30', 'UTC+0' for an aware datetime."""
    minutes = int(moment.utcoffset().total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def last_day(event):
    """The last day an event runs on, in its zone. An end at midnight belongs to the day before,
    so an all-day event may end at 00:00 of the next day (as calendar files count it)."""
    return (event.local_end - timedelta(microseconds=1)).date()


def date_range(first, last):
    """'12 September 2021', '20-22 March 2019', '30 May - 2 June 2021', ... (dates)."""
    if first == last:
        return dateformat.format(first, "l j F Y")
    if (first.year, first.month) == (last.year, last.month):
        return f"{dateformat.format(first, 'j')}\u2013{dateformat.format(last, 'j F Y')}"
    if first.year == last.year:
        return f"{dateformat.format(first, 'j F')} \u2013 {dateformat.format(last, 'j F Y')}"
    return f"{dateformat.format(first, 'j F Y')} \u2013 {dateformat.format(last, 'j F Y')}"


def event_dates(event):
    """The day(s) alone."""
    start = event.local_start
    if event.date_precision == DatePrecision.MONTH:
        return dateformat.format(start, "F Y")
    end_day = max(last_day(event), start.date())
    return date_range(start.date(), end_day)


def event_times(event):
    """'09:00-11:00 New York time (UTC-4)', or '' when the sources give no times."""
    if event.date_precision != DatePrecision.TIME:
        return ""
    start, end = event.local_start, event.local_end
    label, offset = zone_label(event.time_zone), utc_offset(start)
    if start.date() == end.date():
        span = f"{start:%H:%M}\u2013{end:%H:%M}"
    else:
        span = f"{start:%H:%M} \u2013 {dateformat.format(end, 'j F')} {end:%H:%M}"
    if utc_offset(end) != offset:  # the clocks change during the event
        return f"{span} {label} ({offset} / {utc_offset(end)})"
    return f"{span} {label} ({offset})"


def event_when(event):
    """Dates and times together, for pages, e-mails and calendar descriptions."""
    times = event_times(event)
    return f"{event_dates(event)}, {times}" if times else event_dates(event)

"""An event's date and time as people read them, in the reader's language: in the event's own
time zone, named, with its offset from UTC ("Friday, 10 September 2021, 09:00–11:00 New York
time (UTC-4)"; "пятница, 10 сентября 2021 г., 09:00—11:00 время Нью-Йорк (UTC-4)"). The words
and forms of dates come from core/dates.py (CLDR)."""

from datetime import timedelta

from django.utils.translation import gettext as _

from core import dates

from .models import DatePrecision


def zone_label(time_zone):
    """'New York time' for America/New_York, the city in the active language; 'UTC' for UTC."""
    if time_zone in {"UTC", "Etc/UTC"}:
        return "UTC"
    return _("%(city)s time") % {"city": dates.city_of_zone(time_zone)}


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
    """'Sunday, 12 September 2021', '20–22 March 2019', '30 May – 2 June 2021', ... (dates)."""
    return dates.day_range(first, last, weekday=True)


def event_dates(event):
    """The day(s) alone."""
    start = event.local_start
    if event.date_precision == DatePrecision.MONTH:
        return dates.month(start)
    end_day = max(last_day(event), start.date())
    return date_range(start.date(), end_day)


def event_times(event):
    """'09:00-11:00 New York time (UTC-4)', or '' when the sources give no times."""
    if event.date_precision != DatePrecision.TIME:
        return ""
    start, end = event.local_start, event.local_end
    label, offset = zone_label(event.time_zone), utc_offset(start)
    if start.date() == end.date():
        span = dates.time_range(start, end)
    else:
        span = f"{dates.time(start)} \u2013 {dates.day_and_month(end)} {dates.time(end)}"
    if utc_offset(end) != offset:  # the clocks change during the event
        offset = f"{offset} / {utc_offset(end)}"
    # Translators: "09:00–11:00 New York time (UTC-4)"
    return _("%(times)s %(zone)s (%(offset)s)") % {"times": span, "zone": label, "offset": offset}


def event_when(event):
    """Dates and times together, for pages, e-mails and calendar descriptions."""
    times = event_times(event)
    if not times:
        return event_dates(event)
    # Translators: "Friday, 10 September 2021, 09:00–11:00 New York time (UTC-4)"
    return _("%(dates)s, %(times)s") % {"dates": event_dates(event), "times": times}

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .. import times
from ..models import DatePrecision

register = template.Library()


@register.filter
def event_when(event):
    """'Friday 10 September 2021, 09:00–11:00 New York time (UTC-4)'."""
    return times.event_when(event)


@register.filter
def event_dates(event):
    return times.event_dates(event)


@register.filter
def event_times(event):
    return times.event_times(event)


@register.filter
def event_start_date(event):
    """The first day in the event's own zone, ISO 8601, for a <time> element's datetime: the
    month alone ('2021-09') when that is all that is known."""
    start = event.local_start
    return f"{start:%Y-%m}" if event.date_precision == DatePrecision.MONTH else f"{start:%Y-%m-%d}"


@register.filter
def event_zone(event):
    """'New York time (UTC-4)' at the event's start."""
    return f"{times.zone_label(event.time_zone)} ({times.utc_offset(event.local_start)})"


@register.filter
def event_place(event, country_url=None):
    """'Venue, City, Country' from what is known; empty when nothing is.

    Plain text without an argument. With one, the address the country's name links to, and the
    place is HTML, each part escaped: `{{ event|event_place:country_url }}`. An empty address
    (an event with no country, say) links nothing."""
    country = event.country.texts.name if event.country_id else ""
    if country_url is None:
        return ", ".join(part for part in (event.venue, event.city, country) if part)
    if country and country_url:
        country = format_html('<a href="{}">{}</a>', country_url, country)
    parts = (conditional_escape(part) for part in (event.venue, event.city, country) if part)
    return mark_safe(", ".join(parts))


@register.filter
def local_time(event):
    """The attributes that let the page's script add a timed event's start and end in the
    visitor's own zone, for the <time> element whose datetime is the start; nothing for events
    known by date or month only: `<time datetime="..."{{ event|local_time }}>`."""
    if event.date_precision != DatePrecision.TIME:
        return ""
    return format_html(
        ' data-local-time data-end="{}" data-zone="{}" data-label="{}"',
        event.local_end.isoformat(),
        event.time_zone,
        _("your time"),
    )

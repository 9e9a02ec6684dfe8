from django import template

from .. import times

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
def event_zone(event):
    """'New York time (UTC-4)' at the event's start."""
    return f"{times.zone_label(event.time_zone)} ({times.utc_offset(event.local_start)})"


@register.filter
def event_place(event):
    """'Venue, City, Country' from what is known; 'Online' for online events."""
    parts = [event.venue, event.city, event.country.name if event.country_id else ""]
    return ", ".join(part for part in parts if part)

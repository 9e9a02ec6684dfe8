"""The event list's filters: readable codes in the address, as for case studies."""

import zoneinfo
from datetime import UTC, datetime

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from core.choice_cache import cached_choices
from core.content_language import with_translations
from core.filters import ChoiceFilter, FilterSet
from publishing.filters import linked_to
from taxonomy.filters import CountryFilter, RegionFilter
from taxonomy.models import Country

from .models import Event, EventFormat, EventKind


def published_event_countries(request=None):
    """Countries where a published event is held: the only useful choices."""
    return Country.objects.filter(
        Exists(Event.objects.published().filter(country=OuterRef("pk")))
    ).only(*with_translations(Country, "iso2", "name"))


def local_year(starts_at, time_zone):
    return starts_at.astimezone(zoneinfo.ZoneInfo(time_zone)).year


def published_event_years():
    """Years as the events give them: in each event's own time zone, not in UTC."""
    starts = Event.objects.published().values_list("starts_at", "time_zone")
    return sorted({local_year(*start) for start in starts}, reverse=True)


def event_year_choices():
    """The years of the published events, latest first: read on every use, from the choice
    cache (core/choice_cache.py)."""
    return [(year, str(year)) for year in cached_choices("event-years", published_event_years)]


class EventFilter(FilterSet):
    kind = ChoiceFilter(label=_("Kind of event"), choices=EventKind.choices)
    year = ChoiceFilter(
        label=_("Year"),
        choices=event_year_choices,
        method="filter_year",
        empty_label=_("Any year"),
    )
    format = ChoiceFilter(label=_("Format"), choices=EventFormat.choices)
    region = RegionFilter(field_name="country__region")
    country = CountryFilter(queryset=published_event_countries, cache_as="event-countries")
    theme = linked_to("themes")

    class Meta:
        model = Event
        fields = []

    def filter_year(self, queryset, name, year):
        """Events that start in `year` in their own time zone. UTC offsets run from -12 to +14
        hours, so the database narrows to a UTC window a day wider on each side, and the
        events in it are checked one by one (one small query, whatever the year)."""
        year = int(year)
        window = queryset.filter(
            starts_at__gte=datetime(year - 1, 12, 31, tzinfo=UTC),
            starts_at__lt=datetime(year + 1, 1, 2, tzinfo=UTC),
        ).values_list("pk", "starts_at", "time_zone")
        return queryset.filter(pk__in=[pk for pk, *start in window if local_year(*start) == year])

"""Events as CSV, XLSX and JSON files (publishing/downloads.py): the upcoming or the past events
at /events/ with their filters, every page at once."""

from django.db.models import Prefetch

from core.content_language import with_translations
from publishing.downloads import ListDownloadView, moment
from taxonomy.models import SDG, Organisation, Theme

from .models import Event
from .views import EventListView


class EventDownloadView(ListDownloadView):
    list_view = EventListView
    columns = (
        "kind",
        "format",
        "starts_at",
        "ends_at",
        "time_zone",
        "date_precision",
        "annual",
        "cancelled",
        "venue",
        "city",
        "country",
        "main_event_url",
        "organisers",
        "themes",
        "sdgs",
        "recording_url",
        "calendar_url",
    )

    def file_subject(self, list_view):
        return f"{list_view.when}-events"  # upcoming-events, past-events

    def for_download(self, records):
        # Never the online link: the event's page gives it to confirmed registrants only.
        return (
            records.select_related("country", "parent")
            .only(
                *with_translations(
                    Event,
                    "title",
                    "slug",
                    "summary",
                    "kind",
                    "format",
                    "starts_at",
                    "ends_at",
                    "time_zone",
                    "date_precision",
                    "annual",
                    "is_cancelled",
                    "venue",
                    "city",
                    "recording_url",
                    "published_at",
                    "country__iso2",
                    "parent__slug",
                    "parent__status",
                    "parent__published_at",
                )
            )
            .prefetch_related(
                Prefetch(
                    "organisers",
                    queryset=Organisation.objects.only(
                        *with_translations(Organisation, "name", "acronym")
                    ),
                ),
                Prefetch("themes", queryset=Theme.objects.only(*with_translations(Theme, "name"))),
                Prefetch("sdgs", queryset=SDG.objects.only("number")),
            )
        )

    def values(self, event):
        parent = event.parent
        return {
            "kind": event.kind,
            "format": event.format,
            # In the event's own time zone, as its page gives them; date_precision says whether
            # the times are the organisers' or stand for whole days (or a month).
            "starts_at": moment(event.local_start),
            "ends_at": moment(event.local_end),
            "time_zone": event.time_zone,
            "date_precision": event.date_precision,
            "annual": event.annual,
            "cancelled": event.is_cancelled,
            "venue": event.venue or None,
            "city": event.city or None,
            "country": event.country.iso2 if event.country_id else None,
            "main_event_url": self.absolute(parent.get_absolute_url())
            if parent is not None and parent.is_published()
            else None,
            "organisers": [str(organisation) for organisation in event.organisers.all()],
            "themes": [str(theme) for theme in event.themes.all()],
            "sdgs": [goal.number for goal in event.sdgs.all()],
            # As on the event's page: once the event has taken place.
            "recording_url": event.recording_url
            if event.recording_url and event.has_ended()
            else None,
            "calendar_url": self.absolute(event.get_ics_url()),
        }

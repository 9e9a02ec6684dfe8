from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from publishing.feeds import AtomMixin, PublishedFeed

from .models import Event
from .times import event_when


class EventFeed(PublishedFeed):
    """Newly published events (not the calendar: upcoming.ics lists those by date)."""

    model = Event
    list_url_name = "events:list"
    title = gettext_lazy("SSC Portal: events")
    description = gettext_lazy(
        "The newest events on South-South and triangular cooperation, with their dates."
    )
    fields = PublishedFeed.fields + (
        "starts_at",
        "ends_at",
        "time_zone",
        "date_precision",
        "is_cancelled",
    )

    def item_description(self, event):
        """The date in the event's own zone, as its page gives it, before the summary."""
        when = event_when(event)
        if event.is_cancelled:
            when = _("Cancelled: %(when)s") % {"when": when}
        return f"{when}\n\n{event.texts.summary}"


class EventAtomFeed(AtomMixin, EventFeed):
    pass

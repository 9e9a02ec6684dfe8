"""Keep each event's search index, and the event list's filter choices (countries, years), in
step with the data."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from publishing.choices import content_changed
from publishing.search import follow_links
from taxonomy.models import Country, Organisation, Theme

from .models import Event
from .search import INDEXED_FIELDS, refresh_search_index


def refresh(pks, using):
    refresh_search_index(Event.objects.using(using).filter(pk__in=pks))


@receiver(post_save, sender=Event)
def event_saved(sender, instance, raw, using, update_fields, **kwargs):
    if raw:  # loaddata: load_portal_content refreshes everything it loads
        return
    if update_fields is not None and not INDEXED_FIELDS.intersection(update_fields):
        return  # e.g. only the registration settings: the words are the same
    refresh([instance.pk], using)


follow_links(
    Event,
    refresh_search_index,
    linked=["organisers", "themes"],
    named={Country: ["country"], Organisation: ["organisers"], Theme: ["themes"]},
)

post_save.connect(content_changed, sender=Event, dispatch_uid="choices-Event")
post_delete.connect(content_changed, sender=Event, dispatch_uid="choices-Event-delete")

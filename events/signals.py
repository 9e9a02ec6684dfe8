"""Keep each event's search index, and the event list's filter choices (countries, years), in
step with the data."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from publishing.choices import content_changed
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


@receiver(m2m_changed, sender=Event.organisers.through)
@receiver(m2m_changed, sender=Event.themes.through)
def named_relation_changed(sender, instance, action, reverse, pk_set, using, **kwargs):
    if reverse and action == "pre_clear":
        # theme.events.clear(): afterwards nothing says which events it had; note them now.
        links = sender.objects.using(using).filter(**{instance._meta.model_name: instance.pk})
        instance._search_cleared_events = list(links.values_list("event_id", flat=True))
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        refresh([instance.pk], using)
    elif action == "post_clear":
        refresh(instance.__dict__.pop("_search_cleared_events", []), using)
    elif pk_set:  # theme.events.add(...): the events are in pk_set
        refresh(pk_set, using)


@receiver(post_save, sender=Country)
@receiver(post_save, sender=Organisation)
@receiver(post_save, sender=Theme)
def name_changed(sender, instance, created, raw, using, **kwargs):
    """A renamed country, organisation or theme: the events that name it are found by the new
    name."""
    if raw or created:
        return
    field = {Country: "country", Organisation: "organisers", Theme: "themes"}[sender]
    refresh_search_index(Event.objects.using(using).filter(**{field: instance}))


post_save.connect(content_changed, sender=Event, dispatch_uid="choices-Event")
post_delete.connect(content_changed, sender=Event, dispatch_uid="choices-Event-delete")

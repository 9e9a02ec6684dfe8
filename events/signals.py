"""Keep the event list's filter choices (countries, years) in step with the events."""

from django.db.models.signals import post_delete, post_save

from publishing.choices import content_changed

from .models import Event

post_save.connect(content_changed, sender=Event, dispatch_uid="choices-Event")
post_delete.connect(content_changed, sender=Event, dispatch_uid="choices-Event-delete")

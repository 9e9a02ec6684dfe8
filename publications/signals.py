"""Keep each publication's file size, search index and the list's filter choices in step with
the data."""

import contextlib

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from publishing.choices import content_changed
from taxonomy.models import Organisation, Theme

from .models import Publication
from .search import refresh_search_index


@receiver(pre_save, sender=Publication)
def measure_document(sender, instance, raw, **kwargs):
    """`document_size` for the download button, measured once, when the file comes in."""
    document = instance.document
    if not document:
        instance.document_size = None
    elif not document._committed:
        instance.document_size = document.size  # the upload, before it is stored
    elif instance.document_size is None and not raw:
        with contextlib.suppress(OSError):  # a missing file: no size to show
            instance.document_size = document.size  # asks the storage


def refresh(pks, using):
    refresh_search_index(Publication.objects.using(using).filter(pk__in=pks))


@receiver(post_save, sender=Publication)
def publication_saved(sender, instance, raw, using, **kwargs):
    if not raw:  # loaddata: load_portal_content refreshes everything it loads
        refresh([instance.pk], using)
    content_changed()


@receiver(m2m_changed, sender=Publication.publishers.through)
@receiver(m2m_changed, sender=Publication.authors.through)
@receiver(m2m_changed, sender=Publication.themes.through)
def named_relation_changed(sender, instance, action, reverse, pk_set, using, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if sender is Publication.publishers.through:
        content_changed()  # the publisher filter offers the publishers of published records
    if not reverse:
        refresh([instance.pk], using)
    elif pk_set:  # organisation.publications_published.add(...): the publications are in pk_set
        refresh(pk_set, using)


@receiver(post_save, sender=Organisation)
@receiver(post_save, sender=Theme)
def name_changed(sender, instance, created, raw, using, **kwargs):
    """A renamed organisation or theme: the publications that name it are found by the new name."""
    if raw or created:
        return
    if sender is Organisation:
        named = Publication.objects.filter(publishers=instance) | Publication.objects.filter(
            authors=instance
        )
    else:
        named = Publication.objects.filter(themes=instance)
    refresh(set(named.using(using).values_list("pk", flat=True)), using)


post_delete.connect(content_changed, sender=Publication, dispatch_uid="choices-Publication-delete")

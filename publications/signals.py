"""Keep each publication's file size, search index and the list's filter choices in step with
the data."""

import contextlib

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from publishing.choices import content_changed
from publishing.search import follow_links
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


follow_links(
    Publication,
    refresh_search_index,
    linked=["publishers", "authors", "themes"],
    named={Organisation: ["publishers", "authors"], Theme: ["themes"]},
)


@receiver(m2m_changed, sender=Publication.publishers.through)
def publishers_changed(sender, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        content_changed()  # the publisher filter offers the publishers of published records


post_delete.connect(content_changed, sender=Publication, dispatch_uid="choices-Publication-delete")

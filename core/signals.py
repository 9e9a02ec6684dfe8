"""The portal's one signal of change.

`content_changed` is sent whenever something the public may see could have changed: a case
study, event or publication saved, deleted or linked differently, or the reference data their
pages and filters show (publishing.content sends it for every content type it registers). Caches
of anything built from content listen to it and forget what they hold; a sender needs to know
none of them.
"""

from django.dispatch import Signal

content_changed = Signal()


def send_content_changed(sender=None, **kwargs):
    """Tell every listener that content changed; usable as a receiver of Django's model signals
    (post_save, post_delete, m2m_changed) as well as called directly."""
    content_changed.send(sender=sender)

"""The portal's one signal of change.

`content_changed` is sent whenever something the public may see could have changed: a case
study, event or publication saved, deleted or linked differently, or the reference data their
pages and filters show (publishing.content sends it for every content type it registers). Caches
of anything built from content listen to it and forget what they hold; a sender needs to know
none of them.

A change made of many saves (a pending revision approved, publishing/staging.py) holds the
signal while it works (`content_changed_held()`) and sends it once at the end; a change that is
rolled back (a preview) sends it never.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.dispatch import Signal

content_changed = Signal()

# The senders of the signals held back in this context, or None when none are held.
_held = ContextVar("content_changed_held", default=None)


def send_content_changed(sender=None, **kwargs):
    """Tell every listener that content changed; usable as a receiver of Django's model signals
    (post_save, post_delete, m2m_changed) as well as called directly."""
    held = _held.get()
    if held is not None:
        held.append(sender)
        return
    content_changed.send(sender=sender)


@contextmanager
def content_changed_held():
    """Within: `content_changed` is not sent; the list yielded gathers the senders of the
    signals held back, for the caller to send one signal, or none, when it is done."""
    held = []
    token = _held.set(held)
    try:
        yield held
    finally:
        _held.reset(token)

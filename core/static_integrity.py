"""Subresource Integrity for the portal's own static files.

The browser runs a script only when its bytes match the hash on the <script> element, so the hash
is taken from exactly the file the static files are served from: the content-hashed copy that
collectstatic stored (CompressedManifestStaticFilesStorage, served by WhiteNoise in production),
or the file the staticfiles finders find when nothing is collected (development and tests).
"""

import base64
import functools
import hashlib

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage


def served_bytes(path):
    """The bytes served at `{% static path %}`."""
    storage = staticfiles_storage
    # A manifest storage serves the hashed name except under DEBUG, as its url() does.
    if hasattr(storage, "stored_name") and not settings.DEBUG:
        with storage.open(storage.stored_name(path)) as stored:
            return stored.read()
    found = finders.find(path)
    if found:
        with open(found, "rb") as source:
            return source.read()
    with storage.open(path) as stored:
        return stored.read()


def integrity(content):
    """The integrity attribute's value for `content`: 'sha384-' and its base64 SHA-384."""
    return "sha384-" + base64.b64encode(hashlib.sha384(content).digest()).decode("ascii")


@functools.cache
def _cached_integrity(path, storage_class, static_root):
    return integrity(served_bytes(path))


def static_integrity(path):
    """The integrity value of the static file at `path`, read once per process. Under DEBUG it
    is read on every call, so an edited script is never refused for an old hash."""
    if settings.DEBUG:
        return integrity(served_bytes(path))
    # Keyed by the storage too, so that settings changed in tests are never answered from the
    # cache of another storage.
    storage = staticfiles_storage.__class__
    return _cached_integrity(
        path, f"{storage.__module__}.{storage.__qualname__}", str(settings.STATIC_ROOT)
    )

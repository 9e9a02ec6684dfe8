"""An address of the portal in another of its languages, as Django's `translate_url` gives it,
for the language menus and the `hreflang` links every page shows (seven per page).

`translate_url` resolves the path and reverses it in the other language: the resolving was a
tenth of a list page's time. The URL configuration does not change while a process runs, so the
path part is worked out once per (URL configuration, active language, path, language) and kept,
a bounded number of them; the query and the fragment are put back as they came.
"""

from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.urls import get_urlconf, translate_url
from django.utils.translation import get_language


@lru_cache(maxsize=4096)
def _translated_path(urlconf, active, path, code):
    del urlconf, active  # parts of the key: translate_url reads them itself
    return translate_url(path, code)


def in_language(url, code):
    """`url` (a path, or an absolute address of this site) in the language `code`: the same
    address when it has no version in other languages."""
    parts = urlsplit(url)
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    path = _translated_path(urlconf, get_language(), parts.path, code)
    return urlunsplit(parts._replace(path=path))

"""Whole public pages kept in the shared cache for visitors without a session.

A visitor who has no session cookie sees exactly what every other such visitor sees at the same
address and in the same language, so the page a view renders for one of them can be answered to
the next from the default cache (Redis in production, shared by every server) without touching
the database or the templates.

What is stored, and when:
- only pages whose view opted in (`page_cache = True` on a view class or a feed, or a function
  view wrapped in `public_page`), answered to a GET or HEAD with status 200, an HTML, XML, feed,
  calendar or plain-text body of at most MAX_BYTES, and none of: a Cache-Control of private,
  no-store or no-cache (staff previews, registrants' pages), a cookie set, a Vary header of the
  view's own, a streamed or file body, a session written or a message added during the view;
- never for a request with a session cookie (staff, anyone logged in) or a messages cookie (a
  message is waiting to be shown), or with an Authorization header.

The key holds the active language and a hash of the full address (scheme, host, path and query
string); the entry holds the content version (core/choice_cache.py) it was rendered under, and
one round trip to the cache (`get_many`) reads both the entry and the current version. Every
`content_changed` replaces the version, so a change saved on one server retires the pages of all
servers at once: an entry of an older version is rendered anew and replaced. A scheduled
publication coming due, a registration opening or an event passing sends no signal:
PAGE_CACHE_SECONDS (the lifetime of an entry) bounds how late such a change shows.

A form's CSRF token belongs to one visitor: it is stored as a placeholder and every answer from
the cache carries a fresh token of the visitor's own (`get_token`), for which CsrfViewMiddleware,
outside this one, sets the visitor's cookie. Outer middleware (security headers, compression,
Vary, Content-Language, ...) works on every answer as usual: only the body, the content type and
the view's own headers are stored.

Every answer says what happened in its X-Page-Cache header: `hit` (from the cache), `miss`
(rendered and stored) or `bypass` (rendered and not stored: not cacheable, or the cache failed).
With PAGE_CACHE_SECONDS at 0 the middleware does nothing and adds no header. A cache that fails
never fails a page: the page is rendered as if there were no cache.
"""

import hashlib
import logging
import re
import time
import uuid
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpResponse
from django.middleware.csrf import CSRF_TOKEN_LENGTH, _unmask_cipher_token, get_token
from django.utils.translation import get_language

from .choice_cache import VERSION_KEY, content_version, new_content_version
from .signals import content_changed

logger = logging.getLogger(__name__)

HEADER = "X-Page-Cache"
HIT, MISS, BYPASS = "hit", "miss", "bypass"
# The bodies worth keeping: pages, sitemaps, feeds, calendar files, robots.txt.
CONTENT_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "application/xml",
        "text/xml",
        "application/rss+xml",
        "application/atom+xml",
        "text/calendar",
        "text/plain",
    }
)
# Larger bodies (a sitemap of many thousand addresses) are rendered each time.
MAX_BYTES = 1024 * 1024
# Recomputed on every answer by the outer middleware or for the body served.
NOT_STORED = frozenset({"content-length", HEADER.lower()})
UNCACHEABLE = frozenset({"private", "no-store", "no-cache"})
# A masked CSRF token: 64 letters and digits, not part of a longer run.
TOKEN = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{%d}(?![A-Za-z0-9])" % CSRF_TOKEN_LENGTH)
# At most one warning per process in this many seconds while the cache fails.
WARNING_INTERVAL = 60

_last_warning = 0.0


def public_page(view):
    """A function view whose answers to visitors without a session may be cached."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    wrapped.page_cache = True
    return wrapped


def view_opted_in(request):
    match = getattr(request, "resolver_match", None)
    if match is None:
        return False
    func = match.func
    opted_in = getattr(func, "page_cache", None)
    if opted_in is None:
        opted_in = getattr(getattr(func, "view_class", None), "page_cache", False)
    return bool(opted_in)


@receiver(content_changed, dispatch_uid="page-cache-version-after-commit")
def new_version_after_commit(**kwargs):
    """A change saved in a transaction replaces the content version at once (choice_cache), and
    a page rendered before the transaction commits still reads the old records: a second new
    version once it has committed retires such a page too."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return
    if any(entry[1] is new_content_version for entry in connection.run_on_commit):
        return  # one new version per transaction is enough
    transaction.on_commit(new_content_version, robust=True)


def _warn(action, error):
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= WARNING_INTERVAL:
        _last_warning = now
        logger.warning(
            "Page cache unavailable (%s failed: %r); serving pages uncached.", action, error
        )


class PageCacheMiddleware:
    """Answers visitors without a session from the shared cache (see the module's docstring).
    Its place is last in MIDDLEWARE: inside CsrfViewMiddleware, which sets the cookie of the
    token put into a cached page, and inside everything that adds headers per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds or seconds < 0:
            return self.get_response(request)
        if not self.may_answer_from_cache(request):
            return self.mark(self.get_response(request), BYPASS)
        key = f"page:{self.page_key(request)}"
        try:
            # The entry and the current content version in one round trip.
            found = cache.get_many([key, VERSION_KEY])
            version = found.get(VERSION_KEY) or content_version()
            if version is None:
                raise LookupError("no content version")
        except Exception as error:  # noqa: BLE001 - a cache failure must not fail the page
            _warn("read", error)
            return self.mark(self.get_response(request), BYPASS)
        entry = found.get(key)
        # Else none, one of an older content version, or one stored by another release.
        if isinstance(entry, tuple) and len(entry) == 4 and entry[0] == version:
            return self.answer(request, entry[1:])
        response = self.get_response(request)
        entry = self.entry(request, response)
        if entry is None:
            return self.mark(response, BYPASS)
        try:
            cache.set(key, (version, *entry), seconds)
        except Exception as error:  # noqa: BLE001
            _warn("write", error)
            return self.mark(response, BYPASS)
        return self.mark(response, MISS)

    @staticmethod
    def may_answer_from_cache(request):
        if request.method not in ("GET", "HEAD"):
            return False
        cookies = request.COOKIES
        if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
            return False
        return "HTTP_AUTHORIZATION" not in request.META

    @staticmethod
    def page_key(request):
        """The language and a hash of the full address (scheme, host, path, query string)."""
        address = request.build_absolute_uri().encode("utf-8", "surrogateescape")
        return f"{get_language()}:{hashlib.sha256(address).hexdigest()}"

    @staticmethod
    def mark(response, outcome):
        response[HEADER] = outcome
        return response

    def answer(self, request, entry):
        body, headers, placeholder = entry
        if placeholder is not None:
            body = body.replace(placeholder, get_token(request).encode())
        response = HttpResponse(body)
        for name, value in headers:
            response[name] = value
        return self.mark(response, HIT)

    def entry(self, request, response):
        """(body, the view's headers, the CSRF placeholder or None) when the page may be kept."""
        if (
            response.status_code != 200
            or response.streaming
            or response.cookies
            or not view_opted_in(request)
            or response.has_header("Vary")
        ):
            return None
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type not in CONTENT_TYPES:
            return None
        cache_control = response.get("Cache-Control", "").lower()
        directives = {part.split("=")[0].strip() for part in cache_control.split(",")}
        if directives & UNCACHEABLE:
            return None
        session = getattr(request, "session", None)
        if session is not None and session.modified:
            return None  # the session middleware will set a cookie: this answer is personal
        if getattr(getattr(request, "_messages", None), "added_new", False):
            return None
        body = response.content
        if len(body) > MAX_BYTES:
            return None
        placeholder = None
        secret = request.META.get("CSRF_COOKIE")
        if secret:
            body, placeholder = self.without_tokens(body, secret)
        headers = [
            (name, value) for name, value in response.items() if name.lower() not in NOT_STORED
        ]
        return body, headers, placeholder

    @staticmethod
    def without_tokens(body, secret):
        """The body with every CSRF token of this visitor replaced by a placeholder unique to
        the entry, and the placeholder (None when the body holds no token)."""
        placeholder = f"csrf-token-{uuid.uuid4().hex}".encode()
        found = False

        def replace(match):
            nonlocal found
            if _unmask_cipher_token(match.group().decode()) != secret:
                return match.group()
            found = True
            return placeholder

        body = TOKEN.sub(replace, body)
        return body, (placeholder if found else None)

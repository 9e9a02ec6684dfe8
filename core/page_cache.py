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
string); the entry holds the content version (core/choice_cache.py) it was rendered under and
when. Every `content_changed` replaces the version, so a change saved on one server retires the
pages of all servers at once: an entry of an older version is rendered anew and replaced. A
scheduled publication coming due, a registration opening or an event passing sends no signal:
PAGE_CACHE_SECONDS (the lifetime of an entry) bounds how late such a change shows.

A page may also show a part that changes far more often than content and on that page alone
(an event's places left, changed by every registration confirmed): its view names the part
(`depends_on`), the entry keeps the part's version as the view saw it before reading the
database, and `part_changed` replaces that version alone, retiring the pages that show the part
and no other page or cached list. An entry with parts costs one round trip to the shared cache
to check them, even when the page is kept in the process's memory.

Where the pages are read from. With Redis, each process learns of every new version from the
announcements core/version_watch.py receives, and keeps the pages it answered lately in its own
memory as well (LocalPages, PAGE_CACHE_LOCAL_BYTES): a page kept there, under the current
version, is answered without a round trip to Redis. Else the entry is read from Redis; and while
announcements are not received (no subscription: Redis was away, or the cache is local memory),
one round trip (`get_many`) reads both the entry and the current version.

Two middleware share the work. PageCacheEntryMiddleware, last in MIDDLEWARE, sees the view's
own answer and judges whether it may be kept. PageCacheMiddleware, early in MIDDLEWARE (inside the
request id, the security headers and compression, outside the session, language, CSRF,
authentication, messages and clickjacking middleware), answers from the cache and stores a page
with the headers those inner layers gave it (Content-Language, Vary, X-Frame-Options): for a
visitor without a session their work is the same every time, and an answer from the cache skips
it. The outer layers work on every answer as usual.

A form's CSRF token belongs to one visitor: it is stored as a placeholder, and every answer from
the cache carries a fresh token of the visitor's own (core/csrf_token.py), whose cookie is set by
CsrfViewMiddleware's own code, as it would have been had the page been rendered.

Every answer says what happened in its X-Page-Cache header: `hit` (from the cache), `miss`
(rendered and stored) or `bypass` (rendered and not stored: not cacheable, or the cache failed).
With PAGE_CACHE_SECONDS at 0 the middleware does nothing and adds no header. A cache that fails
never fails a page: the page is rendered as if there were no cache.
"""

import hashlib
import logging
import re
import threading
import time
import uuid
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpResponse
from django.middleware.csrf import (
    CSRF_TOKEN_LENGTH,
    CsrfViewMiddleware,
    _unmask_cipher_token,
)
from django.utils import translation
from django.utils.translation import get_language

from .choice_cache import VERSION_KEY, content_version, new_content_version, watcher
from .csrf_token import token_for
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

# (content version, time stored, body, headers, CSRF placeholder or None, parts: a tuple of
# (key, version) pairs, see `depends_on`)
ENTRY_LENGTH = 6
PART_PREFIX = "portal:page-part:"


class LocalPages:
    """The pages of the shared cache this process answered lately, kept in its own memory (at
    most PAGE_CACHE_LOCAL_BYTES of bodies, the least recently answered dropped first) so that
    an answer from the cache needs no round trip to Redis. An entry is good only under the
    version the announcements say is current (core/version_watch.py) and for PAGE_CACHE_SECONDS
    after it was rendered, as in the shared cache; a new version empties the whole store."""

    def __init__(self):
        self.lock = threading.Lock()
        self.entries = OrderedDict()
        self.size = 0
        self.version = None

    def get(self, key, version, seconds):
        with self.lock:
            if version != self.version:
                self._clear()
                self.version = version
                return None
            entry = self.entries.get(key)
            if entry is None:
                return None
            if entry[1] + seconds <= time.time():
                self._remove(key)
                return None
            self.entries.move_to_end(key)
            return entry

    def put(self, key, entry):
        budget = settings.PAGE_CACHE_LOCAL_BYTES
        size = len(entry[2])
        with self.lock:
            if entry[0] != self.version or size > budget:
                return
            if key in self.entries:
                self._remove(key)
            self.entries[key] = entry
            self.size += size
            while self.size > budget:
                self._remove(next(iter(self.entries)))

    def _remove(self, key):
        self.size -= len(self.entries.pop(key)[2])

    def _clear(self):
        self.entries.clear()
        self.size = 0

    def clear(self):
        with self.lock:
            self._clear()
            self.version = None


local_pages = LocalPages()


@receiver(setting_changed, dispatch_uid="page-cache-forget-on-new-cache")
def forget_on_new_cache(setting, **kwargs):
    """Another cache (tests): what this process knew of the last one no longer holds."""
    if setting in ("CACHES", "PAGE_CACHE_SECONDS"):
        local_pages.clear()
        watcher.forget()


def public_page(view):
    """A function view whose answers to visitors without a session may be cached."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    wrapped.page_cache = True
    return wrapped


def part_key(name):
    return f"{PART_PREFIX}{name}"


def depends_on(request, name):
    """The page answered to `request` shows the part `name`: its cached copy is answered only
    while `part_changed(name)` has not been called since. Call it before the view reads what
    the part shows, so that a change committed while the page is rendered retires it too."""
    if not settings.PAGE_CACHE_SECONDS or settings.PAGE_CACHE_SECONDS < 0:
        return
    key = part_key(name)
    try:
        version = cache.get(key)
        if version is None:
            cache.add(key, new_part_version(), timeout=None)
            version = cache.get(key)
    except Exception as error:  # noqa: BLE001 - the page is then rendered, never stored
        _warn("read", error)
        version = None
    parts = getattr(request, "_page_cache_parts", None)
    if parts is None:
        parts = request._page_cache_parts = {}
    parts[key] = version


def independent_of(request, name):
    """The page answered to `request` turned out not to show the part `name` after all."""
    getattr(request, "_page_cache_parts", {}).pop(part_key(name), None)


def part_changed(name):
    """Retire the cached pages that show the part `name` (`depends_on`), and no other. Call it
    once the change is committed."""
    try:
        cache.set(part_key(name), new_part_version(), timeout=None)
    except Exception as error:  # noqa: BLE001 - the pages then show the change within PAGE_CACHE_SECONDS
        _warn("write", error)


def new_part_version():
    return uuid.uuid4().hex


def parts_current(parts):
    """Whether every part of an entry still has the version the entry was rendered under."""
    if not parts:
        return True
    found = cache.get_many([key for key, _version in parts])
    return all(found.get(key) == version for key, version in parts)


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
    """Answers visitors without a session from the shared cache, and stores the pages that
    PageCacheEntryMiddleware found fit to keep (see the module's docstring).

    Its place in MIDDLEWARE is early: after the middleware that adds headers to every answer
    (request id, security headers, compression) and before the session, language, CSRF,
    authentication, messages and clickjacking middleware, whose work on a page for a visitor
    without a session is the same every time and is stored with the page: the answer from the
    cache skips it all."""

    def __init__(self, get_response):
        self.get_response = get_response
        # Reads the visitor's CSRF cookie and sets it when a page from the cache holds a token.
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request):
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds or seconds < 0:
            return self.get_response(request)
        if not self.may_answer_from_cache(request):
            return self.mark(self.get_response(request), BYPASS)
        language = self.language_of(request)
        key = f"page:{language}:{self.address_hash(request)}"
        # The version this process knows from the announcements, else the shared cache's.
        version = watcher.current()
        if version is not None:
            entry = local_pages.get(key, version, seconds)
            if entry is not None:
                try:
                    current = parts_current(entry[5])
                except Exception as error:  # noqa: BLE001
                    _warn("read", error)
                    return self.mark(self.get_response(request), BYPASS)
                if current:
                    return self.answer(request, *entry[2:5])
        try:
            if version is None:
                # The entry and the current content version in one round trip.
                found = cache.get_many([key, VERSION_KEY])
                version = found.get(VERSION_KEY) or content_version()
                entry = found.get(key)
            else:
                entry = cache.get(key)
            if version is None:
                raise LookupError("no content version")
            # Else none, one of an older content version or of older parts, or one stored by
            # another release.
            fresh = (
                isinstance(entry, tuple)
                and len(entry) == ENTRY_LENGTH
                and entry[0] == version
                and entry[1] + seconds > time.time()
                and parts_current(entry[5])
            )
        except Exception as error:  # noqa: BLE001 - a cache failure must not fail the page
            _warn("read", error)
            return self.mark(self.get_response(request), BYPASS)
        if fresh:
            local_pages.put(key, entry)
            return self.answer(request, *entry[2:5])
        response = self.get_response(request)
        entry = self.entry(request, response, language)
        if entry is None:
            return self.mark(response, BYPASS)
        entry = (version, time.time(), *entry)
        try:
            cache.set(key, entry, seconds)
        except Exception as error:  # noqa: BLE001
            _warn("write", error)
            return self.mark(response, BYPASS)
        local_pages.put(key, entry)
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
    def language_of(request):
        """The language LocaleMiddleware will activate: the address's prefix, and the default
        language for an address without one (i18n_patterns with prefix_default_language off)."""
        return translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE

    @staticmethod
    def address_hash(request):
        """A hash of the full address: scheme, host, path and query string."""
        address = (
            f"{request.scheme}://{request.get_host()}{request.path}"
            f"?{request.META.get('QUERY_STRING', '')}"
        )
        return hashlib.sha256(address.encode("utf-8", "surrogateescape")).hexdigest()

    @staticmethod
    def mark(response, outcome):
        response[HEADER] = outcome
        return response

    def answer(self, request, body, headers, placeholder):
        response = HttpResponse()
        for name, value in headers:
            response[name] = value
        if placeholder is not None:
            self.csrf.process_request(request)  # the visitor's own secret, if they have one
            body = body.replace(placeholder, token_for(request).encode())
            self.csrf.process_response(request, response)  # sets the cookie of that secret
        response.content = body
        response["Content-Length"] = str(len(body))
        return self.mark(response, HIT)

    @staticmethod
    def entry(request, response, language):
        """(body, headers, CSRF placeholder) to store for the response that left the inner
        middleware, or None. PageCacheEntryMiddleware left the body and placeholder on the
        request when the view's answer was fit to keep; the inner middleware may since have
        replaced the response, changed its status or set a cookie other than the CSRF one."""
        found = getattr(request, "_page_cache_entry", None)
        if found is None:
            return None
        view_response, view_language, body, placeholder = found
        if (
            response is not view_response
            or response.status_code != 200
            or view_language != language
            or set(response.cookies) - {settings.CSRF_COOKIE_NAME}
        ):
            return None
        parts = tuple(sorted(getattr(request, "_page_cache_parts", {}).items()))
        if any(version is None for _key, version in parts):
            return None  # a part's version could not be read
        headers = [
            (name, value) for name, value in response.items() if name.lower() not in NOT_STORED
        ]
        return body, headers, placeholder, parts


class PageCacheEntryMiddleware:
    """Judges whether the view's answer may be kept, and leaves what to keep on the request for
    PageCacheMiddleware. Its place is last in MIDDLEWARE, where the answer is still the view's
    own: its headers, cookies and Vary tell apart a page that is the same for every visitor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PAGE_CACHE_SECONDS and settings.PAGE_CACHE_SECONDS > 0:
            kept = self.kept(request, response)
            if kept is not None:
                request._page_cache_entry = (response, get_language(), *kept)
        return response

    def kept(self, request, response):
        """(body, CSRF placeholder or None) when the page may be kept."""
        if (
            request.method not in ("GET", "HEAD")
            or response.status_code != 200
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
            if settings.CSRF_USE_SESSIONS:
                return None  # the token belongs to a session
            body, placeholder = self.without_tokens(body, secret)
        return body, placeholder

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

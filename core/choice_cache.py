"""Filter choices kept in memory between requests.

A list page offers regions, countries, themes and goals to filter by; loading them from the
database on every request was half of its queries. Each process keeps the loaded lists, keyed
by the content version, a token in the shared cache (Redis in production) that every
`content_changed` signal replaces, and by the current period of PORTAL_CHOICE_CACHE_SECONDS (60
by default), so that a change no signal reports (a bulk update, a scheduled publication coming
due) shows within that time. Tests set it to None: there, only the content version counts, and a
query count cannot change because a minute went by.

Reference data (the apps of PORTAL_REFERENCE_APPS: countries, regions, goals...) changes far more
rarely than content, and only through saves that signal it. `cached_reference` keeps it by a
reference version of its own, which only a change of reference data replaces: a case study
saved or a registration made leaves the countries and the goals loaded.
"""

import bisect
import contextlib
import datetime
import hashlib
import math
import threading
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.dispatch import receiver
from django.utils.translation import get_language

from .signals import content_changed
from .version_watch import CHANNEL, VersionWatcher

VERSION_KEY = "portal:content-version"
REFERENCE_KEY = "portal:reference-version"
_lock = threading.Lock()
_loaded = {}
# The reference version as of each content version this process has met: a change of reference
# data replaces both versions, the reference one first, so a new content version is the only
# moment the reference version needs reading again.
_reference_seen = {}


def new_version():
    """A content version: the moment it was made, in whole seconds, and a random part. A
    version thus says when content last changed (version_time), as Last-Modified needs."""
    return f"{int(time.time())}-{uuid.uuid4().hex}"


def version_time(version):
    """The moment (a Unix timestamp) `version` was made."""
    moment, _, _ = str(version).partition("-")
    return int(moment) if moment.isdigit() else None


def content_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, new_version(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def is_reference(sender):
    """Whether a change sent by `sender` may be a change of reference data: a model of a
    reference app, or a change that does not say what it is."""
    meta = getattr(sender, "_meta", None)
    if meta is None:
        return True
    return meta.app_label in getattr(settings, "PORTAL_REFERENCE_APPS", ())


@receiver(content_changed, dispatch_uid="choice-cache-new-version")
def new_content_version(sender=None, **kwargs):
    """Every process reloads its choices on its next request, and renders its cached pages
    anew: the version is replaced, then the change announced (core/version_watch.py). A change
    of reference data replaces the reference version before."""
    if is_reference(sender):
        cache.set(REFERENCE_KEY, new_version(), timeout=None)
    cache.set(VERSION_KEY, new_version(), timeout=None)
    announce = getattr(cache, "announce", None)
    if announce is not None:
        announce(CHANNEL)


# The version as this process knows it (None: ask the cache), for what is read on every request.
watcher = VersionWatcher(content_version)


def cached_choices(name, load):
    """The list `load()` returns, loaded at most once per content version and period."""
    period = getattr(settings, "PORTAL_CHOICE_CACHE_SECONDS", 60)
    try:
        version = watcher.current() or content_version()
    except Exception:  # a cache that fails rather than misses: load, and keep nothing
        return list(load())
    return _kept((name, version, int(time.time() // period) if period else 0), load)


def _kept(slot, load):
    """The list kept in `slot` (its name first), loaded if it is not; older slots of the same
    name are dropped."""
    objects = _loaded.get(slot)
    if objects is None:
        objects = list(load())
        with _lock:
            for stale in [key for key in _loaded if key[0] == slot[0] and key != slot]:
                del _loaded[stale]
            _loaded[slot] = objects
    return objects


def reference_version():
    """The version of the reference data: read from the shared cache once per content version."""
    content = watcher.current() or content_version()
    known = _reference_seen.get(content)
    if known is None:
        known = cache.get(REFERENCE_KEY)
        if known is None:
            cache.add(REFERENCE_KEY, new_version(), timeout=None)
            known = cache.get(REFERENCE_KEY)
        with _lock:
            _reference_seen.clear()
            _reference_seen[content] = known
    return known


def cached_reference(name, load):
    """The list `load()` returns, loaded at most once per reference version: for lists of
    reference data alone (all countries, all goals), never for what depends on content."""
    try:
        version = reference_version()
    except Exception:  # a cache that fails rather than misses: load, and keep nothing
        return list(load())
    return _kept((f"reference:{name}", version), load)


# Functions that return the moments (datetimes) after `since` (a datetime) at which content
# scheduled for later becomes public: publishing registers one (publishing/apps.py).
_due_loaders = []
# The publication moments of scheduled content, as timestamps in order, in the shared cache.
DUE_KEY = "portal:due-moments"


def register_due_moments(load):
    _due_loaders.append(load)


def _load_due_moments(since):
    since = datetime.datetime.fromtimestamp(since, tz=datetime.UTC)
    return sorted(moment.timestamp() for load in _due_loaders for moment in load(since))


def _shared_due_moments(version):
    """The publication moments from the shared cache; loaded (one query: those after `version`
    was made) and put there when missing, and again after PORTAL_CHOICE_CACHE_SECONDS, for a
    publication date changed without a save (a bulk update)."""
    moments = cache.get(DUE_KEY)
    if moments is None:
        moments = _load_due_moments(version_time(version) or 0)
        cache.set(DUE_KEY, moments, timeout=cache_period())
    return moments


def note_due_moment(moment):
    """Adds `moment` (a datetime: a record saved as scheduled for then) to the shared list,
    without a query, before the save's `content_changed` makes the processes read it again.
    Two saves at the same instant in two processes may keep one moment only: the other shows
    within PORTAL_CHOICE_CACHE_SECONDS, when the list is loaded again."""
    with contextlib.suppress(Exception):  # a cache that fails keeps nothing
        moments = cache.get(DUE_KEY)
        if moments is not None and moment.timestamp() not in moments:
            moments = sorted([*moments, moment.timestamp()])
            cache.set(DUE_KEY, moments, timeout=cache_period())


def _due_moments(version):
    """The publication moments of scheduled content, read once per content version and period
    by each process; none when the database is out of reach."""
    from django.db import DatabaseError

    period = getattr(settings, "PORTAL_CHOICE_CACHE_SECONDS", 60)
    slot = ("due-moments", version, int(time.time() // period) if period else 0)
    try:
        return _kept(slot, lambda: _shared_due_moments(version))
    except DatabaseError:
        return []


def due_epoch():
    """How many publication moments have come since the content version was made: 0 until the
    first scheduled record becomes public, then 1... A part of the key of what is kept for the
    content version, so that a record scheduled for 9:00 is on the kept lists and counts from
    9:00, although no signal said so. Each process reads the moments once per content version
    and period; a database out of reach counts as none due."""
    version = watcher.current() or content_version()
    moments = _due_moments(version)
    made = version_time(version) or 0
    return bisect.bisect_right(moments, time.time()) - bisect.bisect_right(moments, made)


def content_changed_at():
    """When content last changed as the public sees it (a Unix timestamp): when the content
    version was made or, if later, the last scheduled publication moment that has come since.
    The Last-Modified of an answer that depends on content alone. None if the version does
    not say."""
    version = watcher.current() or content_version()
    made = version_time(version)
    if made is None:
        return None
    moments = _due_moments(version)
    passed = moments[: bisect.bisect_right(moments, time.time())]
    return max([made, *(math.ceil(moment) for moment in passed)])


def content_state():
    """The content version and the due epoch: what is kept for the content as the public sees
    it at this moment."""
    version = watcher.current() or content_version()
    if version is None:
        raise LookupError("no content version: the cache cannot be read")
    return f"{version}.{due_epoch()}"


RESULT_PREFIX = "portal:result"
CARD_PREFIX = "portal:card"


def cache_period():
    """How long what depends on content is kept at most (PORTAL_CHOICE_CACHE_SECONDS): None,
    for as long as the content version stays."""
    return getattr(settings, "PORTAL_CHOICE_CACHE_SECONDS", 60) or None


def card_keys(records, variant=""):
    """The cache keys of the cards of `records` (of one model) in a list: their model and key,
    the page's language, the content version, which every `content_changed` replaces, and
    `variant`, what else the card shows depends on (an event's card on the list of past or of
    upcoming events). The version is read once for all."""
    version = watcher.current() or content_version()
    language = get_language()
    return [
        f"{CARD_PREFIX}:{record._meta.label_lower}:{record.pk}:{language}:{version}:{variant}"
        for record in records
    ]


FRAGMENT_PREFIX = "portal:fragment"


def fragment_key(name, parts):
    """The cache key of a template fragment ({% fragment %}) named `name` for `parts` (what it
    shows depends on), in the page's language, for the content version and due epoch."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"{FRAGMENT_PREFIX}:{name}:{get_language()}:{content_state()}:{digest}"


# How long one process may take to load a result others wait for (stale_ok): after that,
# another may load it too.
LOADING_SECONDS = 30
# Figures where exactness does not matter (`stale_ok`) are kept this long for one content state,
# rather than PORTAL_CHOICE_CACHE_SECONDS: loading them again is then rare under load (each load
# of a large list's figures takes a request's worth of time), and a change no signal reports
# (a bulk update) still shows within the hour.
STALE_OK_SECONDS = 60 * 60
# How long the last value of a result stays available to be shown while it is loaded again.
LAST_VALUE_SECONDS = 24 * 60 * 60


def result_key(name, parts):
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"{RESULT_PREFIX}:{name}:{content_state()}:{digest}"


def kept_result(name, parts):
    """What cached_result keeps for `name` and `parts`, or None: not there, or a cache that
    fails. For a caller that loads it together with something else (keep_result)."""
    try:
        return cache.get(result_key(name, parts))
    except Exception:
        return None


def keep_result(name, parts, value, stale_ok=False):
    with contextlib.suppress(Exception):  # a cache that fails keeps nothing
        cache.set(result_key(name, parts), value, timeout=kept_for(stale_ok))


def kept_for(stale_ok):
    """How long a result is kept: PORTAL_CHOICE_CACHE_SECONDS, or with `stale_ok` (figures
    where exactness does not matter) at least STALE_OK_SECONDS."""
    period = cache_period()
    if stale_ok and period is not None:
        period = max(period, STALE_OK_SECONDS)
    return period


def cached_result(name, parts, load, stale_ok=False):
    """What `load()` returns for the request described by `parts` (its filters, say), kept in
    the shared cache for the content version and due epoch (so every `content_changed`
    replaces it) and at most PORTAL_CHOICE_CACHE_SECONDS (STALE_OK_SECONDS with `stale_ok`):
    figures of a filtered list, the same for every visitor who asks for the same filters. A
    cache that fails is not used.

    With `stale_ok` (figures where exactness does not matter, and that take long to load),
    while one process loads the value anew (after a change, or when its time is up), the
    other requests for it are answered with its last value instead of all loading it at once;
    a request finds nothing older only the first time ever, and then loads it too."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    try:
        key = result_key(name, parts)
        last_key = f"{RESULT_PREFIX}:{name}:last:{digest}"
        found = cache.get_many([key, last_key] if stale_ok else [key])
    except Exception:
        return load()
    if key in found:
        return found[key]
    if last_key in found:
        try:
            loading_elsewhere = not cache.add(f"{key}:loading", 1, timeout=LOADING_SECONDS)
        except Exception:
            loading_elsewhere = False
        if loading_elsewhere:
            return found[last_key]
    value = load()
    with contextlib.suppress(Exception):  # a cache that fails keeps nothing
        cache.set(key, value, timeout=kept_for(stale_ok))
        if stale_ok:
            cache.set(last_key, value, timeout=LAST_VALUE_SECONDS)
    return value


def forget_choices():
    """Drop every list this process holds (tests, after the database is rolled back)."""
    with _lock:
        _loaded.clear()
        _reference_seen.clear()

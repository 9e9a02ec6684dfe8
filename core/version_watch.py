"""The content version as this process knows it, kept current without asking Redis each time.

The content version (core/choice_cache.py) lives in the shared cache and every `content_changed`
replaces it. Reading it costs a round trip to Redis, more than the rest of a page answered from
the page cache. So, when the default cache is Redis, every new version is also announced on a
Redis channel (`FailsafeRedisCache.announce`), and each process keeps one connection subscribed
to it (`FailsafeRedisCache.subscribe`). `current()` looks, without waiting, for announcements
that have arrived on that connection: when there is one, or every RESYNC_SECONDS in any case, it
reads the version from Redis again; otherwise it answers the version it read last.

A change is announced by the server that saves it before that server answers the request that
saved it, and Redis has handed the announcement to every subscriber by then; so any page asked
afterwards, of any process of any server, is answered under the new version. The announcement
says only that the version changed: the version itself is always read from Redis, so two
changes announced out of order still end at the version Redis holds.

While there is no subscription (the cache is not Redis, Redis cannot be reached, the connection
was lost: it is opened again at most every RESUBSCRIBE_AFTER seconds), `current()` answers None
and the caller asks Redis as it would without this module. Any error closes the subscription:
an announcement missed while reconnecting cannot leave a stale version behind.
"""

import contextlib
import logging
import os
import threading
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)

CHANNEL = "portal:content-version"
# The version is read from Redis again at least this often, announced or not: a bound on how
# long a lost announcement (a connection dropped without a word) can go unnoticed.
RESYNC_SECONDS = 5.0
# After a failed or lost subscription, the next attempt waits this long.
RESUBSCRIBE_AFTER = 2.0


class VersionWatcher:
    """One process's subscription to the announcements of new content versions."""

    def __init__(self, read_version):
        self.read_version = read_version  # reads the version from the shared cache
        self.lock = threading.Lock()  # a subscription is not safe to share between threads
        self.pid = None
        self.subscription = None
        self.version = None
        self.read_at = 0.0
        self.next_attempt = 0.0

    def current(self):
        """The content version, or None when it must be asked of the shared cache."""
        with self.lock:
            if self.pid != os.getpid():  # new, or forked: the parent's connection is not ours
                self.subscription = None
                self.pid = os.getpid()
            try:
                return self._current()
            except Exception as error:  # noqa: BLE001 - any fault: back to asking the cache
                self._drop(error)
                return None

    def _current(self):
        now = time.monotonic()
        if self.subscription is None:
            if now < self.next_attempt:
                return None
            self.next_attempt = now + RESUBSCRIBE_AFTER
            subscribe = getattr(cache, "subscribe", None)
            if subscribe is None:
                return None  # not Redis: nothing is announced
            self.subscription = subscribe(CHANNEL)
            self.version = None
        announced = False
        while (message := self.subscription.get_message(timeout=0)) is not None:
            announced = announced or message.get("type") == "message"
        if announced or self.version is None or now >= self.read_at + RESYNC_SECONDS:
            self.version = self.read_version()
            self.read_at = now
            if self.version is None:
                raise LookupError("the content version could not be read")
        return self.version

    def _drop(self, error):
        if self.subscription is not None and error is not None:
            logger.info("Content version announcements lost (%r); asking the cache.", error)
        if self.subscription is not None:
            with contextlib.suppress(Exception):  # closing what already failed
                self.subscription.close()
        self.subscription = None
        self.version = None
        self.next_attempt = time.monotonic() + RESUBSCRIBE_AFTER

    def forget(self):
        """Close the subscription and forget the version (tests, after changing the cache)."""
        with self.lock:
            self._drop(None)
            self.next_attempt = 0.0

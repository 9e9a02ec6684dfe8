"""The content version announcements (core/version_watch.py) against a real redis-server: a new
version saved by another server is known at once without asking Redis on every request, the
version is read again after an announcement or RESYNC_SECONDS, and a lost subscription falls back
to asking the cache until it can be opened again."""

import logging
import time

import pytest
import redis

import core.version_watch
from core.cache import FailsafeRedisCache, forget_faults
from core.choice_cache import VERSION_KEY, content_version
from core.version_watch import CHANNEL, VersionWatcher
from devtools.servers import redis_caches


@pytest.fixture
def redis_cache(settings, redis_server):
    """The default cache is the test's own redis-server, as in production."""
    forget_faults()
    settings.CACHES = redis_caches(redis_server.url, "watch")
    yield redis_server
    forget_faults()


def other_server(url):
    """The cache as another server of the portal sees it: its own client, the same Redis."""
    return FailsafeRedisCache(url, {"KEY_PREFIX": "watch"})


def calls(url, command):
    stats = redis.Redis.from_url(url).info("commandstats")
    return stats.get(f"cmdstat_{command}", {}).get("calls", 0)


def known_within(watcher, version, seconds=2.0):
    """How long the watcher took to know `version` (None: not within `seconds`). Redis hands an
    announcement to the subscribers in the same turn as it answers the one who published it,
    but a subscriber may read it a moment after the publisher has its answer."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if watcher.current() == version:
            return time.monotonic() - start
        time.sleep(0.0005)
    return None


def test_a_version_saved_by_another_server_is_known_at_once(redis_cache):
    watcher = VersionWatcher(content_version)
    first = watcher.current()
    assert first is not None

    other = other_server(redis_cache.url)
    other.set(VERSION_KEY, "changed-elsewhere", timeout=None)
    assert other.announce(CHANNEL)

    took = known_within(watcher, "changed-elsewhere")
    assert took is not None and took < 0.5, took


def test_between_announcements_the_version_is_not_asked_of_redis(redis_cache):
    watcher = VersionWatcher(content_version)
    version = watcher.current()
    reads = calls(redis_cache.url, "get")

    assert all(watcher.current() == version for _ in range(200))

    assert calls(redis_cache.url, "get") == reads


def test_the_version_is_read_again_after_resync_seconds(redis_cache, monkeypatch):
    watcher = VersionWatcher(content_version)
    watcher.current()
    # Changed without an announcement (say, an announcement lost on the way).
    other_server(redis_cache.url).set(VERSION_KEY, "unannounced", timeout=None)
    assert watcher.current() != "unannounced"

    monkeypatch.setattr(core.version_watch, "RESYNC_SECONDS", 0)

    assert watcher.current() == "unannounced"


def test_announcements_of_another_database_or_prefix_are_not_heard(redis_cache):
    watcher = VersionWatcher(content_version)
    watcher.current()
    reads = calls(redis_cache.url, "get")
    another_database = redis_cache.url.rsplit("/", 1)[0] + "/3"
    elsewhere = FailsafeRedisCache(another_database, {"KEY_PREFIX": "watch"})
    other_prefix = FailsafeRedisCache(redis_cache.url, {"KEY_PREFIX": "another-portal"})

    assert elsewhere.announce(CHANNEL) and other_prefix.announce(CHANNEL)
    watcher.current()

    assert calls(redis_cache.url, "get") == reads


def test_with_redis_gone_it_answers_none_then_subscribes_again_when_back(
    redis_cache, monkeypatch, caplog
):
    monkeypatch.setattr(core.version_watch, "RESUBSCRIBE_AFTER", 0)
    watcher = VersionWatcher(content_version)
    assert watcher.current() is not None

    redis_cache.kill()
    with caplog.at_level(logging.INFO, logger="core.version_watch"):
        assert watcher.current() is None
    assert "announcements lost" in caplog.text
    assert watcher.current() is None  # no Redis to subscribe to

    redis_cache.start()
    forget_faults()  # the cache itself would wait RETRY_AFTER before asking again

    assert watcher.current() is not None


def test_a_subscription_is_not_tried_again_at_every_request(redis_cache):
    watcher = VersionWatcher(content_version)
    redis_cache.kill()

    assert watcher.current() is None
    redis_cache.start()
    forget_faults()

    assert watcher.current() is None  # RESUBSCRIBE_AFTER has not passed


def test_without_redis_there_is_nothing_to_watch(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert VersionWatcher(content_version).current() is None

"""The shared cache (Redis) as an aid, never a dependency: when Redis cannot be reached, every
page still answers, only without what the cache would have saved.

`FailsafeRedisCache` is Django's Redis backend with every operation guarded. An error from Redis
(refused or dropped connection, timeout, a server out of memory or read-only) makes the
operation answer as a miss:

    get -> the default             get_many -> {}            has_key, touch -> False
    add -> False (nothing added)   set -> False              set_many -> every key (failed)
    delete -> False                delete_many, clear -> nothing done
    incr -> delta, decr -> -delta  (as if the counter had just started at zero)

So a limit counted in the cache lets requests through while Redis is down rather than refusing
everyone, and `add`, which guards "at most once per interval", says no: nothing is done twice.

A dead Redis costs milliseconds, not seconds: connecting and reading time out quickly
(`socket_connect_timeout`, `socket_timeout`), and after a failed connection the process answers
misses without asking Redis for RETRY_AFTER seconds. The fault is logged as a WARNING when it
starts and then at most once every LOG_INTERVAL seconds per process, with the number of
operations answered as misses since; its end is logged once too. OPTIONS may set the socket
timeouts and these two (`"RETRY_AFTER"`, `"LOG_INTERVAL"`); every other option goes to redis-py.
"""

import logging
import threading
import time
from urllib.parse import urlsplit, urlunsplit

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis import Redis
from redis.backoff import NoBackoff
from redis.connection import parse_url
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

logger = logging.getLogger(__name__)

SOCKET_CONNECT_TIMEOUT = 0.25
SOCKET_TIMEOUT = 0.5
RETRY_AFTER = 2.0
LOG_INTERVAL = 60.0

# Redis cannot be reached at all: worth not asking again for a moment.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


def redacted(location):
    """The cache's address for the log, without a password."""
    addresses = []
    for address in location if isinstance(location, list | tuple) else [location]:
        parts = urlsplit(address)
        if parts.password is not None:
            host = parts.hostname or ""
            if parts.port is not None:
                host = f"{host}:{parts.port}"
            user = parts.username or ""
            parts = parts._replace(netloc=f"{user}:***@{host}")
        addresses.append(urlunsplit(parts))
    return ",".join(addresses)


class CacheFaults:
    """A process's record of one cache's faults, shared by the cache objects of all its threads:
    whether it is down, until when it is not asked, and what has been reported. At most one
    warning per LOG_INTERVAL, and one line when it is back after a warning, even when the
    cache flaps (for instance a Redis out of memory that answers reads and refuses writes)."""

    def __init__(self, name):
        self.name = name
        self.lock = threading.Lock()
        self.down = False
        self.skip_until = 0.0
        self.failed = 0  # operations answered as misses since the last warning
        self.failed_total = 0  # ... since the cache last answered
        self.reported_at = None  # when the last warning was written
        self.warned = False  # a warning since the cache last answered

    def skipping(self):
        """True while Redis is left alone after a failed connection (a miss is counted)."""
        if self.skip_until and time.monotonic() < self.skip_until:
            with self.lock:
                self.failed += 1
                self.failed_total += 1
            return True
        return False

    def failure(self, error, retry_after, log_interval):
        now = time.monotonic()
        with self.lock:
            self.failed += 1
            self.failed_total += 1
            if isinstance(error, UNREACHABLE) and retry_after:
                self.skip_until = now + retry_after
            starting, self.down = not self.down, True
            if self.reported_at is not None and now - self.reported_at < log_interval:
                return
            failed, since = self.failed, now - (self.reported_at or now)
            self.failed, self.reported_at, self.warned = 0, now, True
        if starting:
            logger.warning(
                "Cache %s failed (%s: %s): answering misses until it is back; "
                "reported at most every %g s",
                self.name,
                type(error).__name__,
                error,
                log_interval,
            )
        else:
            logger.warning(
                "Cache %s still failing (%s: %s): %d operations answered as misses "
                "in the last %.1f s",
                self.name,
                type(error).__name__,
                error,
                failed,
                since,
            )

    def success(self):
        if not self.down:  # the common case: no lock
            return
        with self.lock:
            if not self.down:
                return
            failed_total, warned = self.failed_total, self.warned
            self.down, self.warned = False, False
            self.skip_until = 0.0
            self.failed_total = 0
        if warned:
            logger.info(
                "Cache %s is back after %d operations answered as misses", self.name, failed_total
            )


_faults = {}
_faults_lock = threading.Lock()


def forget_faults():
    """Start every cache's record afresh (tests)."""
    with _faults_lock:
        _faults.clear()


def faults_of(location):
    key = location if isinstance(location, str) else ",".join(location)
    with _faults_lock:
        if key not in _faults:
            _faults[key] = CacheFaults(redacted(location))
        return _faults[key]


class ReusedClients(RedisCacheClient):
    """Django's Redis client maker, keeping one redis-py client per connection pool instead of
    building a new one for every operation (building one costs about as much as a round trip to
    Redis; a client is safe to share between threads, its pool hands out the connections)."""

    def __init__(self, servers, **options):
        super().__init__(servers, **options)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(
                connection_pool=self._get_connection_pool(index)
            )
        return client


class FailsafeRedisCache(RedisCache):
    """Django's Redis cache whose operations answer as misses while Redis fails (module
    docstring)."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.retry_after = float(options.pop("RETRY_AFTER", RETRY_AFTER))
        self.log_interval = float(options.pop("LOG_INTERVAL", LOG_INTERVAL))
        options.setdefault("socket_connect_timeout", SOCKET_CONNECT_TIMEOUT)
        options.setdefault("socket_timeout", SOCKET_TIMEOUT)
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = ReusedClients
        self.faults = faults_of(server)

    def _guarded(self, operation, miss, *args, **kwargs):
        if self.faults.skipping():
            return miss
        try:
            result = operation(*args, **kwargs)
        except RedisError as error:
            self.faults.failure(error, self.retry_after, self.log_interval)
            return miss
        self.faults.success()
        return result

    def count_hit(self, key, timeout):
        """Counts one more at `key`, created at 0 to last `timeout` seconds if missing: the new
        count, or None while Redis fails. One round trip (SET NX and INCR in one transaction),
        where add() and incr() take three (incr asks first whether the key exists)."""

        def hit():
            cache_key = self.make_and_validate_key(key)
            pipeline = self._cache.get_client(cache_key, write=True).pipeline()
            pipeline.set(cache_key, 0, ex=timeout, nx=True)
            pipeline.incr(cache_key)
            return pipeline.execute()[1]

        return self._guarded(hit, None)

    def ping(self):
        """Whether Redis answers now, asked even while misses are being answered (the health
        check); an answer ends the fault."""
        try:
            answered = bool(self._cache.get_client(write=True).ping())
        except RedisError as error:
            self.faults.failure(error, self.retry_after, self.log_interval)
            return False
        if answered:
            self.faults.success()
        return answered

    def channel(self, name):
        """A channel of this cache's own: its key prefix and database in the name (channels are
        shared by all the databases of a Redis server)."""
        database = self._options.get("db", parse_url(self._servers[0]).get("db", 0))
        return f"{self.make_key(name)}@{database}"

    def announce(self, name):
        """Publish a message on the channel `name` (core/version_watch.py); False if it failed."""
        return self._guarded(
            lambda: self._cache.get_client(write=True).publish(self.channel(name), b"1") >= 0,
            False,
        )

    def subscribe(self, name):
        """A redis-py PubSub subscribed to the channel `name`, the subscription confirmed. Its
        connection is its own, without retries: an error reaches the caller, which starts
        afresh rather than resubscribe behind its back and miss what came in between. Raises
        RedisError when Redis cannot be reached."""
        client = Redis.from_url(
            self._servers[0],
            socket_connect_timeout=SOCKET_CONNECT_TIMEOUT,
            socket_timeout=SOCKET_TIMEOUT,
            retry=Retry(NoBackoff(), 0),
        )
        subscription = client.pubsub()
        try:
            subscription.subscribe(self.channel(name))
            confirmed = subscription.get_message(timeout=SOCKET_TIMEOUT)
            if not confirmed or confirmed.get("type") != "subscribe":
                raise RedisConnectionError(f"subscription to {name} not confirmed")
        except BaseException:
            subscription.close()
            raise
        return subscription

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().add, False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._guarded(super().get, default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().set, False, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._guarded(super().delete, False, key, version)

    def get_many(self, keys, version=None):
        return self._guarded(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._guarded(super().has_key, False, key, version)

    def incr(self, key, delta=1, version=None):
        return self._guarded(super().incr, delta, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().set_many, list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._guarded(super().delete_many, None, keys, version)

    def clear(self):
        return self._guarded(super().clear, False)

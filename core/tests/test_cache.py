"""The failsafe Redis cache against a real redis-server that is killed and started again: every
operation answers as a miss while Redis is away, quickly, the fault is logged once per interval,
and the cache is used again once Redis is back."""

import logging
import re
import socket
import time

import pytest
import redis

from core.cache import FailsafeRedisCache, forget_faults, redacted


@pytest.fixture(autouse=True)
def _fresh_fault_records():
    forget_faults()
    yield
    forget_faults()


def failsafe_cache(location, **options):
    return FailsafeRedisCache(location, {"KEY_PREFIX": "test", "OPTIONS": options})


def warnings_of(caplog):
    return [r for r in caplog.records if r.name == "core.cache" and r.levelno == logging.WARNING]


def test_with_redis_up_the_cache_behaves_as_djangos_redis_cache(redis_server):
    cache = failsafe_cache(redis_server.url)

    assert cache.set("colour", "teal") is None
    assert cache.get("colour") == "teal"
    assert cache.add("colour", "red") is False
    assert cache.add("size", 3) is True
    assert cache.incr("size", 2) == 5
    assert cache.decr("size") == 4
    assert cache.get_many(["colour", "size", "absent"]) == {"colour": "teal", "size": 4}
    assert cache.set_many({"a": 1, "b": 2}) == []
    assert cache.has_key("a") is True
    assert cache.touch("a", 60) is True
    assert cache.delete("a") is True
    cache.delete_many(["b"])
    assert cache.get("b", "gone") == "gone"
    with pytest.raises(ValueError):
        cache.incr("absent")  # Django's rule for a missing counter stands while Redis answers
    assert cache.ping() is True
    assert cache.clear() is True


def test_with_redis_killed_every_operation_answers_as_a_miss(redis_server, caplog):
    cache = failsafe_cache(redis_server.url)
    cache.set("colour", "teal")
    redis_server.kill()
    caplog.set_level(logging.INFO, logger="core.cache")

    assert cache.get("colour") is None
    assert cache.get("colour", "default") == "default"
    assert cache.get_many(["colour", "size"]) == {}
    assert cache.add("colour", "red") is False
    assert cache.set("colour", "red") is False
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert cache.has_key("colour") is False
    assert cache.touch("colour") is False
    assert cache.delete("colour") is False
    assert cache.delete_many(["a", "b"]) is None
    assert cache.incr("hits", 3) == 3
    assert cache.decr("hits", 2) == -2
    assert cache.get_or_set("computed", lambda: 42) == 42
    assert cache.clear() is False
    assert cache.ping() is False

    [warning] = warnings_of(caplog)
    assert f"Cache redis://127.0.0.1:{redis_server.port}/0 failed (ConnectionError" in (
        warning.getMessage()
    )


def test_the_fault_is_logged_once_per_interval_with_the_count_and_its_end_once(
    redis_server, caplog
):
    caplog.set_level(logging.INFO, logger="core.cache")
    cache = failsafe_cache(redis_server.url, RETRY_AFTER=0, LOG_INTERVAL=0.5)
    cache.set("colour", "teal")
    redis_server.kill()

    for _ in range(50):
        assert cache.get("colour") is None
    assert len(warnings_of(caplog)) == 1
    time.sleep(0.6)
    for _ in range(7):
        cache.get("colour")
    first, second = warnings_of(caplog)
    assert "still failing" in second.getMessage()
    assert re.search(
        r"still failing \(ConnectionError: .*\): 50 operations answered as misses in the last "
        r"\d+\.\d s",
        second.getMessage(),
    ), second.getMessage()

    redis_server.start()
    assert cache.get("colour") is None  # started again empty
    assert cache.set("colour", "red") is None
    assert cache.get("colour") == "red"
    back = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert back == [
        f"Cache {redacted(redis_server.url)} is back after 57 operations answered as misses"
    ]


def test_a_redis_out_of_memory_answers_reads_misses_writes_and_is_reported_once(
    redis_server, caplog
):
    """Writes refused, reads answered: the cache flaps between failing and answering, and the log
    says so once, not on every request."""
    caplog.set_level(logging.INFO, logger="core.cache")
    cache = failsafe_cache(redis_server.url)
    cache.set("colour", "teal")
    redis.Redis.from_url(redis_server.url).config_set("maxmemory", 1)

    for _ in range(20):
        assert cache.set("colour", "red") is False
        assert cache.add("size", 3) is False
        assert cache.get("colour") == "teal"  # not left alone: only writes fail

    [warning] = warnings_of(caplog)
    assert "failed (OutOfMemoryError: command not allowed when used memory" in warning.getMessage()
    back = [r for r in caplog.records if r.levelno == logging.INFO]
    assert len(back) == 1


def test_every_cache_object_of_a_process_shares_one_record_of_the_fault(redis_server, caplog):
    """Django gives each thread its own cache object: the fault is still logged once."""
    caplog.set_level(logging.INFO, logger="core.cache")
    threads = [failsafe_cache(redis_server.url) for _ in range(4)]
    redis_server.kill()

    for cache in threads:
        for _ in range(5):
            cache.get("colour")

    assert len(warnings_of(caplog)) == 1
    assert threads[0].faults is threads[3].faults


def test_a_redis_that_does_not_answer_costs_one_timeout_then_nothing(caplog):
    """A server that accepts connections and never answers: the first operation waits for the
    read timeout, the following ones answer at once until RETRY_AFTER has passed."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)
        port = silent.getsockname()[1]
        cache = failsafe_cache(f"redis://127.0.0.1:{port}/0", socket_timeout=0.3, RETRY_AFTER=0.5)

        started = time.monotonic()
        assert cache.get("colour", "default") == "default"
        first = time.monotonic() - started
        started = time.monotonic()
        for _ in range(200):
            assert cache.get("colour") is None
            assert cache.add("colour", "teal") is False
        following = time.monotonic() - started

        assert 0.25 <= first < 2
        assert following < 0.2
        [warning] = warnings_of(caplog)
        assert "TimeoutError" in warning.getMessage()

        time.sleep(0.6)  # RETRY_AFTER over: Redis is asked again (and times out again)
        started = time.monotonic()
        cache.get("colour")
        assert time.monotonic() - started >= 0.25


def test_the_default_timeouts_are_short():
    cache = failsafe_cache("redis://127.0.0.1:1/0")

    options = cache._options
    assert options["socket_connect_timeout"] <= 0.5
    assert options["socket_timeout"] <= 1
    assert "RETRY_AFTER" not in options and "LOG_INTERVAL" not in options  # not for redis-py


def test_the_log_names_the_cache_without_its_password():
    assert redacted("redis://:s3cret@cache.internal:6379/0") == "redis://:***@cache.internal:6379/0"
    assert redacted("redis://user:s3cret@cache.internal/1") == "redis://user:***@cache.internal/1"
    assert redacted("redis://cache.internal:6379/0") == "redis://cache.internal:6379/0"


def test_a_counter_is_made_and_raised_in_one_round_trip_and_expires(redis_server, monkeypatch):
    cache = failsafe_cache(redis_server.url)
    raw = redis.Redis.from_url(redis_server.url)
    commands = []
    original = redis.client.Pipeline.execute

    def counted(pipeline, *args, **kwargs):
        commands.append(len(pipeline.command_stack))
        return original(pipeline, *args, **kwargs)

    monkeypatch.setattr(redis.client.Pipeline, "execute", counted)

    assert [cache.count_hit("hits", 30) for _ in range(3)] == [1, 2, 3]
    assert commands == [2, 2, 2]  # one transaction each: SET NX, INCR
    assert cache.get("hits") == 3  # a counter Django's get reads
    assert 0 < raw.ttl(cache.make_and_validate_key("hits")) <= 30
    cache.set("hits", 0, 1)
    time.sleep(1.2)
    assert cache.count_hit("hits", 30) == 1


def test_a_rate_limit_counts_in_redis_and_lets_through_while_redis_is_away(
    redis_server, monkeypatch, caplog
):
    from core import rate_limit

    monkeypatch.setattr(rate_limit, "cache", failsafe_cache(redis_server.url))
    limit = rate_limit.Limit("test-limit", 3, 60)

    assert [limit.hit("client") for _ in range(3)] == [None, None, None]
    refused = limit.hit("client")
    assert refused is not None and 1 <= refused <= 60
    assert limit.hit("another client") is None

    redis_server.kill()
    assert limit.hit("client") is None
    assert "Rate limit test-limit not applied" in caplog.text

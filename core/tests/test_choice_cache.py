"""The process-wide filter-choice cache: one load per content version and period."""

import threading

import pytest

from core import choice_cache
from core.signals import send_content_changed


def test_choices_load_once_per_content_version(settings, db):
    loads = []

    def load():
        loads.append(1)
        return ["a", "b"]

    assert choice_cache.cached_choices("letters", load) == ["a", "b"]
    assert choice_cache.cached_choices("letters", load) == ["a", "b"]
    assert len(loads) == 1

    send_content_changed()
    choice_cache.cached_choices("letters", load)
    assert len(loads) == 2


def test_choices_expire_with_the_period_when_one_is_set(settings, monkeypatch):
    settings.PORTAL_CHOICE_CACHE_SECONDS = 60
    clock = [6000.0]
    monkeypatch.setattr(choice_cache.time, "time", lambda: clock[0])
    loads = []

    def load():
        loads.append(1)
        return []

    choice_cache.cached_choices("things", load)
    clock[0] += 30
    choice_cache.cached_choices("things", load)
    assert len(loads) == 1

    clock[0] += 31  # a new minute: a bulk change no signal reported would now show
    choice_cache.cached_choices("things", load)
    assert len(loads) == 2


def test_forgetting_drops_every_loaded_list():
    loads = []
    choice_cache.cached_choices("x", lambda: loads.append(1) or [])
    choice_cache.forget_choices()
    choice_cache.cached_choices("x", lambda: loads.append(1) or [])
    assert len(loads) == 2


def test_a_result_is_loaded_anew_after_a_change(db):
    assert choice_cache.cached_result("figures", ("a",), lambda: 1, stale_ok=True) == 1
    assert choice_cache.cached_result("figures", ("a",), lambda: 2, stale_ok=True) == 1
    assert choice_cache.cached_result("figures", ("b",), lambda: 3, stale_ok=True) == 3
    send_content_changed()
    assert choice_cache.cached_result("figures", ("a",), lambda: 4, stale_ok=True) == 4


def test_while_one_request_loads_a_slow_result_the_others_get_its_last_value(db):
    """After a change, the first request loads the figures again; one that comes meanwhile is
    answered with the figures from before instead of loading them a second time."""
    assert choice_cache.cached_result("figures", ("a",), lambda: "before", stale_ok=True)
    send_content_changed()
    choice_cache.content_state()  # the new version's publication moments, loaded here
    loading, release = threading.Event(), threading.Event()

    def slow():
        loading.set()
        release.wait(10)
        return "after"

    answers = {}

    def first_request():
        answers["first"] = choice_cache.cached_result("figures", ("a",), slow, stale_ok=True)

    thread = threading.Thread(target=first_request)
    thread.start()
    assert loading.wait(10)
    try:
        meanwhile = choice_cache.cached_result(
            "figures", ("a",), lambda: pytest.fail("loaded twice at once"), stale_ok=True
        )
    finally:
        release.set()
        thread.join(10)
    assert (meanwhile, answers["first"]) == ("before", "after")
    assert choice_cache.cached_result("figures", ("a",), lambda: "again", stale_ok=True) == "after"


def test_an_exact_result_is_never_answered_from_before_a_change(db):
    assert choice_cache.cached_result("count", ("a",), lambda: 1) == 1
    send_content_changed()
    assert choice_cache.cached_result("count", ("a",), lambda: 2) == 2


class RecordingCache:
    """The cache, with the timeout of each value set."""

    def __init__(self, cache):
        self._cache, self.timeouts = cache, {}

    def set(self, key, value, timeout):
        self.timeouts[key] = timeout
        return self._cache.set(key, value, timeout=timeout)

    def __getattr__(self, name):
        return getattr(self._cache, name)


def test_figures_are_kept_longer_than_the_period_an_exact_result_is_not(db, settings, monkeypatch):
    settings.PORTAL_CHOICE_CACHE_SECONDS = 60
    recording = RecordingCache(choice_cache.cache)
    monkeypatch.setattr(choice_cache, "cache", recording)

    choice_cache.cached_result("figures", ("a",), lambda: 1, stale_ok=True)
    choice_cache.cached_result("count", ("a",), lambda: 1)

    kept = {
        key.split(":")[2]: timeout
        for key, timeout in recording.timeouts.items()
        if key.startswith(choice_cache.RESULT_PREFIX) and ":last:" not in key
    }
    assert kept == {"figures": choice_cache.STALE_OK_SECONDS, "count": 60}
    assert choice_cache.STALE_OK_SECONDS > 60

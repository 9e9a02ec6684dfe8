"""The process-wide filter-choice cache: one load per content version and period."""

from core import choice_cache
from core.signals import send_content_changed


def test_choices_load_once_per_content_version(settings):
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

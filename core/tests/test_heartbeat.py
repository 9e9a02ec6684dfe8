"""A worker busy with one long answer reports itself alive (core/heartbeat.py): under gunicorn
through the worker's own report, installed by gunicorn.conf.py; elsewhere not at all."""

import runpy
from types import SimpleNamespace

from django.conf import settings

from core import heartbeat


def test_a_beat_does_nothing_until_a_report_is_installed(monkeypatch):
    monkeypatch.setattr(heartbeat, "_notify", None)

    heartbeat.beat()  # the development server, the tests, a command: nobody to tell


def test_gunicorn_installs_the_workers_report_once_the_worker_has_started(monkeypatch):
    monkeypatch.setattr(heartbeat, "_notify", None)
    reports = []
    worker = SimpleNamespace(notify=lambda: reports.append("alive"))
    config = runpy.run_path(str(settings.BASE_DIR / "gunicorn.conf.py"))

    config["post_worker_init"](worker)
    heartbeat.beat()
    heartbeat.beat()

    assert reports == ["alive", "alive"]

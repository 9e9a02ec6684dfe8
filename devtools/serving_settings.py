"""The portal as production serves it, for the tests that run it under gunicorn on loopback:
devtools.bench_settings (the production settings, DEBUG off, plain HTTP), with the static files
looked up where they are instead of collected first (no manifest to build for a test)."""

from devtools.bench_settings import *  # noqa: F403
from devtools.bench_settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

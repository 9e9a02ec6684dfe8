"""The test suite: fast and isolated. DATABASE_URL and REDIS_URL still apply, so CI can run the
same suite against PostgreSQL and Redis."""

import os
from urllib.parse import urlsplit, urlunsplit

from .base import *  # noqa: F403
from .base import CACHES, INSTALLED_APPS, REDIS_URL, STORAGES

INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]

DEBUG = False
SECRET_KEY = "test-only-not-secret"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# E-mails go out in the request after commit, into mail.outbox; the tests of the background
# worker switch to the database backend themselves.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Static files are not collected for the suite; look them up on request instead.
WHITENOISE_AUTOREFRESH = True

# Filter choices expire with the content version only, never halfway through a test.
PORTAL_CHOICE_CACHE_SECONDS = None

# No page cache: a test that changes records without a signal and asks for a page again, or
# counts a page's queries, needs it rendered. The page cache's own tests turn it on.
PAGE_CACHE_SECONDS = 0

# The suite runs in several processes at once (pytest-xdist, `make test`): each has its own test
# database (pytest-django names it after the worker) and, where the cache is Redis, its own Redis
# database next to the one REDIS_URL names, so that one process clearing its cache between tests
# leaves another's alone.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and _WORKER.startswith("gw"):
    _redis = urlsplit(REDIS_URL)
    _number = (int(_redis.path.strip("/") or 0) + int(_WORKER[2:])) % 16
    REDIS_URL = urlunsplit(_redis._replace(path=f"/{_number}"))
    CACHES = {"default": {**CACHES["default"], "LOCATION": REDIS_URL}}

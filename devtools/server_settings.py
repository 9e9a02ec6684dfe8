"""The production settings for app servers that tests start on loopback over plain HTTP: no
redirect to HTTPS, cookies not limited to HTTPS, and static files found where they are (no
collectstatic); everything else, DEBUG off included, as in production."""

from sscportal.settings.production import *  # noqa: F403
from sscportal.settings.production import STORAGES

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

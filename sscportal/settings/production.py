"""Production: gunicorn behind a TLS-terminating proxy, PostgreSQL, Redis.

Refuses to start without a secret key and the host names it serves.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, SECRET_KEY, env_bool

DEBUG = False
if not SECRET_KEY:
    raise ImproperlyConfigured("Set the SECRET_KEY environment variable.")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "Set the ALLOWED_HOSTS environment variable (comma-separated host names)."
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
LANGUAGE_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Joining the browsers' HSTS preload list binds every subdomain for good: the domain's owner
# decides that, not the application.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Links in e-mails and calendar files: the first host name over HTTPS unless set explicitly.
if not os.environ.get("PORTAL_BASE_URL"):
    PORTAL_BASE_URL = f"https://{ALLOWED_HOSTS[0]}"
# Where people write about their data: the portal's own domain unless set explicitly.
if not os.environ.get("PRIVACY_CONTACT_EMAIL"):
    PRIVACY_CONTACT_EMAIL = f"privacy@{ALLOWED_HOSTS[0].lstrip('.')}"

"""Benchmarks (`make bench`): the production settings, served by gunicorn over plain HTTP on
loopback, with one more address, /bench/ceiling/, the bare view the pages are measured against.
"""

from sscportal.settings.production import *  # noqa: F403
from sscportal.settings.production import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]  # generate_volume

ROOT_URLCONF = "devtools.bench_urls"
# Loopback has no TLS in front: no redirect to HTTPS, no HSTS.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0

"""WSGI entry point for gunicorn: `gunicorn sscportal.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sscportal.settings.production")

application = get_wsgi_application()

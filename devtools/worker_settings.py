"""The task worker that the tests start as a subprocess (`manage.py db_worker`): the test
settings, with tasks read from the database and e-mail sent over SMTP. DATABASE_URL names the
test database, EMAIL_HOST and EMAIL_PORT the test's mail server, EVENTS_EMAIL_RETRY_* the delays
(settings/base.py reads them)."""

from sscportal.settings.test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"

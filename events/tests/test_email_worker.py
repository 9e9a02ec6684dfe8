"""The registration e-mail through the real worker: `manage.py db_worker` runs as a separate
process against the test database and sends over SMTP to a server on loopback that the test
starts and stops (devtools/smtp.py).

A visitor registers while the mail server is down: the page answers at once, the worker tries,
records the failure and tries again after growing delays (shortened here to 1 and 2 seconds);
once the mail server is up the e-mail arrives, and the registration says it was sent.

Needs PostgreSQL (DATABASE_URL=postgres://...): the worker is another process, and SQLite's test
database lives in the memory of the test process, where no other process can open it.
"""

import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from urllib.parse import quote, urlsplit

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django_tasks_db.models import DBTaskResult

from devtools.samples import form_data
from devtools.smtp import SMTPServer
from events.models import Registration, RegistrationStatus

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the worker is another process, which cannot open SQLite's in-memory test "
        "database: run with DATABASE_URL=postgres://...",
    ),
    pytest.mark.django_db(transaction=True),
]

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
EVENT_TITLE = "South-South Development Expo"


def database_url_of_the_tests():
    """The address of the database the tests run in (test_sscportal_..., not the real one)."""
    database = connection.settings_dict
    credentials = quote(database["USER"] or "", safe="")
    if database["PASSWORD"]:
        credentials += ":" + quote(database["PASSWORD"], safe="")
    host = database["HOST"] or "127.0.0.1"
    port = database["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{quote(database['NAME'], safe='')}"


class Worker:
    """`manage.py db_worker` in its own process, its output in `log_path`."""

    def __init__(self, mail_server, log_path):
        self.log_path = log_path
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "devtools.worker_settings",
            "DATABASE_URL": database_url_of_the_tests(),
            "DB_CONN_MAX_AGE": "0",
            "EMAIL_HOST": mail_server.host,
            "EMAIL_PORT": str(mail_server.port),
            "EMAIL_USE_TLS": "0",
            "EMAIL_TIMEOUT": "5",
            "EVENTS_EMAIL_RETRY_DELAY": "1",
            "EVENTS_EMAIL_RETRY_MAX_DELAY": "2",
            "EVENTS_EMAIL_MAX_ATTEMPTS": "10",
            "PYTHONUNBUFFERED": "1",
        }
        self.process = None

    def __enter__(self):
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in __exit__
        self.process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval=0.2",
                "--worker-id=test-worker",
            ],
            cwd=django_settings.BASE_DIR,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        return self

    def __exit__(self, *exc_info):
        self.process.terminate()  # SIGTERM: the worker finishes its task and stops
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        self.log.close()

    def output(self):
        return self.log_path.read_text()

    def wait_until(self, condition, what, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = condition()
            if value:
                return value
            if self.process.poll() is not None:
                pytest.fail(f"the worker stopped ({self.process.returncode}):\n{self.output()}")
            time.sleep(0.1)
        pytest.fail(f"{what}: not within {timeout} s. The worker said:\n{self.output()}")


def email_tasks():
    """The e-mail tasks, by attempt: (attempt, kind, status, run_after, started, finished,
    return value)."""
    tasks = DBTaskResult.objects.filter(task_path="events.tasks.deliver_registration_email")
    return sorted(
        (
            task.args_kwargs["kwargs"].get("attempt", 1),
            task.args_kwargs["args"][1],
            task.status,
            task.run_after,
            task.started_at,
            task.finished_at,
            task.return_value,
        )
        for task in tasks
    )


def plain_text(received):
    return received.message.get_body(("plain",)).get_content()


def test_a_registration_made_while_the_mail_server_is_down_gets_its_email_when_it_is_back(
    client, settings, make_event, mailoutbox, tmp_path
):
    settings.TASKS = DATABASE_TASKS
    event = make_event(EVENT_TITLE, registration_enabled=True)

    with SMTPServer() as mail_server, Worker(mail_server, tmp_path / "worker.log") as worker:
        started = time.monotonic()
        response = client.post(
            f"/events/{event.slug}/register/", form_data(email="ana@example.org")
        )
        answered_in = time.monotonic() - started

        # The page answers at once and the registration stands; nothing was sent in the request.
        assert response.status_code == 303
        assert response["Location"] == f"/events/{event.slug}/registered/"
        assert answered_in < 5
        registration = Registration.objects.get(email="ana@example.org")
        assert registration.status == RegistrationStatus.PENDING
        assert mailoutbox == []

        # The worker tries, fails, records why, and tries again: after 1 s, then after 2 s.
        tasks = worker.wait_until(
            lambda: (tasks := email_tasks())[2:] and tasks[1][5] and tasks,
            "two failed attempts finished and a third one queued",
        )
        first, second, third = tasks[:3]
        assert [task[:3] for task in (first, second)] == [
            (1, "request", "SUCCESSFUL"),
            (2, "request", "SUCCESSFUL"),
        ]
        assert first[6] == second[6] == "retrying"
        assert third[:2] == (3, "request")
        first_wait = second[3] - first[5]
        second_wait = third[3] - second[5]
        assert timedelta(seconds=0.5) < first_wait < timedelta(seconds=1.5), first_wait
        assert timedelta(seconds=1.5) < second_wait < timedelta(seconds=2.5), second_wait
        assert second[4] >= second[3]  # the worker waited until the retry was due
        registration.refresh_from_db()
        assert "Connection refused" in registration.last_email_error
        assert re.search(r"attempt [12] of 10", registration.last_email_error)
        assert registration.last_email_at is None
        assert mail_server.messages == []

        # The mail server comes back: the next attempt delivers the e-mail.
        mail_server.start()
        (received,) = worker.wait_until(
            lambda: mail_server.wait_for_messages(1, timeout=0.5), "the e-mail", timeout=30
        )
        assert received.recipients == ["ana@example.org"]
        assert received.message["To"] == "ana@example.org"
        assert received.message["Subject"] == f"Please confirm your registration: {EVENT_TITLE}"
        registration = worker.wait_until(
            lambda: Registration.objects.filter(
                pk=registration.pk, last_email_at__isnull=False, last_email_error=""
            ).first(),
            "the registration recording the e-mail as sent",
        )
        assert registration.last_email_error == ""
        tasks = worker.wait_until(
            lambda: (tasks := email_tasks()) and tasks[-1][2] == "SUCCESSFUL" and tasks,
            "the last task finished",
        )
        assert tasks[-1][6] == "sent"
        assert not DBTaskResult.objects.filter(status="READY").exists()

        # The link in the e-mail confirms the place, and that e-mail goes out at once.
        links = re.findall(r"https?://\S+?/registration/confirm/\S+?/", plain_text(received))
        (confirm_url,) = set(links)
        response = client.post(urlsplit(confirm_url).path)
        assert response.status_code == 303
        registration.refresh_from_db()
        assert registration.status == RegistrationStatus.CONFIRMED
        messages = worker.wait_until(
            lambda: mail_server.wait_for_messages(2, timeout=0.5)[1:] and mail_server.messages,
            "the confirmation e-mail",
            timeout=30,
        )
        assert messages[1].message["Subject"] == f"Your place is confirmed: {EVENT_TITLE}"
        assert messages[1].recipients == ["ana@example.org"]
        assert mailoutbox == []

    assert worker.process.returncode == 0, worker.output()

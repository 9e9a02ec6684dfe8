"""Registration e-mails as background tasks: queued after commit, never sent in the request,
retried with growing delays while the mail server is down, given up after the last attempt and
left for staff. A real SMTP server on loopback (devtools/smtp.py) plays the mail server: down
(its port refuses connections), answering "not now", silent, refusing the address, or up.

The worker itself, as a separate process, is in test_email_worker.py."""

import logging
import smtplib
import subprocess
import sys
from datetime import datetime, timedelta

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from devtools.samples import form_data
from devtools.smtp import SMTPServer
from events import services
from events.models import Registration, RegistrationStatus
from events.tasks import deliver_registration_email, is_temporary, retry_delay

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def database_tasks(settings):
    """Tasks queued in the database, for a worker, as in production."""
    settings.TASKS = DATABASE_TASKS
    settings.EVENTS_EMAIL_RETRY_DELAY = 60
    settings.EVENTS_EMAIL_RETRY_MAX_DELAY = 3600
    settings.EVENTS_EMAIL_MAX_ATTEMPTS = 10


@pytest.fixture
def mail_server(settings):
    """The mail server, down until the test starts it; e-mail goes to it over SMTP."""
    with SMTPServer() as server:
        for name, value in server.email_settings().items():
            setattr(settings, name, value)
        settings.EMAIL_TIMEOUT = 5
        yield server


def use_server(settings, server):
    for name, value in server.email_settings().items():
        setattr(settings, name, value)


def queued():
    """The e-mail tasks waiting in the queue: (args, kwargs, run_after), oldest first."""
    return [
        (task.args_kwargs["args"], task.args_kwargs["kwargs"], task.run_after)
        for task in DBTaskResult.objects.filter(status="READY").order_by("enqueued_at")
    ]


def about(moment, expected, slack=timedelta(seconds=30)):
    return abs(moment - expected) < slack


# --- The schedule -----------------------------------------------------------------------------


def test_the_delay_doubles_after_each_failure_up_to_the_cap(settings):
    settings.EVENTS_EMAIL_RETRY_DELAY = 60
    settings.EVENTS_EMAIL_RETRY_MAX_DELAY = 3600

    minutes = [retry_delay(attempt).total_seconds() / 60 for attempt in range(1, 11)]

    assert minutes == [1, 2, 4, 8, 16, 32, 60, 60, 60, 60]
    assert retry_delay(10_000) == timedelta(hours=1)


def test_the_default_schedule_tries_for_about_four_hours():
    waits = sum(
        (retry_delay(attempt) for attempt in range(1, django_settings.EVENTS_EMAIL_MAX_ATTEMPTS)),
        timedelta(),
    )

    assert django_settings.EVENTS_EMAIL_MAX_ATTEMPTS == 10
    assert waits == timedelta(minutes=1 + 2 + 4 + 8 + 16 + 32 + 60 + 60 + 60)


def test_which_failures_are_worth_another_attempt():
    assert is_temporary(ConnectionRefusedError(111, "Connection refused"))
    assert is_temporary(TimeoutError("timed out"))
    assert is_temporary(smtplib.SMTPServerDisconnected("Connection unexpectedly closed"))
    assert is_temporary(smtplib.SMTPConnectError(421, b"4.3.2 Service not available"))
    assert is_temporary(smtplib.SMTPDataError(554, b"5.0.0 Transaction failed"))
    assert is_temporary(smtplib.SMTPRecipientsRefused({"a@example.org": (450, b"mailbox busy")}))
    # An address refused for good stays refused.
    assert not is_temporary(smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"no such")}))
    # A fault in the portal itself (a template, a bug) is no reason to wait.
    assert not is_temporary(ValueError("bad header"))


# --- Queued, not sent, by the request ---------------------------------------------------------


def test_the_request_queues_the_email_and_never_talks_to_the_mail_server(
    client, open_event, database_tasks, mail_server, mailoutbox, django_capture_on_commit_callbacks
):
    mail_server.start()  # up and listening: any connection from the request would be counted

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/events/{open_event.slug}/register/", form_data())

    assert response.status_code == 303
    registration = Registration.objects.get(email="ana@example.org")
    assert registration.status == RegistrationStatus.PENDING
    assert mail_server.connections == 0
    assert mail_server.messages == []
    assert mailoutbox == []
    ((args, kwargs, run_after),) = queued()
    assert args == [registration.pk, "request"]
    assert kwargs == {}
    task = DBTaskResult.objects.get()
    assert task.task_path == "events.tasks.deliver_registration_email"
    assert task.task_result.task.run_after is None  # to be sent as soon as a worker is free
    assert registration.last_email_at is None
    assert registration.last_email_error == ""


def test_a_rolled_back_registration_queues_nothing(
    open_event, database_tasks, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.register(event=open_event, name="Ana", email="ana@example.org")
        raise RuntimeError("the request failed after the registration")

    assert callbacks == []
    assert not Registration.objects.exists()
    assert queued() == []


# --- The task: sending, retrying, giving up ---------------------------------------------------


def test_the_task_sends_the_email_and_records_it(make_event, make_registration, mail_server):
    event = make_event("Forum on Triangular Cooperation", registration_enabled=True)
    registration = make_registration(event, email="ana@example.org", last_email_error="old")
    mail_server.start()

    outcome = deliver_registration_email.call(registration.pk, "request")

    assert outcome == "sent"
    (received,) = mail_server.wait_for_messages(1, timeout=5)
    assert received.recipients == ["ana@example.org"]
    assert received.message["To"] == "ana@example.org"
    assert received.message["Subject"] == (
        "Please confirm your registration: Forum on Triangular Cooperation"
    )
    registration.refresh_from_db()
    assert registration.last_email_at is not None
    assert registration.last_email_error == ""


@pytest.mark.parametrize(
    ("server", "words"),
    [
        ({}, "Connection refused"),
        ({"greeting": "421 4.3.2 Service not available, try later"}, "Service not available"),
        ({"greeting": None}, "timed out"),
    ],
    ids=["down", "not-now", "silent"],
)
def test_a_mail_server_that_fails_gets_the_email_again_a_minute_later(
    settings, open_event, make_registration, database_tasks, caplog, server, words
):
    settings.EMAIL_TIMEOUT = 1
    registration = make_registration(open_event)
    with SMTPServer(**server) as mail_server:
        use_server(settings, mail_server)
        if server:
            mail_server.start()
        before = timezone.now()

        with caplog.at_level(logging.WARNING, logger="events.tasks"):
            outcome = deliver_registration_email.call(registration.pk, "request")

    assert outcome == "retrying"
    ((args, kwargs, run_after),) = queued()
    assert args == [registration.pk, "request"]
    assert kwargs["attempt"] == 2
    assert about(run_after, before + timedelta(minutes=1))
    assert datetime.fromisoformat(kwargs["first_failed_at"]) >= before
    registration.refresh_from_db()
    assert words in registration.last_email_error
    assert "attempt 1 of 10" in registration.last_email_error
    assert "trying again at" in registration.last_email_error
    assert registration.last_email_at is None
    assert "(attempt 1 of 10)" in caplog.text


def test_each_retry_waits_twice_as_long_as_the_one_before(
    open_event, make_registration, database_tasks, mail_server
):
    registration = make_registration(open_event)
    first_failed_at = timezone.now().isoformat()

    for attempt, minutes in [(2, 2), (3, 4), (6, 32), (7, 60), (9, 60)]:
        DBTaskResult.objects.all().delete()
        before = timezone.now()
        outcome = deliver_registration_email.call(
            registration.pk, "request", attempt=attempt, first_failed_at=first_failed_at
        )

        assert outcome == "retrying"
        ((_args, kwargs, run_after),) = queued()
        assert kwargs == {"attempt": attempt + 1, "first_failed_at": first_failed_at}
        assert about(run_after, before + timedelta(minutes=minutes)), (attempt, run_after)


def test_after_the_last_attempt_the_failure_is_logged_and_left_for_staff(
    open_event, make_registration, database_tasks, mail_server, caplog
):
    registration = make_registration(open_event)

    with caplog.at_level(logging.ERROR, logger="events.tasks"):
        outcome = deliver_registration_email.call(
            registration.pk, "request", attempt=10, first_failed_at=timezone.now().isoformat()
        )

    assert outcome == "gave-up"
    assert queued() == []
    registration.refresh_from_db()
    assert "gave up after 10 attempt(s)" in registration.last_email_error
    assert "Connection refused" in registration.last_email_error
    assert "resend it from the admin" in registration.last_email_error
    assert registration.last_email_at is None
    (record,) = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert "Gave up on the request e-mail for registration" in record.getMessage()
    assert "staff can resend it from the admin" in record.getMessage()


def test_an_address_refused_for_good_is_not_tried_again(
    settings, open_event, make_registration, database_tasks
):
    registration = make_registration(open_event)
    with SMTPServer(refuse_recipients=True) as mail_server:
        use_server(settings, mail_server)
        mail_server.start()

        outcome = deliver_registration_email.call(registration.pk, "request")

    assert outcome == "gave-up"
    assert queued() == []
    registration.refresh_from_db()
    assert "No such mailbox" in registration.last_email_error
    assert "gave up after 1 attempt(s)" in registration.last_email_error


def test_without_a_queue_a_failure_is_final_at_once(
    client, open_event, mail_server, django_capture_on_commit_callbacks
):
    # The test settings' immediate backend (TASKS_BACKEND=immediate) sends in the request after
    # commit, and cannot wait.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/events/{open_event.slug}/register/", form_data())

    assert response.status_code == 303
    registration = Registration.objects.get()
    assert "gave up after 1 attempt(s)" in registration.last_email_error
    assert "Connection refused" in registration.last_email_error
    assert not DBTaskResult.objects.exists()


def test_a_retry_that_finds_the_server_back_sends_the_email(
    open_event, make_registration, database_tasks, mail_server
):
    registration = make_registration(open_event, email="ben@example.org")
    assert deliver_registration_email.call(registration.pk, "request") == "retrying"
    ((args, kwargs, _run_after),) = queued()
    mail_server.start()

    outcome = deliver_registration_email.call(*args, **kwargs)

    assert outcome == "sent"
    (received,) = mail_server.wait_for_messages(1, timeout=5)
    assert received.recipients == ["ben@example.org"]
    registration.refresh_from_db()
    assert registration.last_email_at is not None
    assert registration.last_email_error == ""


# --- What is no longer sent -------------------------------------------------------------------


def test_nothing_goes_to_a_registration_deleted_meanwhile(
    open_event, make_registration, database_tasks, mail_server
):
    registration = make_registration(open_event)
    pk = registration.pk
    registration.delete()
    mail_server.start()

    assert deliver_registration_email.call(pk, "request") == "gone"
    assert deliver_registration_email.call(pk, "cancelled", attempt=4) == "gone"
    assert mail_server.connections == 0
    assert queued() == []


def test_nothing_goes_to_a_registration_whose_personal_data_was_erased(
    open_event, make_registration, database_tasks, mail_server
):
    registration = make_registration(open_event, RegistrationStatus.CANCELLED)
    Registration.objects.filter(pk=registration.pk).update(name="", email="", organisation="")
    mail_server.start()

    assert deliver_registration_email.call(registration.pk, "cancelled") == "gone"
    assert mail_server.connections == 0
    assert queued() == []


def test_an_email_overtaken_by_a_later_change_is_not_sent(
    open_event, make_registration, database_tasks, mail_server
):
    # Queued while pending; confirmed before the mail server came back.
    registration = make_registration(open_event, RegistrationStatus.CONFIRMED)
    mail_server.start()

    assert deliver_registration_email.call(registration.pk, "request", attempt=3) == "overtaken"
    assert deliver_registration_email.call(registration.pk, "waitlisted") == "overtaken"
    assert mail_server.connections == 0
    assert deliver_registration_email.call(registration.pk, "promoted") == "sent"
    assert len(mail_server.wait_for_messages(1, timeout=5)) == 1


def test_no_retry_once_staff_have_resent_the_email(
    admin_client, open_event, make_registration, database_tasks, mail_server
):
    registration = make_registration(open_event)
    assert deliver_registration_email.call(registration.pk, "request") == "retrying"
    ((args, kwargs, _run_after),) = queued()
    mail_server.start()

    response = admin_client.post(
        "/admin/events/registration/",
        {"action": "resend_email", "_selected_action": [registration.pk]},
        follow=True,
    )
    assert "1 e-mail sent." in response.content.decode()
    assert len(mail_server.wait_for_messages(1, timeout=5)) == 1

    assert deliver_registration_email.call(*args, **kwargs) == "already-resent"
    assert len(mail_server.messages) == 1


# --- Configuration and the admin --------------------------------------------------------------


def test_an_unknown_tasks_backend_stops_the_portal_with_a_clear_message(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--settings=sscportal.settings.test"],
        cwd=django_settings.BASE_DIR,
        env={"PATH": "/usr/bin:/bin", "TASKS_BACKEND": "celery", "VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode != 0
    assert "TASKS_BACKEND is 'celery': set it to one of database, immediate." in result.stderr


def test_staff_see_the_queued_emails_in_the_admin(
    admin_client, open_event, make_registration, database_tasks, mail_server
):
    registration = make_registration(open_event)
    deliver_registration_email.call(registration.pk, "request")

    response = admin_client.get("/admin/django_tasks_database/dbtaskresult/")

    assert response.status_code == 200
    assert "deliver_registration_email" in response.content.decode()

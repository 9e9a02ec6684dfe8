"""Registration e-mails, sent in the background.

A change to a registration queues its e-mail once the transaction has committed
(`queue_registration_email`, called from services.py); the worker (`manage.py db_worker`) sends
it, so a slow or absent mail server never holds up a visitor's request.

When the mail server cannot be reached, times out or answers "not now", the failure is recorded
on the registration and the e-mail is queued again after EVENTS_EMAIL_RETRY_DELAY seconds, then
twice as long each time up to EVENTS_EMAIL_RETRY_MAX_DELAY, for EVENTS_EMAIL_MAX_ATTEMPTS
attempts in all. After the last one, or when the server refuses the address for good, the
failure is logged and stays on the registration for staff to resend from the admin. The
immediate backend (TASKS_BACKEND=immediate) sends in the request and cannot wait: a failure
there is final at once.

An e-mail goes only while it still says something true: none for a registration that was
deleted or erased, none whose news a later change has overtaken (a "please confirm" for a
registration confirmed since), and no retry once staff have resent the e-mail.
"""

import logging
import smtplib
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from .emails import send_registration_email
from .models import ACTIVE_STATUSES, Registration, RegistrationStatus

logger = logging.getLogger(__name__)

# The statuses in which each kind of e-mail is still news. Kinds not listed always are.
STATUSES_FOR_KIND = {
    "request": [RegistrationStatus.PENDING],
    "reminder": ACTIVE_STATUSES,
    "confirmed": [RegistrationStatus.CONFIRMED],
    "waitlisted": [RegistrationStatus.WAITLISTED],
    "promoted": [RegistrationStatus.CONFIRMED],
    "cancelled": [RegistrationStatus.CANCELLED],
}


def retry_delay(attempt):
    """How long to wait after failed attempt number `attempt` (the first is 1) before the next:
    EVENTS_EMAIL_RETRY_DELAY, doubled after each failure, at most EVENTS_EMAIL_RETRY_MAX_DELAY."""
    first = settings.EVENTS_EMAIL_RETRY_DELAY
    longest = settings.EVENTS_EMAIL_RETRY_MAX_DELAY
    # Doubling stops at the cap, so a large attempt number never makes a huge number.
    delay = first
    for _ in range(attempt - 1):
        if delay >= longest:
            break
        delay *= 2
    return timedelta(seconds=min(delay, longest))


def is_temporary(error):
    """Whether trying again later may succeed. The server could not be reached, timed out,
    dropped the connection or answered with any SMTP error: yes, except when it refused every
    recipient for good (a 5xx reply to the address), which no retry changes."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return any(code < 500 for code, _reply in error.recipients.values())
    return isinstance(error, OSError)  # connection errors, timeouts and every SMTPException


def queue_registration_email(registration_id, kind):
    """Queue the e-mail; called once the registration's transaction has committed. Never
    raises: the registration stands even when the queue cannot take the e-mail, and the failure
    is logged and kept on the registration for staff to resend."""
    try:
        deliver_registration_email.enqueue(registration_id, kind)
    except Exception as error:  # noqa: BLE001 - the committed registration must not fail
        logger.exception("Could not queue the %s e-mail for registration %s", kind, registration_id)
        note_failure(registration_id, f"{kind}, not queued: {error}")


def note_failure(registration_id, text):
    try:
        Registration.objects.filter(pk=registration_id).update(
            last_email_error=f"{timezone.now():%Y-%m-%d %H:%M} UTC, {text}"[:1000]
        )
    except Exception:  # noqa: BLE001 - already logged; the database itself may be what failed
        logger.exception("Could not record the e-mail failure of registration %s", registration_id)


@task()
def deliver_registration_email(registration_id, kind, attempt=1, first_failed_at=None):
    """Send one registration e-mail; on a temporary failure, queue the next attempt.

    `attempt` counts from 1; `first_failed_at` (ISO 8601) is when the first attempt failed,
    carried by the retries. Returns what happened: "sent", "gone", "overtaken",
    "already-resent", "retrying" or "gave-up"."""
    registration = (
        Registration.objects.filter(pk=registration_id).only("status", "last_email_at").first()
    )
    if registration is None:
        logger.info("Registration %s is gone; no %s e-mail sent", registration_id, kind)
        return "gone"
    if registration.status not in STATUSES_FOR_KIND.get(kind, [registration.status]):
        logger.info(
            "Registration %s is %s now; its %s e-mail is no longer sent",
            registration_id,
            registration.status,
            kind,
        )
        return "overtaken"
    if (
        first_failed_at
        and registration.last_email_at
        and registration.last_email_at > datetime.fromisoformat(first_failed_at)
    ):
        logger.info(
            "An e-mail reached registration %s after its %s e-mail failed; no retry needed",
            registration_id,
            kind,
        )
        return "already-resent"

    try:
        sent = send_registration_email(registration_id, kind, raise_errors=True)
    except Exception as error:  # noqa: BLE001 - recorded on the registration; decided below
        return after_failure(registration_id, kind, attempt, first_failed_at, error)
    return "sent" if sent else "gone"


def after_failure(registration_id, kind, attempt, first_failed_at, error):
    """Queue the next attempt after a temporary failure while attempts remain; otherwise log
    the failure and leave it on the registration for staff."""
    now = timezone.now()
    max_attempts = settings.EVENTS_EMAIL_MAX_ATTEMPTS
    can_wait = deliver_registration_email.get_backend().supports_defer
    if is_temporary(error) and attempt < max_attempts and can_wait:
        retry_at = now + retry_delay(attempt)
        deliver_registration_email.using(run_after=retry_at).enqueue(
            registration_id,
            kind,
            attempt=attempt + 1,
            first_failed_at=first_failed_at or now.isoformat(),
        )
        logger.warning(
            "Could not send the %s e-mail for registration %s (attempt %d of %d): %s; "
            "trying again at %s",
            kind,
            registration_id,
            attempt,
            max_attempts,
            error,
            f"{retry_at:%Y-%m-%d %H:%M:%S} UTC",
        )
        note_failure(
            registration_id,
            f"{kind}, attempt {attempt} of {max_attempts}: {error} "
            f"(trying again at {retry_at:%H:%M:%S} UTC)",
        )
        return "retrying"
    logger.error(
        "Gave up on the %s e-mail for registration %s after %d attempt(s): %s; "
        "staff can resend it from the admin",
        kind,
        registration_id,
        attempt,
        error,
        exc_info=error,
    )
    note_failure(
        registration_id,
        f"{kind}, gave up after {attempt} attempt(s): {error} (resend it from the admin)",
    )
    return "gave-up"

"""The e-mails registrants receive: plain text and HTML, the event's time in its own zone, the
calendar file attached, and their signed links.

`send_registration_email` runs in the background task that a change to a registration queues
once its transaction has committed (tasks.py), and when staff resend. A failure is recorded on
the registration, where staff see it and can resend.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from . import tokens
from .calendar import registration_calendar
from .models import Registration
from .times import event_when

logger = logging.getLogger(__name__)

SUBJECTS = {
    "request": _("Please confirm your registration: %(event)s"),
    "reminder": _("Your registration: %(event)s"),
    "confirmed": _("Your place is confirmed: %(event)s"),
    "waitlisted": _("You are on the waiting list: %(event)s"),
    "promoted": _("A place is now yours: %(event)s"),
    "cancelled": _("Registration cancelled: %(event)s"),
}


def registration_links(registration, base_url=None):
    base_url = base_url or settings.PORTAL_BASE_URL
    return {
        "confirm_url": base_url
        + reverse("events:confirm", args=[tokens.make_token(registration, tokens.CONFIRM)]),
        "manage_url": base_url
        + reverse("events:manage", args=[tokens.make_token(registration, tokens.MANAGE)]),
        "event_url": base_url + registration.event.get_absolute_url(),
        "privacy_url": base_url + reverse("privacy"),
    }


def build_message(registration, kind):
    """The e-mail, in the language the registrant used (its words, dates and links)."""
    with translation.override(registration.language):
        return _build_message(registration, kind)


def _build_message(registration, kind):
    event = registration.event
    context = {
        "registration": registration,
        "event": event,
        # The title in the registrant's language where the event has it.
        "event_title": event.texts.title,
        "kind": kind,
        "when": event_when(event),
        "confirm_hours": settings.EVENTS_CONFIRM_LINK_MAX_AGE // 3600,
        "retention_days": settings.REGISTRATION_RETENTION_DAYS,
        **registration_links(registration),
    }
    subject = str(SUBJECTS[kind]) % {"event": event.texts.title}
    message = EmailMultiAlternatives(
        subject=subject.replace("\n", " ").replace("\r", " "),
        body=render_to_string("events/email/registration.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        # The address alone: a registrant's name never reaches a header.
        to=[registration.email],
    )
    message.attach_alternative(
        render_to_string("events/email/registration.html", context), "text/html"
    )
    message.attach(f"{event.slug}.ics", registration_calendar(registration), "text/calendar")
    return message


def send_registration_email(registration_id, kind, *, raise_errors=False):
    """Send one e-mail: True if it went, False if it failed, None if there is nobody to send it
    to (the registration was deleted, or its personal data erased).

    A failure is kept on the registration, where staff see it and can resend. It is logged, or
    with `raise_errors` raised for the caller to decide what follows (the background task tries
    again later)."""
    registration = (
        Registration.objects.select_related("event", "event__country")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None or not registration.email:  # deleted or erased before it went
        logger.warning("Registration %s gone or erased; no %s e-mail sent", registration_id, kind)
        return None
    try:
        build_message(registration, kind).send(fail_silently=False)
    except Exception as error:  # noqa: BLE001 - any failure to send must not lose the registration
        Registration.objects.filter(pk=registration_id).update(
            last_email_error=f"{timezone.now():%Y-%m-%d %H:%M} UTC, {kind}: {error}"[:1000]
        )
        if raise_errors:
            raise
        logger.exception("Could not send the %s e-mail for registration %s", kind, registration_id)
        return False
    Registration.objects.filter(pk=registration_id).update(
        last_email_at=timezone.now(), last_email_error=""
    )
    return True

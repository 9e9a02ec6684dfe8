"""Registrants' personal data: erased at their request, or once the retention period is over.

Erasing blanks the name, e-mail, organisation and country (and the last e-mail error, which may
quote the address) and marks the registration erased. The row itself stays with its status and
dates, so the counts of an event's registrations stay right.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import services
from .models import Registration

ERASED_FIELDS = {"name": "", "email": "", "organisation": "", "country": None}


def erase(queryset, now=None):
    """Erase the personal data of the registrations in `queryset` not yet erased; how many."""
    return queryset.filter(erased_at__isnull=True).update(
        **ERASED_FIELDS, last_email_error="", erased_at=now or timezone.now()
    )


def delete_my_data(registration_id):
    """A registrant's own request: cancel the registration if it is active (its place goes to
    the waiting list; no e-mail, the address is about to go), then erase the data at once."""
    with transaction.atomic():
        result = services.cancel(registration_id, notify=False)
        erase(Registration.objects.filter(pk=registration_id))
        return result


def retention_cutoff(now=None):
    """Registrations of events that ended before this moment are past their retention."""
    return (now or timezone.now()) - timedelta(days=settings.REGISTRATION_RETENTION_DAYS)


def expired_registrations(now=None):
    """Registrations not yet erased, of events that ended more than the retention period ago."""
    return Registration.objects.filter(
        erased_at__isnull=True, event__ends_at__lt=retention_cutoff(now)
    )

"""Registration: the writes that touch an event's places, and the e-mails that follow them.

The capacity rule: confirmed registrations never outnumber an event's places. Every change that
takes or frees a place runs in a transaction that first locks the event's row
(`SELECT ... FOR UPDATE` on PostgreSQL), so two requests for the last place queue on the lock
and the second one counts the first one's place. On SQLite `select_for_update()` does nothing,
but the portal opens every SQLite transaction with BEGIN IMMEDIATE (settings/base.py): a write
transaction holds the database's single write lock from its start, so the same changes queue
there too.

E-mails are queued only once the transaction has committed (a rolled-back registration never
sends one) and sent in the background (tasks.py), tried again while the mail server is down; a
failure is logged and kept on the registration for staff to see and resend. It never undoes the
registration.
"""

import enum
import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language

from core.page_cache import part_changed
from core.signals import send_content_changed

from .models import ACTIVE_STATUSES, Event, Registration, RegistrationStatus

logger = logging.getLogger(__name__)

# Switched off only by the concurrency tests' control run, to show that without the lock the
# capacity is overrun, so that the tests are able to fail.
LOCK_EVENT_ROW = True
REMINDER_INTERVAL = timedelta(minutes=10)


class Outcome(enum.StrEnum):
    CREATED = "created"
    ALREADY_REGISTERED = "already-registered"
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    FULL = "full"
    CANCELLED = "cancelled"
    ALREADY_CANCELLED = "already-cancelled"
    EVENT_CANCELLED = "event-cancelled"
    EVENT_PAST = "event-past"
    ERASED = "erased"


@dataclass
class Result:
    registration: Registration
    outcome: Outcome
    promoted: list = field(default_factory=list)


# What the capacity decisions read of an event: the rest of its row stays out of the lock's query.
DECISION_FIELDS = ("slug", "capacity", "waiting_list", "is_cancelled", "starts_at", "ends_at")


def lock_event(event_id):
    """The event, its row locked until the transaction ends (queued behind other writers).
    `event_id` may be a subquery (`locked_registration`): one round trip finds and locks it."""
    events = Event.objects.only(*DECISION_FIELDS)
    if LOCK_EVENT_ROW:
        # FOR NO KEY UPDATE: new registrations (which only take a key-share lock on the event
        # through their foreign key) need not wait; confirmations and cancellations still do.
        events = events.select_for_update(no_key=True)
    return events.get(pk=event_id)


def locked_registration(registration_id, **annotations):
    """The registration with its event locked (`lock_event`), read after the lock: another
    request may have changed it while this one waited. Call inside a transaction.
    `annotations` are read in the same query, after the lock as well."""
    try:
        event = lock_event(registration_event(registration_id))
    except Event.DoesNotExist:
        raise Registration.DoesNotExist(f"No registration {registration_id}") from None
    return read_registration(registration_id, event, **annotations)


def registration_event(registration_id):
    """The id of a registration's event, as a subquery (no ordering: no join to the event)."""
    return Subquery(Registration.objects.filter(pk=registration_id).order_by().values("event_id"))


def read_registration(registration_id, event, **annotations):
    registration = Registration.objects.annotate(**annotations).get(pk=registration_id)
    registration.event = event
    return registration


def confirmed_count(event):
    return event.registrations.filter(status=RegistrationStatus.CONFIRMED).count()


def confirmed_places():
    """The confirmed registrations of a registration's event, as an annotation."""
    return Coalesce(
        Subquery(
            Registration.objects.filter(
                event=OuterRef("event_id"), status=RegistrationStatus.CONFIRMED
            )
            .order_by()
            .values("event")
            .annotate(count=Count("pk"))
            .values("count")
        ),
        0,
    )


def send_after_commit(registration, kind):
    """Queue the e-mail once the transaction has committed; a worker sends it (tasks.py)."""
    from .tasks import queue_registration_email  # tasks.py renders templates; import lazily

    pk = registration.pk
    transaction.on_commit(lambda: queue_registration_email(pk, kind))


def places_part(slug):
    """The part of an event's page (core/page_cache.py) that shows its places left."""
    return f"event-places:{slug}"


def places_changed(event, before, after):
    """`before` and `after` confirmed registrations: once the transaction commits, the event's
    page, which shows the places left, is rendered again (core/page_cache.py). Only when the
    event becomes full or has places again does the rest of the portal hear of it: the cards
    of events on the lists and the home page say "full" or "waiting list" then, and no count.
    An event without a limit shows no count."""
    if event.capacity is None or before == after:
        return
    slug = event.slug
    transaction.on_commit(lambda: part_changed(places_part(slug)), robust=True)
    if (before >= event.capacity) != (after >= event.capacity):
        transaction.on_commit(lambda: send_content_changed(Registration), robust=True)


def register(*, event, name, email, organisation="", country=None, language=None):
    """A pending registration and an e-mail asking to confirm it; or, when the address already
    has an active registration for the event, nothing new and a reminder to that address.

    `language` (default: the active one) is the language the registrant used: every e-mail and
    calendar file they receive is in it. A registrant who registers again in another language
    is written to in that one from then on."""
    email = email.strip().lower()
    language = language or get_language() or settings.LANGUAGE_CODE
    # The new registration is tried first: the unique constraint on an address's active
    # registration for an event (models.py) turns away a second one, here or in a parallel
    # request, and only then is the one that exists looked up. A registration that exists and
    # is cancelled in between leaves none: the loop tries once more.
    for _attempt in range(2):
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    event=event,
                    name=name,
                    email=email,
                    organisation=organisation,
                    country=country,
                    consented_at=timezone.now(),
                    language=language,
                )
                send_after_commit(registration, "request")
            return Result(registration, Outcome.CREATED)
        except IntegrityError:
            result = already_registered(event, email, language)
            if result is not None:
                return result
    raise IntegrityError(f"No registration of {email} could be made or found")


def already_registered(event, email, language):
    """The address's active registration for the event, written to in `language` from now on,
    and a reminder to the address; None when it has none."""
    with transaction.atomic():
        existing = (
            Registration.objects.filter(event=event, email=email, status__in=ACTIVE_STATUSES)
            .order_by("pk")
            .first()
        )
        if existing is None:
            return None
        if existing.language != language:
            Registration.objects.filter(pk=existing.pk).update(language=language)
            existing.language = language
        # At most one reminder per address and event in REMINDER_INTERVAL, so that the form
        # cannot be used to flood someone's mailbox.
        if cache.add(f"events:reminder:{existing.pk}", True, REMINDER_INTERVAL.total_seconds()):
            send_after_commit(existing, "reminder")
        return Result(existing, Outcome.ALREADY_REGISTERED)


def confirm(registration_id):
    """Take a place for a pending registration if one is free, else the waiting list (when the
    event has one), else leave it pending and say the event is full. An erased registration
    (privacy.py) is left as it is. Raises Registration.DoesNotExist for an unknown id."""
    with transaction.atomic():
        try:
            event = lock_event(registration_event(registration_id))
        except Event.DoesNotExist:
            raise Registration.DoesNotExist(f"No registration {registration_id}") from None
        if not (event.is_cancelled or event.has_ended()):
            taken = take_place(registration_id, event)
            if taken is not None:
                registration, before = taken
                registration.event = event
                if registration.status == RegistrationStatus.CONFIRMED:
                    outcome = Outcome.CONFIRMED
                    places_changed(event, before, before + 1)
                else:
                    outcome = Outcome.WAITLISTED
                send_after_commit(registration, outcome.value)
                return Result(registration, outcome)
        # Not pending, or full without a waiting list: the registration, read after the lock,
        # says why.
        registration = read_registration(
            registration_id, event, confirmed_places=confirmed_places()
        )
        if registration.is_erased:
            return Result(registration, Outcome.ERASED)
        if registration.status == RegistrationStatus.CONFIRMED:
            return Result(registration, Outcome.CONFIRMED)
        if registration.status == RegistrationStatus.WAITLISTED:
            return Result(registration, Outcome.WAITLISTED)
        if registration.status == RegistrationStatus.CANCELLED:
            return Result(registration, Outcome.ALREADY_CANCELLED)
        if event.is_cancelled:
            return Result(registration, Outcome.EVENT_CANCELLED)
        if event.has_ended():
            return Result(registration, Outcome.EVENT_PAST)
        now = timezone.now()
        if event.capacity is None or registration.confirmed_places < event.capacity:
            registration.status = RegistrationStatus.CONFIRMED
            registration.confirmed_at = now
            outcome = Outcome.CONFIRMED
        elif event.waiting_list:
            registration.status = RegistrationStatus.WAITLISTED
            registration.waitlisted_at = now
            outcome = Outcome.WAITLISTED
        else:
            return Result(registration, Outcome.FULL)
        registration.save(update_fields=["status", "confirmed_at", "waitlisted_at"])
        send_after_commit(registration, outcome.value)
        if outcome == Outcome.CONFIRMED:
            places_changed(event, registration.confirmed_places, registration.confirmed_places + 1)
        return Result(registration, outcome)


# `take_place`'s statement, written for PostgreSQL and SQLite (3.35 and later) alike. "taken" is
# the event's confirmed places as the statement starts. The places taken by the others, returned,
# are counted without the registration itself: the same whether RETURNING sees the rows before
# the update (PostgreSQL) or after it (SQLite).
TAKE_PLACE_SQL = """
WITH "taken" AS (
    SELECT COUNT(*) AS "places" FROM "events_registration"
    WHERE "event_id" = %(event)s AND "status" = 'confirmed'
)
UPDATE "events_registration" SET
    "status" = CASE WHEN %(free)s THEN 'confirmed' ELSE 'waitlisted' END,
    "confirmed_at" = CASE WHEN %(free)s THEN %(now)s ELSE "confirmed_at" END,
    "waitlisted_at" = CASE WHEN %(free)s THEN "waitlisted_at" ELSE %(now)s END
WHERE "id" = %(registration)s AND "status" = 'pending' AND "erased_at" IS NULL
    AND (%(waiting_list)s OR %(free)s)
RETURNING *, (
    SELECT COUNT(*) FROM "events_registration" AS "others"
    WHERE "others"."event_id" = %(event)s AND "others"."status" = 'confirmed'
        AND "others"."id" <> %(registration)s
) AS "places_before"
"""
FREE_SQL = """(%(capacity)s IS NULL OR (SELECT "places" FROM "taken") < %(capacity)s)"""
# Written with positional parameters, in the order they appear: both databases' drivers take these.
TAKE_PLACE_PARAMETERS = re.findall(r"%\((\w+)\)s", TAKE_PLACE_SQL.replace("%(free)s", FREE_SQL))
TAKE_PLACE_QUERY = re.sub(r"%\(\w+\)s", "%s", TAKE_PLACE_SQL.replace("%(free)s", FREE_SQL))


def take_place(registration_id, event):
    """Give a pending registration a place if its event has one left, else a place on the
    waiting list if the event has one, in one statement: the common cases of `confirm`, with the
    fewest round trips while the event's lock is held. Returns the registration and the
    confirmed places before it, or None when it was not pending, was erased, or the event is
    full and has no waiting list (nothing changed then).

    The caller holds the event's lock (`lock_event`) and has checked that the event is neither
    cancelled nor over. The statement starts after the lock was granted, so its count includes
    the places taken by the requests it queued behind (each statement of a READ COMMITTED
    transaction sees what was committed before it started). Raw SQL: the ORM's update()
    returns a row count, not the row nor the count before it."""
    values = {
        "event": event.pk,
        "registration": registration_id,
        "capacity": event.capacity,
        "waiting_list": bool(event.waiting_list),
        "now": connection.ops.adapt_datetimefield_value(timezone.now()),
    }
    parameters = [values[name] for name in TAKE_PLACE_PARAMETERS]
    rows = list(Registration.objects.raw(TAKE_PLACE_QUERY, parameters))
    if not rows:
        return None
    (registration,) = rows
    return registration, registration.places_before


def cancel(registration_id, *, notify=True):
    """Cancel a registration; a place it frees goes to the first person on the waiting list.
    `notify=False` sends the registrant no e-mail (their record is about to be deleted)."""
    with transaction.atomic():
        registration = locked_registration(registration_id, confirmed_places=confirmed_places())
        event = registration.event
        if registration.status == RegistrationStatus.CANCELLED:
            return Result(registration, Outcome.ALREADY_CANCELLED)
        held_a_place = registration.status == RegistrationStatus.CONFIRMED
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        if notify:
            send_after_commit(registration, "cancelled")
        promoted = fill_free_places(event) if held_a_place else []
        if held_a_place:
            before = registration.confirmed_places
            places_changed(event, before, before - 1 + len(promoted))
        return Result(registration, Outcome.CANCELLED, promoted)


def fill_free_places(event):
    """Give free places to the waiting list, first come first served, and tell each person.

    The caller holds the event's lock (`lock_event`) inside its transaction. Also used when
    staff raise an event's capacity.
    """
    if event.is_cancelled or event.has_ended():
        return []
    waiting = Registration.objects.filter(
        event=event, status=RegistrationStatus.WAITLISTED
    ).order_by("waitlisted_at", "pk")
    if event.capacity is not None:
        free = event.capacity - confirmed_count(event)
        if free <= 0:
            return []
        waiting = waiting[:free]
    promoted = list(waiting)
    now = timezone.now()
    for registration in promoted:
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = now
        registration.save(update_fields=["status", "confirmed_at"])
        send_after_commit(registration, "promoted")
    return promoted


def promote_after_capacity_change(event_id):
    """After staff change an event's capacity or open its waiting list: fill what is free."""
    with transaction.atomic():
        event = lock_event(event_id)
        before = confirmed_count(event)
        promoted = fill_free_places(event)
        places_changed(event, before, before + len(promoted))
        return promoted


def resend(registration):
    """Send the registrant the e-mail that fits their registration now, with fresh links."""
    kind = {
        RegistrationStatus.PENDING: "request",
        RegistrationStatus.CONFIRMED: "confirmed",
        RegistrationStatus.WAITLISTED: "waitlisted",
        RegistrationStatus.CANCELLED: "cancelled",
    }[registration.status]
    from .emails import send_registration_email

    return send_registration_email(registration.pk, kind)

"""The capacity rule under concurrent requests, on PostgreSQL.

Real threads, each with its own database connection, released together by a barrier, call the
registration services at once. With the event row locked (services.LOCK_EVENT_ROW) confirmed
registrations never exceed the capacity and freed places go to the waiting list in order. The
control runs switch the lock off and show that the same tests then fail: they are able to.

Needs PostgreSQL (DATABASE_URL=postgres://...): SQLite serialises every write transaction
(BEGIN IMMEDIATE), so there is no race there to observe.
"""

import contextlib
import random
import threading
import traceback
from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from events import emails, services
from events.models import Registration, RegistrationStatus

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrency tests need PostgreSQL (set DATABASE_URL=postgres://...); SQLite "
        "serialises write transactions, so there is no race to test",
    ),
    pytest.mark.django_db(transaction=True),
]

RUNS = 20
# Without the lock every one of 20 measured runs went wrong (2 cores, PostgreSQL 15): 15 to 39
# of 50 confirmed for 10 places; parallel cancellations promoted 1 to 9 instead of 10 (several
# promote the same first in the queue), or the right 10 but some twice (two e-mails each). No
# test-only delay is needed to make the race show; 5 control runs are plenty.
CONTROL_RUNS = 5
CAPACITY = 10


class Crowd:
    """`size` threads, each with its own database connection, that make one call each per
    round, all released at once by a barrier; the test waits for the round to end.

    The threads and their connections last from round to round (each closes its connection when
    the crowd disperses): opening 50 PostgreSQL connections for each of 20 rounds would cost more
    than the rounds themselves on a small machine. Connecting is never part of the race.
    """

    def __init__(self, size, timeout=60):
        self.size = size
        self.start = threading.Barrier(size + 1, timeout=timeout)
        self.end = threading.Barrier(size + 1, timeout=timeout)
        self.job = None
        self.threads = [
            threading.Thread(target=self._work, args=(index,), daemon=True) for index in range(size)
        ]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc_info):
        self.job = None
        with contextlib.suppress(threading.BrokenBarrierError):
            self.start.wait()  # releases the threads with no job: they close and leave
        for thread in self.threads:
            thread.join(timeout=10)

    def _work(self, index):
        try:
            connection.ensure_connection()
            while True:
                self.start.wait()
                if self.job is None:
                    return
                function, arguments, results, failures = self.job
                try:
                    results[index] = function(arguments[index])
                except Exception:
                    failures.append(traceback.format_exc())
                self.end.wait()
        except threading.BrokenBarrierError:
            pass
        except BaseException:
            self.start.abort()  # could not connect: the test hears of it at once
            raise
        finally:
            connection.close()

    def run(self, function, arguments):
        """function(argument) for each argument, in parallel: the results in order, and the
        failures as tracebacks. A round that does not end within the timeout (a deadlock, a
        lock never released) breaks the barrier and fails the test."""
        assert len(arguments) == self.size
        results, failures = [None] * self.size, []
        self.job = (function, list(arguments), results, failures)
        self.start.wait()
        self.end.wait()
        return results, failures


@pytest.fixture
def new_event(make_event):
    """new_event(): a published event taking registrations, CAPACITY places and a waiting list."""
    return lambda: make_event(registration_enabled=True, capacity=CAPACITY, waiting_list=True)


@pytest.fixture
def without_the_lock(monkeypatch):
    """The control runs: the services no longer lock the event row."""
    monkeypatch.setattr(services, "LOCK_EVENT_ROW", False)


def add_registration(event, number, **fields):
    return Registration.objects.create(
        event=event,
        name=f"Person {number}",
        email=f"person{number}@example.org",
        consented_at=timezone.now(),
        **fields,
    )


def statuses(event):
    return Counter(event.registrations.values_list("status", flat=True))


def sent_emails(event):
    """(address, kind) of each e-mail in the outbox: the e-mails the threads sent once their
    transactions had committed (transaction.on_commit), none for a rolled-back one."""
    kinds = {
        str(subject) % {"event": event.title}: kind for kind, subject in emails.SUBJECTS.items()
    }
    return Counter(
        (message.to[0], kinds.get(message.subject, message.subject)) for message in mail.outbox
    )


def email_errors(event):
    return list(
        event.registrations.exclude(last_email_error="").values_list("last_email_error", flat=True)
    )


# --- Confirming: 50 people, 10 places ------------------------------------------------------


def confirm_fifty(crowd, event, run):
    """50 pending registrations for `event` confirmed at once: the event, its statuses, the
    outcomes the services reported, and the failures."""
    mail.outbox.clear()
    pks = [add_registration(event, f"{run}-{number}").pk for number in range(50)]
    results, failures = crowd.run(services.confirm, pks)
    outcomes = Counter(result.outcome for result in results if result is not None)
    return event, statuses(event), outcomes, failures


def test_parallel_confirmations_fill_the_places_exactly_and_waitlist_the_rest(new_event):
    with Crowd(50) as crowd:
        for run in range(RUNS):
            event, counts, outcomes, failures = confirm_fifty(crowd, new_event(), run)
            assert failures == [], f"run {run}:\n" + "\n".join(failures)
            assert counts == {
                RegistrationStatus.CONFIRMED: CAPACITY,
                RegistrationStatus.WAITLISTED: 50 - CAPACITY,
            }, f"run {run}"
            assert outcomes == {
                services.Outcome.CONFIRMED: CAPACITY,
                services.Outcome.WAITLISTED: 50 - CAPACITY,
            }, f"run {run}"
            # Every waitlisted registration has its place in the queue; nobody is left in between.
            assert not event.registrations.filter(
                status=RegistrationStatus.WAITLISTED, waitlisted_at__isnull=True
            ).exists()
            # One e-mail each, saying what became of them.
            assert email_errors(event) == [], f"run {run}"
            expected = Counter(event.registrations.values_list("email", "status"))
            assert sent_emails(event) == expected, f"run {run}"


def test_control_without_the_lock_parallel_confirmations_oversell(without_the_lock, new_event):
    confirmed = []
    with Crowd(50) as crowd:
        for run in range(CONTROL_RUNS):
            _event, counts, _outcomes, failures = confirm_fifty(crowd, new_event(), run)
            assert failures == [], f"run {run}:\n" + "\n".join(failures)
            confirmed.append(counts[RegistrationStatus.CONFIRMED])
    assert max(confirmed) > CAPACITY, (
        f"without the lock no run oversold (confirmed per run: {confirmed}): "
        "the parallel test cannot tell a missing lock"
    )


# --- Cancelling: 10 confirmed leave at once, 20 wait --------------------------------------------


def cancel_ten(crowd, event, run):
    """10 confirmed and 20 waitlisted for `event`; the 10 confirmed cancel at once. Returns the
    queue's first 10 (in waiting-list order), the event's statuses, the confirmed, the promoted
    as the services reported them, and the failures."""
    now = timezone.now()
    confirmed = [
        add_registration(
            event,
            f"{run}-c{number}",
            status=RegistrationStatus.CONFIRMED,
            confirmed_at=now - timedelta(hours=2),
        ).pk
        for number in range(CAPACITY)
    ]
    # Queue places that do not follow the order of creation (pk), so the test sees that the
    # queue is served by waitlisted_at.
    places = list(range(20))
    random.Random(run).shuffle(places)  # noqa: S311 - a fixed test order, not a secret
    waiting = {
        add_registration(
            event,
            f"{run}-w{place}",
            status=RegistrationStatus.WAITLISTED,
            waitlisted_at=now - timedelta(hours=1) + timedelta(seconds=place),
        ).pk: place
        for place in places
    }
    first_ten = {pk for pk, place in waiting.items() if place < CAPACITY}
    mail.outbox.clear()
    results, failures = crowd.run(services.cancel, confirmed)
    promoted = [
        registration.pk
        for result in results
        if result is not None
        for registration in result.promoted
    ]
    now_confirmed = set(
        event.registrations.filter(status=RegistrationStatus.CONFIRMED).values_list("pk", flat=True)
    )
    return event, first_ten, statuses(event), now_confirmed, promoted, failures


def test_parallel_cancellations_give_the_places_to_the_waiting_list_in_order(new_event):
    with Crowd(10) as crowd:
        for run in range(RUNS):
            event, first_ten, counts, confirmed, promoted, failures = cancel_ten(
                crowd, new_event(), run
            )
            assert failures == [], f"run {run}:\n" + "\n".join(failures)
            assert counts == {
                RegistrationStatus.CONFIRMED: CAPACITY,
                RegistrationStatus.WAITLISTED: 10,
                RegistrationStatus.CANCELLED: CAPACITY,
            }, f"run {run}"
            assert confirmed == first_ten, f"run {run}: promoted out of waiting-list order"
            # Each promoted once, by the cancellations together, and told once.
            assert sorted(promoted) == sorted(first_ten), f"run {run}"
            assert email_errors(event) == [], f"run {run}"
            expected = Counter(
                (email, "promoted" if status == RegistrationStatus.CONFIRMED else "cancelled")
                for email, status in event.registrations.exclude(
                    status=RegistrationStatus.WAITLISTED
                ).values_list("email", "status")
            )
            assert sent_emails(event) == expected, f"run {run}"


def test_control_without_the_lock_parallel_cancellations_break_the_queue(
    without_the_lock, new_event
):
    broken = []
    with Crowd(10) as crowd:
        for run in range(CONTROL_RUNS):
            _event, first_ten, counts, confirmed, promoted, failures = cancel_ten(
                crowd, new_event(), run
            )
            assert failures == [], f"run {run}:\n" + "\n".join(failures)
            correct = (
                counts[RegistrationStatus.CONFIRMED] == CAPACITY
                and confirmed == first_ten
                and sorted(promoted) == sorted(first_ten)
            )
            broken.append(not correct)
    assert any(broken), "without the lock every run was correct: the test cannot tell"


# --- The same address registering at once ------------------------------------------------------


def test_the_same_address_registering_in_parallel_gets_one_registration(new_event):
    with Crowd(20) as crowd:
        for run in range(5):
            event = new_event()
            mail.outbox.clear()
            # The same address as people type it: the services store it lower-cased.
            spellings = ["same@example.org", "Same@Example.org", " SAME@example.org "]
            arguments = [spellings[number % len(spellings)] for number in range(20)]

            def register(email, event=event):
                return services.register(event=event, name="Same Person", email=email)

            results, failures = crowd.run(register, arguments)
            assert failures == [], f"run {run}:\n" + "\n".join(failures)
            active = event.registrations.exclude(status=RegistrationStatus.CANCELLED)
            assert list(active.values_list("email", flat=True)) == ["same@example.org"]
            assert Counter(result.outcome for result in results) == {
                services.Outcome.CREATED: 1,
                services.Outcome.ALREADY_REGISTERED: 19,
            }, f"run {run}"
            assert {result.registration.pk for result in results} == {active.get().pk}
            # The request to confirm once; the later attempts remind the address of it, at
            # most once in services.REMINDER_INTERVAL, so the form cannot flood a mailbox.
            assert sent_emails(event) == {
                ("same@example.org", "request"): 1,
                ("same@example.org", "reminder"): 1,
            }, f"run {run}"

"""Every answer of the confirm button (POST to the confirm link), through the real address: what
becomes of the registration, what the registrant is told, which e-mail follows, and what the
cached pages hear of it."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.signals import content_changed
from events import services, tokens
from events.models import RegistrationStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirm(client, django_capture_on_commit_callbacks, mailoutbox, signals):
    """confirm(registration): POST its confirm link, run what waits for the commit; returns the
    response, the message shown, the registration as stored and the e-mails it caused.
    `signals` holds what the confirmation alone sent."""

    def post(registration):
        path = f"/events/registration/confirm/{tokens.make_token(registration, tokens.CONFIRM)}/"
        sent_before = len(mailoutbox)
        signals["parts"].clear()
        signals["content_changed"] = 0
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(path)
        assert response.status_code == 303
        manage_token = response["Location"].removeprefix("/events/registration/").strip("/")
        assert tokens.read_token(manage_token, tokens.MANAGE) == registration.pk
        (message,) = get_messages(response.wsgi_request)
        registration.refresh_from_db()
        return response, str(message), registration, mailoutbox[sent_before:]

    return post


@pytest.fixture
def signals(monkeypatch):
    """The page-cache parts retired (part_changed) and the content_changed signals sent."""
    sent = {"parts": [], "content_changed": 0}
    monkeypatch.setattr(services, "part_changed", sent["parts"].append)

    def receiver(**kwargs):
        sent["content_changed"] += 1

    content_changed.connect(receiver, dispatch_uid="test-confirm-rules")
    yield sent
    content_changed.disconnect(dispatch_uid="test-confirm-rules")


def limited_event(make_event, capacity=3, waiting_list=True, **fields):
    return make_event(
        "Limited seats",
        registration_enabled=True,
        capacity=capacity,
        waiting_list=waiting_list,
        **fields,
    )


def test_a_place_left_is_taken(confirm, make_event, make_registration, signals):
    event = limited_event(make_event)
    make_registration(event, RegistrationStatus.CONFIRMED)
    registration = make_registration(event)

    _response, message, registration, sent = confirm(registration)

    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.confirmed_at is not None
    assert registration.waitlisted_at is None
    assert message.startswith("Your place is confirmed.")
    assert [(m.to, m.subject) for m in sent] == [
        ([registration.email], "Your place is confirmed: Limited seats")
    ]
    # The page shows one place fewer; the event is not full: the other pages need not know.
    assert signals == {"parts": [services.places_part(event.slug)], "content_changed": 0}


def test_the_last_place_is_taken_and_the_event_becomes_full(
    confirm, make_event, make_registration, signals
):
    event = limited_event(make_event, capacity=2)
    make_registration(event, RegistrationStatus.CONFIRMED)
    make_registration(event, RegistrationStatus.WAITLISTED)  # holds no place
    make_registration(event, RegistrationStatus.CANCELLED)  # holds no place
    registration = make_registration(event)

    _response, message, registration, sent = confirm(registration)

    assert registration.status == RegistrationStatus.CONFIRMED
    assert message.startswith("Your place is confirmed.")
    assert len(sent) == 1
    # Full now: the cards on the lists and the home page say so as well.
    assert signals["parts"] == [services.places_part(event.slug)]
    assert signals["content_changed"] == 1


def test_when_full_the_waiting_list_takes_it(confirm, make_event, make_registration, signals):
    event = limited_event(make_event, capacity=1)
    make_registration(event, RegistrationStatus.CONFIRMED)
    registration = make_registration(event)

    _response, message, registration, sent = confirm(registration)

    assert registration.status == RegistrationStatus.WAITLISTED
    assert registration.waitlisted_at is not None
    assert registration.confirmed_at is None
    assert "you are on the waiting list" in message
    assert [m.subject for m in sent] == ["You are on the waiting list: Limited seats"]
    assert signals == {"parts": [], "content_changed": 0}


def test_when_full_without_a_waiting_list_it_stays_pending(
    confirm, make_event, make_registration, signals
):
    event = limited_event(make_event, capacity=1, waiting_list=False)
    make_registration(event, RegistrationStatus.CONFIRMED)
    registration = make_registration(event)

    _response, message, registration, sent = confirm(registration)

    assert registration.status == RegistrationStatus.PENDING
    assert registration.confirmed_at is None
    assert message == "Sorry, the event is full and has no waiting list."
    assert sent == []
    assert signals == {"parts": [], "content_changed": 0}


@pytest.mark.parametrize(
    ("status", "expected_message"),
    [
        (RegistrationStatus.CONFIRMED, "Your place is confirmed."),
        (RegistrationStatus.WAITLISTED, "The event is full, so you are on the waiting list."),
        (RegistrationStatus.CANCELLED, "This registration was cancelled;"),
    ],
)
def test_a_registration_no_longer_pending_is_left_as_it_is(
    confirm, make_event, make_registration, signals, status, expected_message
):
    event = limited_event(make_event, capacity=5)
    registration = make_registration(event, status)
    before = (registration.confirmed_at, registration.waitlisted_at, registration.cancelled_at)

    _response, message, registration, sent = confirm(registration)

    assert registration.status == status
    after = (registration.confirmed_at, registration.waitlisted_at, registration.cancelled_at)
    assert after == before
    assert message.startswith(expected_message)
    assert sent == []
    assert signals == {"parts": [], "content_changed": 0}


def test_a_cancelled_event_takes_no_confirmation(confirm, make_event, make_registration, signals):
    event = limited_event(make_event)
    registration = make_registration(event)
    event.is_cancelled = True
    event.save()

    _response, message, registration, sent = confirm(registration)

    assert registration.status == RegistrationStatus.PENDING
    assert message == "The event has been cancelled."
    assert sent == []
    assert signals == {"parts": [], "content_changed": 0}


def test_a_past_event_takes_no_confirmation(confirm, make_event, make_registration, signals):
    event = limited_event(make_event, starts_at=timezone.now() - timedelta(days=2))
    registration = make_registration(event)

    _response, message, registration, sent = confirm(registration)

    assert registration.status == RegistrationStatus.PENDING
    assert message == "The event has already taken place."
    assert sent == []
    assert signals == {"parts": [], "content_changed": 0}


def test_an_event_without_a_limit_always_has_a_place(
    confirm, make_event, make_registration, signals
):
    event = make_event("Open to all", registration_enabled=True, capacity=None)
    for _ in range(3):
        make_registration(event, RegistrationStatus.CONFIRMED)
    registration = make_registration(event)

    _response, message, registration, sent = confirm(registration)

    assert registration.status == RegistrationStatus.CONFIRMED
    assert message.startswith("Your place is confirmed.")
    assert [m.subject for m in sent] == ["Your place is confirmed: Open to all"]
    # The page shows no count: nothing to retire.
    assert signals == {"parts": [], "content_changed": 0}


@pytest.mark.parametrize("taken", [0, 3], ids=["a place", "the waiting list"])
def test_confirming_takes_two_statements_both_under_the_lock(
    client, make_event, make_registration, django_capture_on_commit_callbacks, taken
):
    """The event's row is locked, then one statement decides and takes the place or the place
    on the waiting list; no other query reads the registration, before or after."""
    event = limited_event(make_event, capacity=3)
    for _ in range(taken):
        make_registration(event, RegistrationStatus.CONFIRMED)
    registration = make_registration(event)
    path = f"/events/registration/confirm/{tokens.make_token(registration, tokens.CONFIRM)}/"

    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=False),
    ):
        response = client.post(path)

    assert response.status_code == 303
    statements = [
        query["sql"].strip()
        for query in queries.captured_queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "BEGIN", "COMMIT"))
    ]
    assert len(statements) == 2, statements
    assert statements[0].startswith('SELECT "events_event"')
    assert statements[1].startswith('WITH "taken"')
    registration.refresh_from_db()
    expected = RegistrationStatus.WAITLISTED if taken else RegistrationStatus.CONFIRMED
    assert registration.status == expected


def test_an_erased_registration_is_left_as_it_is(client, make_event, make_registration):
    event = limited_event(make_event)
    registration = make_registration(event, erased_at=timezone.now())
    path = f"/events/registration/confirm/{tokens.make_token(registration, tokens.CONFIRM)}/"

    response = client.post(path)

    assert response.status_code == 200
    assert "Your data is deleted" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING


def test_the_link_of_a_registration_that_no_longer_exists_is_not_found(
    client, make_event, make_registration
):
    registration = make_registration(limited_event(make_event))
    path = f"/events/registration/confirm/{tokens.make_token(registration, tokens.CONFIRM)}/"
    registration.delete()

    assert client.post(path).status_code == 404

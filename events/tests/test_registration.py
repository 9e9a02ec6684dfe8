"""Registration as a visitor goes through it: the form on an event's page in each of its states,
the e-mails, the confirm and manage links, the waiting list, and what happens when mail fails."""

import smtplib
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertNotContains

from devtools.samples import form_data, in_days, links_in
from events import services, tokens
from events.emails import build_message
from events.models import Registration, RegistrationState, RegistrationStatus

pytestmark = pytest.mark.django_db

FORM_MARK = 'class="registration-form"'


class FailingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("the mail server is down")


def register_url(event):
    return f"/events/{event.slug}/register/"


def registered_url(event):
    return f"/events/{event.slug}/registered/"


def post_registration(client, capture, event, **fields):
    """POST the form and run the e-mails that wait for the commit."""
    with capture(execute=True):
        return client.post(register_url(event), form_data(**fields))


def confirm_through_link(client, capture, message):
    (confirm_path,) = set(links_in(message)["confirm"])
    with capture(execute=True):
        return client.post(confirm_path)


def manage_path(message):
    (path,) = set(links_in(message)["manage"])
    return path


# --- The form in each state -------------------------------------------------------------------


def state_event(state, make_event, make_registration):
    """An event whose registration is in `state`."""
    now = timezone.now()
    fields = {"registration_enabled": True}
    if state == "open":
        pass
    elif state == "not-yet-open":
        fields["registration_opens_at"] = now + timedelta(days=2)
    elif state == "closed":
        fields["registration_opens_at"] = now - timedelta(days=5)
        fields["registration_closes_at"] = now - timedelta(hours=1)
    elif state in ("full", "waiting-list"):
        fields.update(capacity=1, waiting_list=state == "waiting-list")
    elif state == "cancelled":
        fields["is_cancelled"] = True
    elif state == "past":
        fields["starts_at"] = in_days(-3)
    elif state == "not-enabled":
        fields["registration_enabled"] = False
    elif state == "started":
        fields["starts_at"] = now - timedelta(minutes=30)
    event = make_event(f"Event {state}", **fields)
    if state in ("full", "waiting-list"):
        make_registration(event, RegistrationStatus.CONFIRMED)
    return event


CLOSED_STATES = [
    ("not-yet-open", RegistrationState.NOT_YET_OPEN, "Registration has not opened yet."),
    ("closed", RegistrationState.CLOSED, "Registration is closed."),
    ("started", RegistrationState.CLOSED, "Registration is closed."),
    ("full", RegistrationState.FULL, "The event is full and has no waiting list."),
    ("cancelled", RegistrationState.CANCELLED, "The event has been cancelled."),
    ("past", RegistrationState.PAST, "The event has taken place."),
    # Without registration the page may say so or leave the section out; it offers no form.
    ("not-enabled", RegistrationState.NOT_REQUIRED, None),
]

STATE_IDS = [state for state, _, _ in CLOSED_STATES]


@pytest.mark.parametrize(("state", "expected", "text"), CLOSED_STATES, ids=STATE_IDS)
def test_the_page_says_why_the_form_is_not_offered(
    client, make_event, make_registration, state, expected, text
):
    event = state_event(state, make_event, make_registration)

    response = client.get(event.get_absolute_url())

    assert response.status_code == 200
    assert response.context["registration_state"] == expected
    if text:
        assertContains(response, text)
    assertNotContains(response, FORM_MARK)
    assertNotContains(response, 'name="consent"')


@pytest.mark.parametrize(("state", "expected", "text"), CLOSED_STATES, ids=STATE_IDS)
def test_a_registration_posted_when_the_form_is_not_offered_goes_back_to_the_page(
    client,
    make_event,
    make_registration,
    django_capture_on_commit_callbacks,
    mailoutbox,
    state,
    expected,
    text,
):
    event = state_event(state, make_event, make_registration)
    before = Registration.objects.count()

    response = post_registration(client, django_capture_on_commit_callbacks, event)

    assert response.status_code == 303
    assert response["Location"] == event.get_absolute_url()
    assert Registration.objects.count() == before
    assert not Registration.objects.filter(email="ana@example.org").exists()
    assert mailoutbox == []


def test_an_open_event_offers_the_form(client, make_event, make_registration):
    event = state_event("open", make_event, make_registration)

    response = client.get(event.get_absolute_url())

    assert response.context["registration_state"] == RegistrationState.OPEN
    assertContains(response, FORM_MARK)
    assertContains(response, f'action="{register_url(event)}"')
    for field in ("name", "email", "organisation", "country", "consent", "website"):
        assertContains(response, f'name="{field}"')


def test_an_event_with_places_left_says_how_many(client, make_event, make_registration):
    event = make_event("Small room", registration_enabled=True, capacity=3)
    make_registration(event, RegistrationStatus.CONFIRMED)
    make_registration(event, RegistrationStatus.PENDING)  # holds no place yet

    assertContains(client.get(event.get_absolute_url()), "2 places left.")


def test_a_full_event_with_a_waiting_list_offers_the_form_and_says_places_are_taken(
    client, make_event, make_registration
):
    event = state_event("waiting-list", make_event, make_registration)

    response = client.get(event.get_absolute_url())

    assert response.context["registration_state"] == RegistrationState.OPEN
    assertContains(response, FORM_MARK)
    assertContains(
        response, "All places are taken: if you register now, you join the waiting list."
    )


@pytest.mark.parametrize("state", ["open", "waiting-list"])
def test_a_registration_posted_to_an_open_form_is_taken(
    client, make_event, make_registration, django_capture_on_commit_callbacks, state
):
    event = state_event(state, make_event, make_registration)

    response = post_registration(client, django_capture_on_commit_callbacks, event)

    assert response.status_code == 303
    assert response["Location"] == registered_url(event)
    assert Registration.objects.get(email="ana@example.org").status == RegistrationStatus.PENDING


def test_the_register_address_takes_posts_only(client, open_event):
    response = client.get(register_url(open_event))

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert client.head(register_url(open_event)).status_code == 405


# --- From the form to a confirmed place -------------------------------------------------------


@pytest.fixture
def july_event(make_event):
    """An upcoming event on 15 July next year, 09:00-11:00 New York time (13:00-15:00 UTC)."""
    year = timezone.now().year + 1
    return make_event(
        "Solidarity dialogue",
        slug="solidarity-dialogue",
        starts_at=datetime(year, 7, 15, 13, tzinfo=UTC),
        hours=2,
        time_zone="America/New_York",
        registration_enabled=True,
        online_url="https://meet.example.org/secret-room",
    )


def test_a_valid_registration_is_pending_and_sends_one_email_asking_to_confirm(
    client, july_event, mailoutbox, django_capture_on_commit_callbacks
):
    response = post_registration(
        client, django_capture_on_commit_callbacks, july_event, email="Ana@Example.org"
    )

    assert response.status_code == 303
    assert response["Location"] == "/events/solidarity-dialogue/registered/"
    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.PENDING
    assert registration.email == "ana@example.org"
    assert registration.name == "Ana Pereira"
    assert registration.last_email_at is not None
    assert registration.last_email_error == ""

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["ana@example.org"]
    assert message.subject == "Please confirm your registration: Solidarity dialogue"
    assert "09:00\u201311:00 New York time (UTC-4)" in message.body
    assert "15 July" in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert "09:00\u201311:00 New York time (UTC-4)" in html
    [(filename, content, attachment_type)] = message.attachments
    assert attachment_type == "text/calendar"
    assert filename == "solidarity-dialogue.ics"
    assert "BEGIN:VCALENDAR" in (content if isinstance(content, str) else content.decode())
    links = links_in(message)
    assert len(set(links["confirm"])) == 1
    assert len(set(links["manage"])) == 1
    assert "secret-room" not in message.body  # not before the place is confirmed

    page = client.get(response["Location"])
    assert page.status_code == 200
    assertContains(page, "Check your e-mail")


@pytest.mark.parametrize(
    ("venue", "city", "country", "where"),
    [
        ("Hall <A>", "Bogotá", True, "Hall <A>, Bogotá, Colombia"),
        ("Hall <A>", "", False, "Hall <A>"),
        ("", "", True, "Colombia"),
        ("", "", False, None),
    ],
)
def test_the_emails_say_where_from_what_is_known(
    make_event, make_registration, countries, venue, city, country, where
):
    event = make_event(venue=venue, city=city, country=countries["colombia"] if country else None)

    message = build_message(make_registration(event), "request")

    [(html, _mimetype)] = message.alternatives
    if where is None:
        assert "Where:" not in message.body
        assert "Where:" not in html
    else:
        assert f"\nWhere: {where}\nEvent page: " in message.body
        assert f"<p><strong>Where:</strong> {escape(where)}</p>" in html


def test_the_confirm_link_shows_a_button_and_confirming_takes_a_place(
    client, july_event, mailoutbox, django_capture_on_commit_callbacks
):
    post_registration(client, django_capture_on_commit_callbacks, july_event)
    (confirm_path,) = set(links_in(mailoutbox[0])["confirm"])

    page = client.get(confirm_path)
    assert page.status_code == 200
    assertContains(page, "Confirm my registration</button>")
    assert Registration.objects.get().status == RegistrationStatus.PENDING  # GET changes nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm_path)

    assert response.status_code == 303
    assert response["Location"].startswith("/events/registration/")
    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.confirmed_at is not None
    assert len(mailoutbox) == 2
    assert mailoutbox[1].subject == "Your place is confirmed: Solidarity dialogue"
    assert "https://meet.example.org/secret-room" in mailoutbox[1].body

    manage_page = client.get(response["Location"])
    assert manage_page.status_code == 200
    assertContains(manage_page, "Your place is confirmed.")
    assertContains(manage_page, "Confirmed")
    assertContains(manage_page, "https://meet.example.org/secret-room")
    assert "no-cache" in manage_page["Cache-Control"]


def test_the_manage_page_hides_the_online_link_until_the_place_is_confirmed(
    client, july_event, mailoutbox, django_capture_on_commit_callbacks
):
    post_registration(client, django_capture_on_commit_callbacks, july_event)

    page = client.get(manage_path(mailoutbox[0]))

    assert page.status_code == 200
    assertContains(page, "Waiting for e-mail confirmation")
    assertNotContains(page, "secret-room")


def test_a_second_confirmation_is_waitlisted_and_promoted_when_the_first_cancels(
    client, make_event, mailoutbox, django_capture_on_commit_callbacks
):
    event = make_event("One seat", registration_enabled=True, capacity=1, waiting_list=True)
    capture = django_capture_on_commit_callbacks
    post_registration(client, capture, event, email="first@example.org", name="First Person")
    post_registration(client, capture, event, email="second@example.org", name="Second Person")
    first_request, second_request = mailoutbox

    confirm_through_link(client, capture, first_request)
    response = confirm_through_link(client, capture, second_request)

    first = Registration.objects.get(email="first@example.org")
    second = Registration.objects.get(email="second@example.org")
    assert first.status == RegistrationStatus.CONFIRMED
    assert second.status == RegistrationStatus.WAITLISTED
    assertContains(client.get(response["Location"]), "you are on the waiting list")
    assert mailoutbox[-1].to == ["second@example.org"]
    assert mailoutbox[-1].subject.startswith("You are on the waiting list")

    sent_before = len(mailoutbox)
    with capture(execute=True):
        response = client.post(manage_path(first_request), {"action": "cancel"})

    assert response.status_code == 303
    assert response["Location"] == manage_path(first_request)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == RegistrationStatus.CANCELLED
    assert second.status == RegistrationStatus.CONFIRMED
    new_mail = {message.to[0]: message for message in mailoutbox[sent_before:]}
    assert set(new_mail) == {"first@example.org", "second@example.org"}
    assert new_mail["first@example.org"].subject.startswith("Registration cancelled")
    assert new_mail["second@example.org"].subject == "A place is now yours: One seat"
    assertContains(client.get(manage_path(first_request)), "Your registration is cancelled.")


def test_confirming_when_full_without_a_waiting_list_says_so_and_leaves_it_pending(
    client, make_event, mailoutbox, django_capture_on_commit_callbacks
):
    event = make_event("One seat", registration_enabled=True, capacity=1, waiting_list=False)
    capture = django_capture_on_commit_callbacks
    post_registration(client, capture, event, email="first@example.org")
    post_registration(client, capture, event, email="second@example.org")
    first_request, second_request = mailoutbox
    confirm_through_link(client, capture, first_request)
    sent_before = len(mailoutbox)

    response = confirm_through_link(client, capture, second_request)

    assert response.status_code == 303
    assertContains(client.get(response["Location"]), "Sorry, the event is full")
    second = Registration.objects.get(email="second@example.org")
    assert second.status == RegistrationStatus.PENDING
    assert len(mailoutbox) == sent_before
    assert Registration.objects.filter(status=RegistrationStatus.CONFIRMED).count() == 1


@pytest.mark.parametrize("again", ["ana@example.org", "ANA@Example.ORG", "  Ana@example.org "])
def test_registering_an_address_again_answers_alike_and_sends_a_reminder(
    client, july_event, mailoutbox, django_capture_on_commit_callbacks, again
):
    capture = django_capture_on_commit_callbacks
    first = post_registration(client, capture, july_event)

    second = post_registration(client, capture, july_event, email=again, name="Someone Else")

    assert (second.status_code, second["Location"]) == (first.status_code, first["Location"])
    assert Registration.objects.count() == 1
    assert Registration.objects.get().name == "Ana Pereira"
    assert len(mailoutbox) == 2
    reminder = mailoutbox[1]
    assert reminder.to == ["ana@example.org"]
    assert reminder.subject == "Your registration: Solidarity dialogue"
    assert links_in(reminder)["confirm"]  # still pending: the reminder can confirm it


def test_after_cancelling_the_same_address_may_register_again(
    client, july_event, mailoutbox, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    post_registration(client, capture, july_event)
    with capture(execute=True):
        client.post(manage_path(mailoutbox[0]), {"action": "cancel"})

    response = post_registration(client, capture, july_event)

    assert response.status_code == 303
    statuses = list(Registration.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == [RegistrationStatus.CANCELLED, RegistrationStatus.PENDING]
    assert mailoutbox[-1].subject.startswith("Please confirm your registration")


def test_an_expired_confirm_link_is_gone(
    client, july_event, mailoutbox, django_capture_on_commit_callbacks
):
    post_registration(client, django_capture_on_commit_callbacks, july_event)
    (confirm_path,) = set(links_in(mailoutbox[0])["confirm"])
    later = timezone.now() + timedelta(seconds=settings.EVENTS_CONFIRM_LINK_MAX_AGE + 60)

    with time_machine.travel(later, tick=False):
        get = client.get(confirm_path)
        post = client.post(confirm_path)

    assert get.status_code == 410
    assert post.status_code == 410
    assertContains(get, "This link has expired", status_code=410)
    assert Registration.objects.get().status == RegistrationStatus.PENDING


def test_a_confirm_link_just_inside_its_time_still_works(
    client, july_event, mailoutbox, django_capture_on_commit_callbacks
):
    post_registration(client, django_capture_on_commit_callbacks, july_event)
    (confirm_path,) = set(links_in(mailoutbox[0])["confirm"])
    later = timezone.now() + timedelta(seconds=settings.EVENTS_CONFIRM_LINK_MAX_AGE - 60)

    with time_machine.travel(later, tick=False):
        assert client.get(confirm_path).status_code == 200


def test_a_tampered_confirm_link_is_not_found(
    client, july_event, mailoutbox, django_capture_on_commit_callbacks
):
    post_registration(client, django_capture_on_commit_callbacks, july_event)
    (confirm_path,) = set(links_in(mailoutbox[0])["confirm"])
    token = confirm_path.rstrip("/").rsplit("/", 1)[-1]
    last = "A" if token[-1] != "A" else "B"

    for bad in (token[:-1] + last, token[:-1], "x" + token, token.upper()):
        response = client.post(f"/events/registration/confirm/{bad}/")
        assert response.status_code == 404, bad
    assert Registration.objects.get().status == RegistrationStatus.PENDING


def test_a_link_of_one_kind_does_not_work_as_the_other(
    client, july_event, mailoutbox, django_capture_on_commit_callbacks
):
    post_registration(client, django_capture_on_commit_callbacks, july_event)
    registration = Registration.objects.get()
    manage_token = tokens.make_token(registration, tokens.MANAGE)
    confirm_token = tokens.make_token(registration, tokens.CONFIRM)

    assert client.get(f"/events/registration/confirm/{manage_token}/").status_code == 404
    assert client.post(f"/events/registration/confirm/{manage_token}/").status_code == 404
    assert client.get(f"/events/registration/{confirm_token}/").status_code == 404
    response = client.post(f"/events/registration/{confirm_token}/", {"action": "cancel"})
    assert response.status_code == 404
    assert Registration.objects.get().status == RegistrationStatus.PENDING


def test_a_failing_mail_server_does_not_lose_the_registration(
    client, settings, july_event, mailoutbox, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"

    response = post_registration(client, django_capture_on_commit_callbacks, july_event)

    assert response.status_code == 303
    assert response["Location"] == registered_url(july_event)
    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.PENDING
    assert "the mail server is down" in registration.last_email_error
    assert registration.last_email_at is None
    assert mailoutbox == []


def test_a_failing_mail_server_does_not_undo_a_confirmation(
    client, settings, july_event, mailoutbox, django_capture_on_commit_callbacks
):
    post_registration(client, django_capture_on_commit_callbacks, july_event)
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"

    response = confirm_through_link(client, django_capture_on_commit_callbacks, mailoutbox[0])

    assert response.status_code == 303
    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert "confirmed" in registration.last_email_error


def test_repeated_attempts_send_at_most_one_reminder_per_interval(
    client, open_event, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    # The interval is kept in the cache (Redis in production), whose own clock expires it:
    # shortened here so that the test waits for a real expiry on any cache backend.
    monkeypatch.setattr(services, "REMINDER_INTERVAL", timedelta(seconds=1))
    data = form_data()
    url = f"/events/{open_event.slug}/register/"
    with django_capture_on_commit_callbacks(execute=True):
        for _attempt in range(5):
            assert client.post(url, data).status_code == 303
    assert [message.subject.split(":")[0] for message in mailoutbox] == [
        "Please confirm your registration",
        "Your registration",
    ]
    time.sleep(1.2)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, data)
    assert len(mailoutbox) == 3

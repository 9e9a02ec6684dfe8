"""The events admin, used through its own URLs as staff would: registration figures, times in
the event's own zone, promotion from the waiting list, and the registration actions."""

import csv
import io
import itertools
import smtplib
from datetime import UTC, datetime, timedelta

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from devtools.samples import management_form
from events.admin import neutralise_csv_cell
from events.models import Event, EventFormat, EventKind, Registration, RegistrationStatus
from publishing.models import Status

EVENTS = "admin:events_event_changelist"
ADD_EVENT = "admin:events_event_add"
REGISTRATIONS = "admin:events_registration_changelist"

_numbers = itertools.count(1)


class FailingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("the mail server is down")


def event_url(event):
    return reverse("admin:events_event_change", args=[event.pk])


def register(event, name, status, *, email=None, minutes_ago=0):
    """A registration as the services leave it, `minutes_ago` setting the queue order."""
    moment = timezone.now() - timedelta(minutes=minutes_ago)
    return Registration.objects.create(
        event=event,
        name=name,
        email=email or f"person{next(_numbers)}@example.org",
        consented_at=moment,
        status=status,
        confirmed_at=moment if status == RegistrationStatus.CONFIRMED else None,
        waitlisted_at=moment if status == RegistrationStatus.WAITLISTED else None,
    )


def event_form(source, **fields):
    """What the add form posts for a minimal event; times are in `time_zone`."""
    data = {
        "title": "World Day for South-South Cooperation",
        "slug": "ssc-day",
        "kind": EventKind.OBSERVANCE,
        "summary": "A day to celebrate cooperation.",
        "starts_at_0": "2021-09-10",
        "starts_at_1": "09:00",
        "ends_at_0": "2021-09-10",
        "ends_at_1": "11:00",
        "time_zone": "America/New_York",
        "date_precision": "time",
        "format": EventFormat.HYBRID,
        "sources": [source.pk],
        "registration_opens_at_0": "",
        "registration_opens_at_1": "",
        "registration_closes_at_0": "",
        "registration_closes_at_1": "",
        "capacity": "",
        "waiting_list": "on",
        "status": Status.DRAFT,
        "published_at_0": "",
        "published_at_1": "",
        "image_alt": "",
    }
    data.update(fields)
    return data


def change_form(event, source, **fields):
    """What the change form posts for `event` as stored, its registrations listed read-only."""
    start, end = event.local_start, event.local_end
    data = event_form(
        source,
        title=event.title,
        slug=event.slug,
        kind=event.kind,
        summary=event.summary,
        starts_at_0=f"{start:%Y-%m-%d}",
        starts_at_1=f"{start:%H:%M:%S}",
        ends_at_0=f"{end:%Y-%m-%d}",
        ends_at_1=f"{end:%H:%M:%S}",
        time_zone=event.time_zone,
        registration_enabled="on",
        capacity="" if event.capacity is None else str(event.capacity),
        status=event.status,
        **management_form("registrations", event.registrations.count(), initial=0),
    )
    if not event.waiting_list:
        del data["waiting_list"]
    # A published event's changes are public at once only by a publisher's choice.
    data["_publish_now"] = "Save and publish now"
    data.update(fields)
    return data


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def action(client, name, registrations, **extra):
    return client.post(
        reverse(REGISTRATIONS),
        {"action": name, "_selected_action": [r.pk for r in registrations], **extra},
        follow=name != "export_csv",
    )


# --- The event changelist --------------------------------------------------------------------


def test_changelist_shows_the_start_in_the_events_zone_and_the_registration_figures(
    admin_client, make_event
):
    event = make_event(
        "Expo 2021",
        starts_at=datetime(2021, 9, 10, 13, 0, tzinfo=UTC),
        time_zone="America/New_York",
        capacity=10,
    )
    for status, count in [
        (RegistrationStatus.CONFIRMED, 3),
        (RegistrationStatus.WAITLISTED, 2),
        (RegistrationStatus.PENDING, 1),
        (RegistrationStatus.CANCELLED, 4),
    ]:
        for number in range(count):
            register(event, f"{status} {number}", status)

    html = admin_client.get(reverse(EVENTS)).content.decode()

    assert '<td class="field-start">2021-09-10 09:00 New York time</td>' in html
    assert '<td class="field-places">3 / 10</td>' in html
    assert '<td class="field-waitlisted">2</td>' in html
    assert '<td class="field-pending">1</td>' in html


def test_changelist_shows_a_dash_for_no_capacity(admin_client, make_event):
    make_event(capacity=None)

    html = admin_client.get(reverse(EVENTS)).content.decode()

    assert '<td class="field-places">0 / —</td>' in html


def test_changelist_query_count_does_not_grow_with_the_number_of_events(admin_client, make_event):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.get(reverse(EVENTS))
        assert response.status_code == 200
        return len(queries), len(response.context["cl"].result_list)

    admin_client.get(reverse(EVENTS))  # sessions, content types: caches warm
    first = make_event()
    register(first, "Someone", RegistrationStatus.CONFIRMED)
    with_one = count_queries()
    for number in range(19):
        event = make_event(capacity=5)
        register(event, f"Confirmed {number}", RegistrationStatus.CONFIRMED)
        register(event, f"Waiting {number}", RegistrationStatus.WAITLISTED)

    with_twenty = count_queries()

    assert with_one[1] == 1
    assert with_twenty[1] == 20
    assert with_one[0] == with_twenty[0]


def test_changelist_filters_by_start_year(admin_client, make_event):
    make_event("In 2021", starts_at=datetime(2021, 9, 10, 13, tzinfo=UTC))
    make_event("In 2024", starts_at=datetime(2024, 3, 1, 13, tzinfo=UTC))

    response = admin_client.get(reverse(EVENTS), {"year": "2021"})

    assert [event.title for event in response.context["cl"].result_list] == ["In 2021"]
    assert "?year=2024" in response.content.decode()


def test_search_finds_an_event_by_city(admin_client, make_event):
    make_event("In Nairobi", city="Nairobi")
    make_event("In Bangkok", city="Bangkok")

    response = admin_client.get(reverse(EVENTS), {"q": "nairobi"})

    assert [event.title for event in response.context["cl"].result_list] == ["In Nairobi"]


# --- The add and change forms ----------------------------------------------------------------


def test_times_entered_in_new_york_are_stored_in_utc(admin_client, source):
    response = admin_client.post(reverse(ADD_EVENT), event_form(source))

    assert response.status_code == 302, response.context["adminform"].form.errors
    event = Event.objects.get(slug="ssc-day")
    assert event.starts_at == datetime(2021, 9, 10, 13, 0, tzinfo=UTC)
    assert event.ends_at == datetime(2021, 9, 10, 15, 0, tzinfo=UTC)
    assert event.time_zone == "America/New_York"


def test_times_are_read_in_the_time_zone_being_saved(admin_client, source):
    response = admin_client.post(reverse(ADD_EVENT), event_form(source, time_zone="Asia/Bangkok"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    event = Event.objects.get(slug="ssc-day")
    assert event.starts_at == datetime(2021, 9, 10, 2, 0, tzinfo=UTC)


def test_change_form_shows_times_in_the_events_zone(admin_client, make_event):
    event = make_event(
        starts_at=datetime(2021, 9, 10, 13, 0, tzinfo=UTC), time_zone="America/New_York"
    )

    response = admin_client.get(event_url(event))

    html = response.content.decode()
    assert 'name="starts_at_1" value="09:00:00"' in html
    assert 'name="ends_at_1" value="11:00:00"' in html
    assert "Dates and times are in the event's time zone." in html
    assert '<option value="America/New_York" selected>America/New York</option>' in html


def test_end_before_start_is_a_form_error(admin_client, source):
    response = admin_client.post(reverse(ADD_EVENT), event_form(source, ends_at_1="08:00"))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["ends_at"] == ["The event cannot end before it starts."]
    assert not Event.objects.exists()


def test_a_time_the_clocks_skip_is_a_form_error(admin_client, source):
    # 02:30 on 14 March 2021 never happened in New York: the clocks went from 02:00 to 03:00.
    data = event_form(source, starts_at_0="2021-03-14", starts_at_1="02:30", ends_at_0="2021-03-14")

    response = admin_client.post(reverse(ADD_EVENT), data)

    assert response.status_code == 200
    assert "starts_at" in response.context["adminform"].form.errors
    assert not Event.objects.exists()


def test_negative_capacity_is_a_form_error(admin_client, source):
    response = admin_client.post(reverse(ADD_EVENT), event_form(source, capacity="-1"))

    assert response.status_code == 200
    assert "capacity" in response.context["adminform"].form.errors
    assert not Event.objects.exists()


def test_an_unknown_time_zone_is_a_form_error(admin_client, source):
    response = admin_client.post(reverse(ADD_EVENT), event_form(source, time_zone="Mars/Olympus"))

    assert response.status_code == 200
    assert "time_zone" in response.context["adminform"].form.errors
    assert not Event.objects.exists()


def test_raising_the_capacity_promotes_the_waiting_list_in_order_and_tells_them(
    admin_client, source, mailoutbox, django_capture_on_commit_callbacks, make_event
):
    event = make_event("Full conference", capacity=1, registration_enabled=True)
    event.sources.set([source])
    register(event, "Already in", RegistrationStatus.CONFIRMED, minutes_ago=60)
    third = register(event, "Third", RegistrationStatus.WAITLISTED, minutes_ago=10)
    first = register(event, "First", RegistrationStatus.WAITLISTED, minutes_ago=30)
    second = register(event, "Second", RegistrationStatus.WAITLISTED, minutes_ago=20)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            event_url(event), change_form(event, source, capacity="3"), follow=True
        )

    assert response.status_code == 200
    assert "2 people on the waiting list were given a place and told by e-mail." in (
        messages_of(response)
    )
    statuses = dict(Registration.objects.values_list("name", "status"))
    assert statuses == {
        "Already in": RegistrationStatus.CONFIRMED,
        "First": RegistrationStatus.CONFIRMED,
        "Second": RegistrationStatus.CONFIRMED,
        "Third": RegistrationStatus.WAITLISTED,
    }
    assert sorted(message.to[0] for message in mailoutbox) == sorted([first.email, second.email])
    assert all("A place is now yours" in message.subject for message in mailoutbox)
    assert third.email not in {message.to[0] for message in mailoutbox}


def test_saving_without_free_places_promotes_nobody(
    admin_client, source, mailoutbox, django_capture_on_commit_callbacks, make_event
):
    event = make_event(capacity=1, registration_enabled=True)
    event.sources.set([source])
    register(event, "In", RegistrationStatus.CONFIRMED)
    register(event, "Waiting", RegistrationStatus.WAITLISTED)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            event_url(event), change_form(event, source, title="Renamed"), follow=True
        )

    assert response.status_code == 200
    assert Registration.objects.get(name="Waiting").status == RegistrationStatus.WAITLISTED
    assert mailoutbox == []


# --- The registration actions ----------------------------------------------------------------


def test_resend_action_sends_the_email_that_fits_each_registration(
    admin_client, make_event, mailoutbox
):
    event = make_event("Expo")
    confirmed = register(event, "Confirmed", RegistrationStatus.CONFIRMED)
    waiting = register(event, "Waiting", RegistrationStatus.WAITLISTED)

    response = action(admin_client, "resend_email", [confirmed, waiting])

    assert "2 e-mails sent." in messages_of(response)
    assert {message.to[0]: message.subject for message in mailoutbox} == {
        confirmed.email: "Your place is confirmed: Expo",
        waiting.email: "You are on the waiting list: Expo",
    }
    confirmed.refresh_from_db()
    assert confirmed.last_email_at is not None


def test_resend_action_keeps_the_registration_and_its_error_when_sending_fails(
    admin_client, make_event, settings
):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    registration = register(make_event(), "Unlucky", RegistrationStatus.CONFIRMED)

    response = action(admin_client, "resend_email", [registration])

    assert "0 e-mails sent." in messages_of(response)
    assert "1 e-mail failed; the error is kept on the registration." in messages_of(response)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert "the mail server is down" in registration.last_email_error
    assert '<img src="/static/admin/img/icon-no.svg" alt="False">' in (
        admin_client.get(reverse(REGISTRATIONS)).content.decode()
    )


def test_cancel_action_gives_the_place_to_the_first_on_the_waiting_list(
    admin_client, make_event, mailoutbox, django_capture_on_commit_callbacks
):
    event = make_event("Expo", capacity=1, registration_enabled=True)
    leaving = register(event, "Leaving", RegistrationStatus.CONFIRMED, minutes_ago=60)
    first = register(event, "First", RegistrationStatus.WAITLISTED, minutes_ago=30)
    second = register(event, "Second", RegistrationStatus.WAITLISTED, minutes_ago=20)

    with django_capture_on_commit_callbacks(execute=True):
        response = action(admin_client, "cancel_registrations", [leaving])

    assert "1 registration cancelled. 1 person promoted from the waiting list." in (
        messages_of(response)
    )
    for registration, status in [
        (leaving, RegistrationStatus.CANCELLED),
        (first, RegistrationStatus.CONFIRMED),
        (second, RegistrationStatus.WAITLISTED),
    ]:
        registration.refresh_from_db()
        assert registration.status == status
    assert {message.to[0]: message.subject for message in mailoutbox} == {
        leaving.email: "Registration cancelled: Expo",
        first.email: "A place is now yours: Expo",
    }


def test_cancel_action_leaves_an_already_cancelled_registration_alone(admin_client, make_event):
    registration = register(make_event(), "Gone", RegistrationStatus.CANCELLED)

    response = action(admin_client, "cancel_registrations", [registration])

    assert "0 registrations cancelled. 0 people promoted from the waiting list." in (
        messages_of(response)
    )


HOSTILE_NAMES = ['=HYPERLINK("x")', "+1", "-2", "@SUM(A1)", "\tX", "\rY"]


def test_export_action_writes_a_csv_that_spreadsheets_do_not_evaluate(admin_client, make_event):
    event = make_event("Expo", starts_at=datetime(2031, 9, 10, 13, tzinfo=UTC))
    registrations = [
        register(event, name, RegistrationStatus.CONFIRMED, minutes_ago=10 - number)
        for number, name in enumerate([*HOSTILE_NAMES, "Ana María O'Neil"])
    ]

    response = action(admin_client, "export_csv", registrations)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="registrations-{timezone.now():%Y-%m-%d}.csv"'
    )
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert rows[0] == [
        "event",
        "name",
        "e-mail",
        "organisation",
        "country",
        "status",
        "registered (UTC)",
        "confirmed (UTC)",
        "agreed to the privacy notice (UTC, ISO 8601)",
        "personal data erased (UTC, ISO 8601)",
    ]
    assert [row[1] for row in rows[1:]] == [
        '\'=HYPERLINK("x")',
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "'\tX",
        "'\rY",
        "Ana María O'Neil",
    ]
    assert rows[1][0] == "Expo"
    assert rows[1][2] == registrations[0].email
    assert rows[1][5] == "Confirmed"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("-", "'-"),
        ("\r\n", "'\r\n"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (42, "42"),
    ],
)
def test_neutralise_csv_cell(value, cell):
    assert neutralise_csv_cell(value) == cell


def test_the_registration_admin_offers_no_add_and_no_editable_field(admin_client, make_event):
    registration = register(make_event(), "Someone", RegistrationStatus.PENDING)

    assert admin_client.get(reverse("admin:events_registration_add")).status_code == 403
    response = admin_client.get(reverse("admin:events_registration_change", args=[registration.pk]))
    assert response.status_code == 200
    assert list(response.context["adminform"].form.fields) == []


# --- Permissions -----------------------------------------------------------------------------


def test_staff_without_registration_permissions_see_no_registrants(staff_client, make_event):
    client = staff_client("view_event", "change_event")
    event = make_event()
    register(event, "Private Person", RegistrationStatus.CONFIRMED, email="private@example.org")

    assert client.get(reverse(REGISTRATIONS)).status_code == 403
    response = client.get(event_url(event))
    assert response.status_code == 200
    html = response.content.decode()
    assert "private@example.org" not in html
    assert "Private Person" not in html


def test_staff_with_the_view_permission_see_registrants_on_the_event(staff_client, make_event):
    client = staff_client("view_event", "view_registration")
    event = make_event()
    register(event, "Visible Person", RegistrationStatus.CONFIRMED, email="visible@example.org")

    html = client.get(event_url(event)).content.decode()

    assert "visible@example.org" in html


def test_staff_without_the_export_permission_are_not_offered_the_export(staff_client, make_event):
    client = staff_client("view_registration", "change_registration")
    registration = register(make_event(), "Someone", RegistrationStatus.CONFIRMED)

    response = client.get(reverse(REGISTRATIONS))

    offered = [name for name, _label in response.context["action_form"].fields["action"].choices]
    assert "export_csv" not in offered
    assert "cancel_registrations" in offered
    posted = action(client, "export_csv", [registration])
    assert posted.status_code == 302  # back to the list: not an action this user has
    assert not posted["Content-Type"].startswith("text/csv")


def test_staff_with_the_export_permission_can_export(staff_client, make_event):
    client = staff_client("view_registration", "export_registration")
    registration = register(make_event(), "Someone", RegistrationStatus.CONFIRMED)

    response = client.get(reverse(REGISTRATIONS))

    offered = [name for name, _label in response.context["action_form"].fields["action"].choices]
    assert offered[1:] == ["export_csv"]
    assert action(client, "export_csv", [registration])["Content-Type"].startswith("text/csv")

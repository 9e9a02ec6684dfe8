"""Registrants' personal data: erased once the retention period is over
(`erase_expired_registrations`), at once through "Delete my data" on the manage link, or by staff;
and how the admin and its CSV export show consent and erased registrations."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from devtools.samples import form_data, links_in
from events import tokens
from events.models import Registration, RegistrationStatus

pytestmark = pytest.mark.django_db

REGISTRATIONS = "admin:events_registration_changelist"
PERSONAL = ["name", "email", "organisation", "country_id"]


def ended_days_ago(make_event, days, **fields):
    ends_at = timezone.now() - timedelta(days=days)
    return make_event(starts_at=ends_at - timedelta(hours=2), ends_at=ends_at, **fields)


def personal(registration):
    registration.refresh_from_db()
    return [getattr(registration, field) for field in PERSONAL]


def manage_url(registration):
    return reverse("events:manage", args=[tokens.make_token(registration, tokens.MANAGE)])


def erase_command(*args):
    out = io.StringIO()
    call_command("erase_expired_registrations", *args, stdout=out)
    return out.getvalue()


# --- Retention --------------------------------------------------------------------------------


@pytest.fixture
def three_events(make_event, make_registration, make_country):
    """Registrants of events that ended 181 and 179 days ago, and of an upcoming one."""
    kenya = make_country("Kenya", "KE")
    old = ended_days_ago(make_event, 181, title="Old")
    recent = ended_days_ago(make_event, 179, title="Recent")
    upcoming = make_event(title="Upcoming")
    registrations = {
        "old": [
            make_registration(
                old, RegistrationStatus.CONFIRMED, organisation="Ministry", country=kenya
            ),
            make_registration(old, RegistrationStatus.CANCELLED),
            make_registration(old, RegistrationStatus.PENDING),
        ],
        "recent": [make_registration(recent, RegistrationStatus.CONFIRMED, country=kenya)],
        "upcoming": [make_registration(upcoming, RegistrationStatus.WAITLISTED)],
    }
    return registrations


def test_the_command_erases_exactly_the_registrants_of_events_past_retention(three_events):
    kept = {r.pk: personal(r) for key in ("recent", "upcoming") for r in three_events[key]}
    old = three_events["old"]
    before = {r.pk: (r.status, r.created_at, r.confirmed_at, r.consented_at) for r in old}

    output = erase_command()

    assert "Erased 3 registrations of 1 events" in output
    for registration in old:
        assert personal(registration) == ["", "", "", None]
        assert registration.erased_at is not None
        assert before[registration.pk] == (
            registration.status,
            registration.created_at,
            registration.confirmed_at,
            registration.consented_at,
        )
    assert {r.pk: personal(r) for r in Registration.objects.filter(pk__in=kept)} == kept
    assert not Registration.objects.filter(pk__in=kept, erased_at__isnull=False).exists()
    # The counts of the old event stay right.
    assert old[0].event.registrations.filter(status=RegistrationStatus.CONFIRMED).count() == 1


def test_the_retention_period_comes_from_the_setting(three_events, settings):
    settings.REGISTRATION_RETENTION_DAYS = 178

    erase_command()

    assert Registration.objects.filter(erased_at__isnull=False).count() == 4


def test_a_dry_run_counts_and_changes_nothing(three_events):
    before = list(Registration.objects.order_by("pk").values())

    output = erase_command("--dry-run")

    assert "would erase 3 registrations of 1 events" in output
    assert "nothing changed" in output
    assert list(Registration.objects.order_by("pk").values()) == before


def test_already_erased_registrations_are_left_as_they_are(three_events):
    erase_command()
    erased = list(Registration.objects.filter(erased_at__isnull=False).values())

    output = erase_command()

    assert "Erased 0 registrations of 0 events" in output
    assert list(Registration.objects.filter(erased_at__isnull=False).values()) == erased


def test_erased_registrations_do_not_collide_on_the_one_address_rule(make_event, make_registration):
    event = ended_days_ago(make_event, 200)
    first = make_registration(event, RegistrationStatus.CONFIRMED, email="a@example.org")
    second = make_registration(event, RegistrationStatus.CONFIRMED, email="b@example.org")

    erase_command()

    assert personal(first)[1] == personal(second)[1] == ""
    assert Registration.objects.filter(event=event, email="").count() == 2


# --- Delete my data, on the manage link --------------------------------------------------------


def test_the_manage_page_offers_delete_my_data_with_what_it_does(
    client, make_event, make_registration
):
    registration = make_registration(make_event(), RegistrationStatus.CONFIRMED)

    page = client.get(manage_url(registration))

    assertContains(page, 'name="action" value="erase"')
    assertContains(page, "Delete my data")
    assertContains(page, "erases your name, e-mail address, organisation and country")
    assertContains(page, "It cannot be undone.")
    assertContains(page, 'href="/privacy/"')


def test_delete_my_data_frees_the_place_promotes_the_waiting_list_and_erases_at_once(
    client, make_event, make_registration, mailoutbox, django_capture_on_commit_callbacks
):
    event = make_event(registration_enabled=True, capacity=1, waiting_list=True)
    leaving = make_registration(
        event, RegistrationStatus.CONFIRMED, name="Ana Pereira", email="ana@example.org"
    )
    waiting = make_registration(event, RegistrationStatus.WAITLISTED, email="next@example.org")
    url = manage_url(leaving)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "erase"})

    assert response.status_code == 303
    assert response["Location"] == url
    leaving.refresh_from_db()
    assert leaving.status == RegistrationStatus.CANCELLED
    assert leaving.cancelled_at is not None and leaving.erased_at is not None
    assert personal(leaving) == ["", "", "", None]
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    # The person promoted is told; the one who left gets nothing, their address is gone.
    assert [message.to for message in mailoutbox] == [["next@example.org"]]

    page = client.get(url)

    assert page.status_code == 200
    assertContains(page, "Your data is deleted")
    assertNotContains(page, "Ana Pereira")
    assertNotContains(page, "ana@example.org")
    assertNotContains(page, '<form method="post"', html=False)
    assertNotContains(page, "Add to calendar")
    assert "no-cache" in page["Cache-Control"] and page["X-Robots-Tag"] == "noindex, nofollow"


def test_after_deletion_the_links_change_nothing(client, make_event, make_registration):
    registration = make_registration(make_event(), RegistrationStatus.PENDING)
    confirm = reverse("events:confirm", args=[tokens.make_token(registration, tokens.CONFIRM)])
    url = manage_url(registration)
    client.post(url, {"action": "erase"})
    registration.refresh_from_db()
    erased = Registration.objects.filter(pk=registration.pk).values().get()

    for response in (
        client.post(url, {"action": "cancel"}),
        client.post(url, {"action": "erase"}),
        client.post(confirm),
        client.get(confirm),
    ):
        assert response.status_code == 200
        assertContains(response, "Your data is deleted")
    assert Registration.objects.filter(pk=registration.pk).values().get() == erased


def test_a_cancelled_registration_can_still_delete_its_data(client, make_event, make_registration):
    registration = make_registration(make_event(), RegistrationStatus.CANCELLED, name="Gone Soon")
    page = client.get(manage_url(registration))
    assertContains(page, 'value="erase"')
    assertNotContains(page, "cancels your registration")

    client.post(manage_url(registration), {"action": "erase"})

    assert personal(registration) == ["", "", "", None]
    assert registration.status == RegistrationStatus.CANCELLED


def test_the_same_address_can_register_again_after_deleting_its_data(
    client, make_event, mailoutbox, django_capture_on_commit_callbacks
):
    event = make_event(registration_enabled=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/events/{event.slug}/register/", form_data())
    (path,) = set(links_in(mailoutbox[0])["manage"])
    client.post(path, {"action": "erase"})

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/events/{event.slug}/register/", form_data())

    assert Registration.objects.filter(event=event, email="ana@example.org").count() == 1
    assert Registration.objects.filter(event=event, erased_at__isnull=False).count() == 1
    assert len(mailoutbox) == 2 and "confirm" in mailoutbox[1].subject.lower()


# --- Staff: the admin and the CSV export -------------------------------------------------------


def test_the_export_has_the_consent_time_in_iso_8601_utc(
    admin_client, make_event, make_registration
):
    event = make_event("Expo")
    registration = make_registration(event, RegistrationStatus.CONFIRMED)
    consented = datetime(2026, 3, 4, 5, 6, 7, 890, tzinfo=UTC)
    Registration.objects.filter(pk=registration.pk).update(consented_at=consented)

    response = admin_client.post(
        reverse(REGISTRATIONS), {"action": "export_csv", "_selected_action": [registration.pk]}
    )

    rows = list(csv.reader(io.StringIO(response.content.decode().removeprefix("\ufeff"))))
    column = rows[0].index("agreed to the privacy notice (UTC, ISO 8601)")
    assert rows[1][column] == "2026-03-04T05:06:07Z"
    assert datetime.fromisoformat(rows[1][column]) == consented.replace(microsecond=0)
    assert rows[1][rows[0].index("personal data erased (UTC, ISO 8601)")] == ""


def test_erased_registrations_show_as_erased_in_the_admin_and_the_export(
    admin_client, make_event, make_registration
):
    event = ended_days_ago(make_event, 365, title="Long ago")
    registration = make_registration(event, RegistrationStatus.CONFIRMED, name="Ana Pereira")
    erase_command()

    changelist = admin_client.get(reverse(REGISTRATIONS))
    change = admin_client.get(reverse("admin:events_registration_change", args=[registration.pk]))
    event_page = admin_client.get(reverse("admin:events_event_change", args=[event.pk]))
    erased_only = admin_client.get(reverse(REGISTRATIONS), {"erased_at__isempty": "0"})
    export = admin_client.post(
        reverse(REGISTRATIONS), {"action": "export_csv", "_selected_action": [registration.pk]}
    )

    for page in (changelist, change, event_page, erased_only):
        assert page.status_code == 200
        assertContains(page, "(erased)")
        assertNotContains(page, "Ana Pereira")
    rows = list(csv.reader(io.StringIO(export.content.decode().removeprefix("\ufeff"))))
    assert rows[1][1:5] == ["(erased)", "", "", ""]
    assert rows[1][5] == "Confirmed"
    assert rows[1][rows[0].index("personal data erased (UTC, ISO 8601)")].endswith("Z")


def test_staff_erase_on_request_and_resend_skips_erased_registrations(
    admin_client, make_event, make_registration, mailoutbox, django_capture_on_commit_callbacks
):
    event = make_event(capacity=1, waiting_list=True, registration_enabled=True)
    leaving = make_registration(event, RegistrationStatus.CONFIRMED)
    waiting = make_registration(event, RegistrationStatus.WAITLISTED)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse(REGISTRATIONS),
            {"action": "erase_personal_data", "_selected_action": [leaving.pk]},
            follow=True,
        )

    assertContains(response, "The personal data of 1 registration was erased.")
    assert personal(leaving) == ["", "", "", None]
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    sent = len(mailoutbox)

    response = admin_client.post(
        reverse(REGISTRATIONS),
        {"action": "resend_email", "_selected_action": [leaving.pk]},
        follow=True,
    )

    assertContains(response, "1 registration is erased: it has no address to write to.")
    assert len(mailoutbox) == sent

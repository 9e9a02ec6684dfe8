"""The admin's home page, the newsroom dashboard (sscportal/dashboard.py), through /admin/."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import RegistrationStatus
from publishing.models import Status

INDEX = "admin:index"


def log(user, record, flag=CHANGE, minutes_ago=0):
    """A line of the admin's history, as saving the record's form writes it."""
    entry = LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(record),
        object_id=str(record.pk),
        object_repr=str(record),
        action_flag=flag,
        change_message="[]",
    )
    LogEntry.objects.filter(pk=entry.pk).update(
        action_time=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return entry


def titles(rows):
    return [row["title"] for row in rows]


@pytest.fixture
def other_editor(django_user_model):
    return django_user_model.objects.create_user("other", "other@example.org", "x", is_staff=True)


def test_admin_home_is_the_dashboard_with_the_app_list(admin_client):
    response = admin_client.get(reverse(INDEX))
    assert response.status_code == 200
    page = response.content.decode()
    assert "SSC Portal administration" in page
    assert "<h1>Newsroom</h1>" in page
    assert "Content by status" in page
    # The app list stays, under readable names.
    apps = [app["name"] for app in response.context["app_list"]]
    for name in ["Case studies", "Events and registrations", "Publications", "Reference data"]:
        assert name in apps
    assert "Site pages" in apps
    assert "Sscportal" not in apps


def test_status_counts_link_to_the_lists_of_those_records(
    admin_client, make_initiative, make_event, make_publication
):
    future = timezone.now() + timedelta(days=3)
    make_initiative("A draft", status=Status.DRAFT)
    make_initiative("In review one", status=Status.IN_REVIEW)
    make_initiative("In review two", status=Status.IN_REVIEW)
    make_initiative("Online")
    make_initiative("Later", published_at=future)
    make_event("An event draft", status=Status.DRAFT)
    make_publication("Online publication")

    response = admin_client.get(reverse(INDEX))
    rows = {row["name"]: row for row in response.context["status_counts"]}
    assert list(rows) == ["Case studies", "Events", "Publications"]
    assert [cell["count"] for cell in rows["Case studies"]["cells"]] == [1, 2, 1, 1]
    assert [cell["count"] for cell in rows["Events"]["cells"]] == [1, 0, 0, 0]
    assert [cell["count"] for cell in rows["Publications"]["cells"]] == [0, 0, 1, 0]

    listed = []
    for cell in rows["Case studies"]["cells"]:
        assert cell["url"] in response.content.decode().replace("&amp;", "&")
        page = admin_client.get(cell["url"])
        assert page.status_code == 200
        listed.append(sorted(record.title for record in page.context["cl"].result_list))
    assert listed == [["A draft"], ["In review one", "In review two"], ["Online"], ["Later"]]


def test_my_drafts_are_the_drafts_i_added_or_changed_last(
    admin_client, admin_user, other_editor, make_initiative, make_event, make_publication
):
    added_by_me = make_initiative("Added by me", status=Status.DRAFT)
    log(admin_user, added_by_me, ADDITION, minutes_ago=30)
    log(other_editor, added_by_me, CHANGE, minutes_ago=20)  # still mine: I added it

    changed_last_by_me = make_event("Changed last by me", status=Status.DRAFT)
    log(other_editor, changed_last_by_me, ADDITION, minutes_ago=30)
    log(admin_user, changed_last_by_me, CHANGE, minutes_ago=10)

    changed_before_others = make_publication("Changed by me, then by another", status=Status.DRAFT)
    log(other_editor, changed_before_others, ADDITION, minutes_ago=40)
    log(admin_user, changed_before_others, CHANGE, minutes_ago=30)
    log(other_editor, changed_before_others, CHANGE, minutes_ago=5)

    published = make_initiative("Mine, but published")
    log(admin_user, published, ADDITION)
    others = make_initiative("Someone else's draft", status=Status.DRAFT)
    log(other_editor, others, ADDITION)

    response = admin_client.get(reverse(INDEX))
    drafts = response.context["my_drafts"]
    assert sorted(titles(drafts)) == ["Added by me", "Changed last by me"]
    row = next(row for row in drafts if row["title"] == "Changed last by me")
    assert row["url"] == reverse("admin:events_event_change", args=[changed_last_by_me.pk])
    assert row["kind"] == "Event"


def test_awaiting_review_newest_first_with_links_to_the_change_forms(
    admin_client, make_initiative, make_event, make_publication
):
    older = make_initiative("Older in review", status=Status.IN_REVIEW)
    newer = make_publication("Newer in review", status=Status.IN_REVIEW)
    make_event("A draft", status=Status.DRAFT)
    type(older).objects.filter(pk=older.pk).update(updated_at=timezone.now() - timedelta(days=2))

    response = admin_client.get(reverse(INDEX))
    rows = response.context["awaiting_review"]
    assert titles(rows) == ["Newer in review", "Older in review"]
    change = reverse("admin:publications_publication_change", args=[newer.pk])
    assert rows[0]["url"] == change
    assert f'href="{change}"' in response.content.decode()
    assert admin_client.get(change).status_code == 200


def test_scheduled_lists_what_goes_online_later_soonest_first(
    admin_client, make_initiative, make_event
):
    soon = timezone.now() + timedelta(days=1)
    make_event("Later", published_at=soon + timedelta(days=5))
    make_initiative("Sooner", published_at=soon)
    make_initiative("Already online")

    response = admin_client.get(reverse(INDEX))
    rows = response.context["scheduled"]
    assert titles(rows) == ["Sooner", "Later"]
    assert rows[0]["published_at"] == soon


def test_upcoming_events_show_their_places_and_waiting_list(
    admin_client, make_event, make_registration
):
    event = make_event("Next conference", capacity=2, registration_enabled=True)
    make_event("Past conference", starts_at=timezone.now() - timedelta(days=3))
    for status in [RegistrationStatus.CONFIRMED, RegistrationStatus.CONFIRMED]:
        make_registration(event, status)
    make_registration(event, RegistrationStatus.WAITLISTED)
    make_registration(event, RegistrationStatus.PENDING)

    response = admin_client.get(reverse(INDEX))
    [row] = response.context["upcoming_events"]
    assert (row["title"], row["places"], row["waitlisted"], row["pending"]) == (
        "Next conference",
        "2 / 2",
        1,
        1,
    )
    assert "2 / 2" in response.content.decode()


def test_recent_changes_are_others_on_what_i_may_see(
    staff_client, make_initiative, make_event, make_registration, other_editor, django_user_model
):
    client = staff_client("view_initiative")
    me = django_user_model.objects.get(username="staff")
    initiative = make_initiative("Changed by another")
    log(other_editor, initiative)
    log(me, make_initiative("Changed by me"))
    registration = make_registration(make_event("An event"))
    log(other_editor, registration)  # a registrant's name: not for staff without the permission

    response = client.get(reverse(INDEX))
    assert [entry.object_repr for entry in response.context["recent_changes"]] == [
        "Changed by another"
    ]
    page = response.content.decode()
    assert "Changed by another" in page
    assert registration.registrant not in page
    # Without permissions on events and publications, only case studies are counted and listed.
    assert [row["name"] for row in response.context["status_counts"]] == ["Case studies"]
    assert response.context["upcoming_events"] is None
    assert "Upcoming events" not in page


def dashboard_queries(client):
    client.get(reverse(INDEX))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(INDEX))
    assert response.status_code == 200
    return len(queries), response


def make_records(count, user, make_initiative, make_event, make_publication):
    soon = timezone.now() + timedelta(days=2)
    for _ in range(count):
        for make in (make_initiative, make_event, make_publication):
            for status, published_at in [
                (Status.DRAFT, None),
                (Status.IN_REVIEW, None),
                (Status.PUBLISHED, None),
                (Status.PUBLISHED, soon),
            ]:
                record = make(status=status, published_at=published_at)
                log(user, record, ADDITION)


def test_dashboard_makes_as_many_queries_for_thirty_records_as_for_one(
    admin_client, admin_user, other_editor, make_initiative, make_event, make_publication
):
    make_records(1, other_editor, make_initiative, make_event, make_publication)
    make_records(1, admin_user, make_initiative, make_event, make_publication)
    few, response = dashboard_queries(admin_client)
    assert response.context["my_drafts"] and response.context["recent_changes"]
    make_records(29, other_editor, make_initiative, make_event, make_publication)
    make_records(29, admin_user, make_initiative, make_event, make_publication)
    many, response = dashboard_queries(admin_client)
    assert len(response.context["my_drafts"]) == 8  # the list is cut, not the query
    assert many == few
    assert few <= 10, few  # session, user, 3 counts, 3 lists, events, changes

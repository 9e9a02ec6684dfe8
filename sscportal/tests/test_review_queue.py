"""The publishers' queue "Awaiting review", and the e-mail that tells them of a submission."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from devtools.html_forms import as_post_data, form_fields
from publishing.models import Status
from publishing.tasks import tell_publishers

QUEUE = "admin:publishing_awaitingreview_changelist"
LISTS = {
    "initiatives": "admin:initiatives_initiative_changelist",
    "events": "admin:events_event_changelist",
    "publications": "admin:publications_publication_changelist",
}


def submit(client, app, records, comment="Please review."):
    return client.post(
        reverse(LISTS[app]),
        {
            "action": "submit_for_review",
            "_selected_action": [record.pk for record in records],
            "post": "yes",
            "comment": comment,
        },
    )


@pytest.fixture
def drafts(make_initiative, make_event, make_publication):
    return {
        "initiatives": make_initiative("Rice in Mali", status=Status.DRAFT),
        "events": make_event("Expo 2027", status=Status.DRAFT),
        "publications": make_publication("Annual report", status=Status.DRAFT),
    }


# --- The queue --------------------------------------------------------------------------------


def test_the_queue_lists_what_is_in_review_of_every_type(role_client, drafts, make_initiative):
    make_initiative("Still a draft", status=Status.DRAFT)
    make_initiative("Out already")
    editor = role_client("Editors", first_name="Ana", last_name="Editor")
    for app, record in drafts.items():
        assert submit(editor, app, [record], comment=f"Look at the {app}.").status_code == 302

    response = role_client("Publishers").get(reverse(QUEUE))

    assert response.status_code == 200
    html = response.content.decode()
    rows = response.context["rows"]
    assert [row["title"] for row in rows] == ["Rice in Mali", "Expo 2027", "Annual report"]
    assert [row["type"] for row in rows] == ["Case study", "Event", "Publication"]
    assert {row["submitter"] for row in rows} == {"Ana Editor"}
    assert [row["comment"] for row in rows] == [
        "Look at the initiatives.",
        "Look at the events.",
        "Look at the publications.",
    ]
    for record in drafts.values():
        meta = record._meta
        change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk])
        assert f'href="{change}"' in html
        assert f'href="{record.get_absolute_url()}"' in html
    assert "Still a draft" not in html
    assert "Out already" not in html


def test_the_queue_counts_its_queries_whatever_it_holds(
    role_client, make_initiative, make_event, make_publication
):
    publisher = role_client("Publishers")

    def queries(count):
        for number in range(count):
            make_initiative(f"Case {count}-{number}", status=Status.IN_REVIEW)
            make_event(f"Event {count}-{number}", status=Status.IN_REVIEW)
            make_publication(f"Report {count}-{number}", status=Status.IN_REVIEW)
        publisher.get(reverse(QUEUE))  # content types and session cached, as in a warm server
        with CaptureQueriesContext(connection) as captured:
            response = publisher.get(reverse(QUEUE))
        assert len(response.context["rows"]) >= count
        return len(captured)

    assert queries(1) == queries(20)


def test_a_preview_link_of_the_queue_opens_the_draft_for_a_publisher(role_client, drafts):
    submit(role_client("Editors"), "initiatives", [drafts["initiatives"]])

    response = role_client("Publishers").get(drafts["initiatives"].get_absolute_url())

    assert response.status_code == 200
    assert response.context["is_preview"]


def test_editors_neither_open_nor_see_the_queue(role_client):
    editor = role_client("Editors")

    assert editor.get(reverse(QUEUE)).status_code == 403
    assert reverse(QUEUE) not in editor.get(reverse("admin:index")).content.decode()
    assert reverse(QUEUE) not in editor.get(reverse(LISTS["events"])).content.decode()


@pytest.mark.parametrize("url", ["admin:index", *LISTS.values()])
def test_publishers_find_the_queue_from_the_index_and_each_list(role_client, url):
    html = role_client("Publishers").get(reverse(url)).content.decode()

    assert f'href="{reverse(QUEUE)}"' in html


# --- The e-mail -------------------------------------------------------------------------------


def test_a_submission_tells_every_active_publisher_with_an_address(
    role_client, role_user, drafts, mailoutbox, django_capture_on_commit_callbacks
):
    role_user("Publishers", "pat", email="pat@example.org")
    role_user("Publishers", "nomail", email="")
    role_user("Publishers", "gone", email="gone@example.org", is_active=False)
    role_user("Editors", "other-editor", email="other@example.org")
    editor = role_client("Editors", "ana", email="ana@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        submit(editor, "initiatives", [drafts["initiatives"]])

    assert [message.to for message in mailoutbox] == [["pat@example.org"]]
    message = mailoutbox[0]
    assert message.subject == "In review: Rice in Mali"
    assert "ana submitted for review:" in message.body
    change = reverse("admin:initiatives_initiative_change", args=[drafts["initiatives"].pk])
    assert f"http://127.0.0.1:8000{change}" in message.body
    assert reverse(QUEUE) in message.body


def test_saving_and_submitting_on_the_form_tells_the_publishers_too(
    role_client, role_user, make_initiative, source, mailoutbox, django_capture_on_commit_callbacks
):
    role_user("Publishers", "pat", email="pat@example.org")
    draft = make_initiative("Rice in Mali", status=Status.DRAFT, sources=[source])
    editor = role_client("Editors")
    url = reverse("admin:initiatives_initiative_change", args=[draft.pk])
    page = editor.get(url).content.decode()
    data = as_post_data(
        form_fields(page, form_id="initiative_form"),
        workflow_comment="Done.",
        _submit_for_review="1",
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert editor.post(url, data).status_code == 302

    assert [message.to for message in mailoutbox] == [["pat@example.org"]]


def test_the_email_is_queued_for_the_worker_not_sent_in_the_request(
    settings, role_client, role_user, drafts, mailoutbox, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    role_user("Publishers", "pat", email="pat@example.org")
    editor = role_client("Editors")

    with django_capture_on_commit_callbacks(execute=True):
        submit(editor, "events", [drafts["events"]])

    assert mailoutbox == []
    task = DBTaskResult.objects.get()
    assert task.task_path == "publishing.tasks.tell_publishers"
    args = task.args_kwargs["args"]
    assert args == ["events.Event", [drafts["events"].pk], editor.user.pk]

    assert tell_publishers.call(*args) == 1  # what the worker runs
    assert [message.to for message in mailoutbox] == [["pat@example.org"]]


def test_no_email_for_a_record_no_longer_in_review_when_the_worker_runs(
    role_user, drafts, mailoutbox
):
    role_user("Publishers", "pat", email="pat@example.org")

    assert tell_publishers.call("events.Event", [drafts["events"].pk], None) == 0
    assert mailoutbox == []

"""The review workflow in the admin of every content type: who may publish, at every door
(change form, add form, list actions, hand-made posts), and the steps with their comments."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from core.signals import content_changed
from devtools.html_forms import as_post_data, form_fields
from initiatives.models import Initiative
from initiatives.tests.admin_forms import case_study_form
from publishing.models import Status, Transition

TYPES = {
    "initiative": ("make_initiative", "initiatives", "initiative"),
    "event": ("make_event", "events", "event"),
    "publication": ("make_publication", "publications", "publication"),
}


@pytest.fixture(params=list(TYPES))
def content(request):
    """(factory, changelist url, change url of a record) for each content type in turn."""
    factory_name, app_label, model_name = TYPES[request.param]
    factory = request.getfixturevalue(factory_name)
    source = request.getfixturevalue("source")

    def make(*args, **fields):
        return factory(*args, sources=[source], **fields)  # every record cites a source

    return {
        "make": make,
        "changelist": reverse(f"admin:{app_label}_{model_name}_changelist"),
        "change": lambda record: reverse(
            f"admin:{app_label}_{model_name}_change", args=[record.pk]
        ),
        "form_id": f"{model_name}_form",
    }


def steps_of(record):
    return list(
        Transition.objects.filter(
            content_type=ContentType.objects.get_for_model(type(record)), object_id=record.pk
        )
        .order_by("created_at", "pk")
        .values_list("from_status", "to_status", "comment", "user__username")
    )


def real_form(client, url, form_id, **changes):
    page = client.get(url)
    assert page.status_code == 200
    return as_post_data(form_fields(page.content.decode(), form_id=form_id), **changes)


# --- The change form: status and date read-only without the publish permission ---------------


def test_an_editor_sees_status_and_date_but_cannot_set_them(role_client, content):
    record = content["make"](status=Status.DRAFT)

    response = role_client("Editors").get(content["change"](record))

    fields = dict(form_fields(response.content.decode(), form_id=content["form_id"]))
    assert "status" not in fields
    assert "published_at_0" not in fields
    assert "title" in fields
    assert '<div class="readonly">Draft</div>' in response.content.decode()


def test_a_publisher_sets_status_and_date_on_the_form(role_client, content):
    record = content["make"](status=Status.DRAFT)

    response = role_client("Publishers").get(content["change"](record))

    fields = dict(form_fields(response.content.decode(), form_id=content["form_id"]))
    assert fields["status"] == Status.DRAFT
    assert "published_at_0" in fields


def test_an_editor_posting_a_status_and_a_date_by_hand_changes_neither(role_client, content):
    record = content["make"]("Before", status=Status.DRAFT)
    client = role_client("Editors")
    url = content["change"](record)
    data = real_form(
        client,
        url,
        content["form_id"],
        title="After",
        status=Status.PUBLISHED,
        published_at_0="2020-01-01",
        published_at_1="10:00:00",
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    record.refresh_from_db()
    assert record.title == "After"  # the rest of the form was saved
    assert (record.status, record.published_at) == (Status.DRAFT, None)
    assert not type(record).objects.published().exists()
    assert steps_of(record) == []


def test_an_editor_cannot_take_a_published_record_back_to_draft_on_the_form(role_client, content):
    record = content["make"]("Out")
    published_at = record.published_at
    client = role_client("Editors")
    url = content["change"](record)

    response = client.post(
        url, real_form(client, url, content["form_id"], status=Status.DRAFT, published_at_0="")
    )

    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.status, record.published_at) == (Status.PUBLISHED, published_at)


def test_a_new_case_study_by_an_editor_starts_as_a_draft_whatever_is_posted(role_client, source):
    client = role_client("Editors")
    data = case_study_form(
        source, status=Status.PUBLISHED, published_at_0="2020-01-01", published_at_1="10:00"
    )

    response = client.post(reverse("admin:initiatives_initiative_add"), data)

    assert response.status_code == 302
    initiative = Initiative.objects.get()
    assert (initiative.status, initiative.published_at) == (Status.DRAFT, None)


def test_a_publisher_publishing_on_the_form_is_recorded(role_client, content):
    record = content["make"](status=Status.DRAFT)
    client = role_client("Publishers")
    url = content["change"](record)

    response = client.post(
        url,
        real_form(
            client, url, content["form_id"], status=Status.PUBLISHED, workflow_comment="Ready."
        ),
    )

    assert response.status_code == 302
    record.refresh_from_db()
    assert record.is_published()
    assert steps_of(record) == [(Status.DRAFT, Status.PUBLISHED, "Ready.", client.user.username)]


# --- The list's steps -------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["publish", "unpublish", "send_back"])
def test_an_editor_posting_a_publishing_step_by_hand_changes_nothing(role_client, content, action):
    draft = content["make"]("Draft", status=Status.DRAFT)
    in_review = content["make"]("In review", status=Status.IN_REVIEW)
    published = content["make"]("Published")
    before = {r.pk: (r.status, r.published_at) for r in (draft, in_review, published)}

    response = role_client("Editors").post(
        content["changelist"],
        {
            "action": action,
            "_selected_action": [draft.pk, in_review.pk, published.pk],
            "post": "yes",
            "comment": "Sneaking it out.",
        },
    )

    assert response.status_code == 302  # back to the list: "No action selected."
    for record in (draft, in_review, published):
        record.refresh_from_db()
        assert (record.status, record.published_at) == before[record.pk]
    assert not Transition.objects.exists()


def test_submitting_from_the_list_asks_for_a_comment_first(role_client, content):
    draft = content["make"]("My draft", status=Status.DRAFT)
    client = role_client("Editors")
    selected = {"action": "submit_for_review", "_selected_action": [draft.pk]}

    asked = client.post(content["changelist"], selected)
    no_comment = client.post(content["changelist"], {**selected, "post": "yes", "comment": " "})

    for page in (asked, no_comment):
        assert page.status_code == 200
        assert "My draft" in page.content.decode()
        assert 'name="comment"' in page.content.decode()
    assert no_comment.context["form"].errors["comment"]
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert not Transition.objects.exists()


def test_an_editor_submits_drafts_for_review_with_a_comment(role_client, content):
    draft = content["make"]("My draft", status=Status.DRAFT)
    published = content["make"]("Already out")
    client = role_client("Editors")

    response = client.post(
        content["changelist"],
        {
            "action": "submit_for_review",
            "_selected_action": [draft.pk, published.pk],
            "post": "yes",
            "comment": "Please check the figures.",
        },
        follow=True,
    )

    messages = [str(message) for message in response.context["messages"]]
    assert "1 record submitted for review." in messages
    draft.refresh_from_db()
    published.refresh_from_db()
    assert draft.status == Status.IN_REVIEW
    assert published.status == Status.PUBLISHED
    assert steps_of(draft) == [
        (Status.DRAFT, Status.IN_REVIEW, "Please check the figures.", client.user.username)
    ]


@pytest.mark.parametrize(
    ("action", "start", "end"),
    [
        ("publish", Status.IN_REVIEW, Status.PUBLISHED),
        ("publish", Status.DRAFT, Status.PUBLISHED),
        ("send_back", Status.IN_REVIEW, Status.DRAFT),
        ("unpublish", Status.PUBLISHED, Status.DRAFT),
    ],
)
def test_a_publisher_takes_each_step_with_a_comment(role_client, content, action, start, end):
    record = content["make"]("The record", status=start)
    client = role_client("Publishers")
    changes = []
    content_changed.connect(receiver := lambda sender, **kwargs: changes.append(sender))
    try:
        asked = client.post(
            content["changelist"], {"action": action, "_selected_action": [record.pk]}
        )
        record.refresh_from_db()
        assert record.status == start  # nothing happens before the confirmation
        response = client.post(
            content["changelist"],
            {
                "action": action,
                "_selected_action": [record.pk],
                "post": "yes",
                "comment": "Reasons.",
            },
        )
    finally:
        content_changed.disconnect(receiver)

    assert asked.status_code == 200
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == end
    assert steps_of(record) == [(start, end, "Reasons.", client.user.username)]
    assert type(record) in changes  # caches of public pages forget what they hold


def test_a_step_leaves_records_it_does_not_apply_to(role_client, content):
    draft = content["make"]("Draft", status=Status.DRAFT)

    response = role_client("Publishers").post(
        content["changelist"],
        {"action": "send_back", "_selected_action": [draft.pk], "post": "yes", "comment": "x"},
        follow=True,
    )

    assert "0 records sent back to draft." in [str(m) for m in response.context["messages"]]
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert not Transition.objects.exists()


# --- "Save and submit for review" on the change form ------------------------------------------


def test_an_editor_saves_and_submits_for_review_with_a_comment(role_client, content):
    draft = content["make"]("Draft", status=Status.DRAFT)
    client = role_client("Editors")
    url = content["change"](draft)
    data = real_form(
        client,
        url,
        content["form_id"],
        title="Draft, finished",
        workflow_comment="Ready for a look.",
        _submit_for_review="Save and submit for review",
    )

    response = client.post(url, data, follow=True)

    assert response.status_code == 200
    draft.refresh_from_db()
    assert (draft.title, draft.status, draft.published_at) == (
        "Draft, finished",
        Status.IN_REVIEW,
        None,
    )
    assert steps_of(draft) == [
        (Status.DRAFT, Status.IN_REVIEW, "Ready for a look.", client.user.username)
    ]


def test_submitting_on_the_form_without_a_comment_is_a_form_error(role_client, content):
    draft = content["make"]("Draft", status=Status.DRAFT)
    client = role_client("Editors")
    url = content["change"](draft)
    data = real_form(client, url, content["form_id"], title="Changed", _submit_for_review="1")

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["workflow_comment"]
    draft.refresh_from_db()
    assert (draft.title, draft.status) == ("Draft", Status.DRAFT)


def test_the_submit_button_is_offered_for_drafts_only(role_client, content):
    draft = content["make"]("Draft", status=Status.DRAFT)
    in_review = content["make"]("In review", status=Status.IN_REVIEW)
    client = role_client("Editors")

    assert 'name="_submit_for_review"' in client.get(content["change"](draft)).content.decode()
    page = client.get(content["change"](in_review)).content.decode()
    assert 'name="_submit_for_review"' not in page


def test_the_change_form_shows_the_steps_newest_first(role_client, content):
    record = content["make"]("Record", status=Status.DRAFT)
    editor, publisher = role_client("Editors"), role_client("Publishers")
    for client, action, comment in [
        (editor, "submit_for_review", "First look, please."),
        (publisher, "send_back", "Name the sources."),
        (editor, "submit_for_review", "Sources named."),
    ]:
        client.post(
            content["changelist"],
            {"action": action, "_selected_action": [record.pk], "post": "yes", "comment": comment},
        )

    html = editor.get(content["change"](record)).content.decode()

    positions = [
        html.index(f"“{comment}”")
        for comment in ["Sources named.", "Name the sources.", "First look, please."]
    ]
    assert positions == sorted(positions)
    assert publisher.user.username in html


def test_scheduled_records_say_so_in_the_list_and_on_the_form(admin_client, content):
    later = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    record = content["make"]("Later", published_at=later)
    when = f"{later:%Y-%m-%d %H:%M} UTC"

    listing = admin_client.get(content["changelist"]).content.decode()
    form = admin_client.get(content["change"](record)).content.decode()

    assert f"Scheduled for {when}" in listing
    assert f"Scheduled for {when}" in form
    assert not type(record).objects.published().exists()


def test_the_change_form_says_whether_the_public_sees_the_record(admin_client, content):
    out = content["make"]("Out")
    draft = content["make"]("Draft", status=Status.DRAFT)

    out_page = admin_client.get(content["change"](out)).content.decode()
    draft_page = admin_client.get(content["change"](draft)).content.decode()

    assert f"Yes, since {out.published_at:%Y-%m-%d %H:%M} UTC" in out_page
    assert "No: not published." in draft_page

"""The review workflow in a real browser: an editor submits a draft case study for review with a
comment, a publisher finds it in "Awaiting review" and approves it with a comment, and the
public then sees it. At 1280 px, as the other journeys.

The locators go by role and label, as a screen reader would."""

import importlib

from django.apps import apps as django_apps
from django.contrib.auth.models import Group, User

from initiatives.models import Initiative
from publishing.models import Status, Transition

from .assertions import expect

PASSWORD = "a-long-test-password"


def member(group, username):
    """A staff member of a role; the roles are put back first, as the database is emptied after
    every live-server test (devtools.factories.staff_roles says more)."""
    importlib.import_module("sscportal.migrations.0004_staff_roles").create_roles(django_apps, None)
    user = User.objects.create_user(
        username, f"{username}@example.org", PASSWORD, is_staff=True, first_name=username.title()
    )
    user.groups.add(Group.objects.get(name=group))
    return user


def log_in(page, username):
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Content and reference data")).to_be_visible()


def test_an_editor_submits_and_a_publisher_approves_a_case_study(new_context, portal_content):
    draft = Initiative.objects.get(slug="colombia-mesoamerica-hunger-reduction")
    draft.status, draft.published_at = Status.DRAFT, None
    draft.save()
    member("Editors", "edna")
    member("Publishers", "pablo")

    visitor = new_context().new_page()
    assert visitor.goto(draft.get_absolute_url()).status == 404

    # The editor submits the draft from the list, with a comment.
    editor = new_context().new_page()
    log_in(editor, "edna")
    editor.goto("/admin/initiatives/initiative/?status__exact=draft")
    row = editor.get_by_role("row").filter(has=editor.get_by_role("link", name=draft.title))
    row.get_by_role("checkbox").check()
    editor.get_by_label("Action:").select_option(label="Submit the selected drafts for review")
    editor.get_by_role("button", name="Go", exact=True).click()
    expect(editor.get_by_role("heading", level=1)).to_have_text("Submit for review")
    editor.get_by_label("Comment:").fill("Figures checked against the 2016 report.")
    editor.get_by_role("button", name="Yes, submit for review").click()
    expect(editor.locator(".messagelist")).to_contain_text("1 record submitted for review.")
    assert visitor.goto(draft.get_absolute_url()).status == 404  # in review is not public

    # The publisher finds it in the queue and approves it, with a comment.
    publisher = new_context().new_page()
    log_in(publisher, "pablo")
    publisher.get_by_role("link", name="Awaiting review").first.click()
    expect(publisher.get_by_role("heading", level=1)).to_have_text("Awaiting review")
    queued = publisher.get_by_role("row").filter(
        has=publisher.get_by_role("link", name=draft.title)
    )
    expect(queued).to_contain_text("Edna")
    expect(queued).to_contain_text("Figures checked against the 2016 report.")
    queued.get_by_role("button", name=f"Publish… {draft.title}").click()
    expect(publisher.get_by_role("heading", level=1)).to_have_text("Publish")
    publisher.get_by_label("Comment:").fill("Approved.")
    publisher.get_by_role("button", name="Yes, publish").click()
    expect(publisher.locator(".messagelist")).to_contain_text("1 record published.")

    visitor.goto("/initiatives/")
    visitor.get_by_role("link", name=draft.title).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(draft.title)
    expect(visitor.get_by_role("status")).to_have_count(0)  # no preview banner: it is public
    steps = Transition.objects.order_by("created_at", "pk")
    assert [(s.to_status, s.comment, s.user.username) for s in steps] == [
        (Status.IN_REVIEW, "Figures checked against the 2016 report.", "edna"),
        (Status.PUBLISHED, "Approved.", "pablo"),
    ]

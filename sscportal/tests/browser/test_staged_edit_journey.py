"""A change to a live case study in a real browser: an editor changes its title, the public page
stays as it was, the editor previews the change, a publisher approves it from "Awaiting review",
and the public then sees it. At 1280 px, as the other journeys; the change form with its pending
changes and the preview's banner also at 360 px.

Set PORTAL_SCREENSHOTS to a folder (e.g. /tmp/shots) to save screenshots of both pages at both
widths. The locators go by role and label, as a screen reader would."""

import os
from pathlib import Path

from initiatives.models import Initiative
from publishing.models import PendingRevision, Status, StepKind, Transition

from .assertions import expect
from .test_review_journey import log_in, member

NEW_TITLE = "Colombia and Mesoamerica: a hunger-free region by 2025"


def look_at(page, name):
    """Save a screenshot at 1280 and at 360 px, when PORTAL_SCREENSHOTS says where."""
    folder = os.environ.get("PORTAL_SCREENSHOTS")
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 800})
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=Path(folder) / f"{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def test_an_editors_change_to_a_live_case_study_is_public_once_approved(
    new_context, portal_content
):
    live = Initiative.objects.published().get(slug="colombia-mesoamerica-hunger-reduction")
    old_title = live.title
    member("Editors", "edna")
    member("Publishers", "pablo")
    visitor = new_context().new_page()
    visitor.goto(live.get_absolute_url())
    expect(visitor.get_by_role("heading", level=1)).to_have_text(old_title)

    # The editor changes the title of the live case study.
    editor = new_context().new_page()
    log_in(editor, "edna")
    editor.goto(f"/admin/initiatives/initiative/{live.pk}/change/")
    expect(editor.locator(".pending-revision-notice")).to_contain_text("This record is public.")
    editor.get_by_label("Title:").fill(NEW_TITLE)
    editor.get_by_label("Comment for the review:").fill("The plan's new name.")
    editor.get_by_role("button", name="Save and continue editing").click()
    expect(editor.locator(".messagelist").first).to_contain_text(
        "Your changes are saved and wait for a publisher's approval"
    )
    expect(editor.get_by_label("Title:")).to_have_value(NEW_TITLE)
    expect(editor.locator(".pending-revision-notice")).to_contain_text(
        "This form shows changes not yet public, saved by Edna"
    )
    look_at(editor, "staged-change-form")

    visitor.reload()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(old_title)
    assert Initiative.objects.get(pk=live.pk).title == old_title

    # The editor previews the page as it will look.
    editor.get_by_role("link", name="Preview the changes").click()
    expect(editor.get_by_role("heading", level=1)).to_have_text(NEW_TITLE)
    expect(editor.get_by_role("status")).to_contain_text(
        "Pending changes, not public: submitted by Edna on"
    )
    look_at(editor, "staged-preview")
    visitor.reload()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(old_title)

    # The publisher finds it in the queue and approves it, with a comment.
    publisher = new_context().new_page()
    log_in(publisher, "pablo")
    publisher.get_by_role("link", name="Awaiting review").first.click()
    queued = publisher.get_by_role("row").filter(has=publisher.get_by_role("link", name=old_title))
    expect(queued).to_contain_text("Changes to a live page")
    expect(queued).to_contain_text("The plan's new name.")
    look_at(publisher, "staged-queue")
    queued.get_by_role("link", name=f"Approve or discard… {old_title}").click()
    expect(publisher.get_by_role("heading", level=1)).to_have_text(
        f"Pending changes to “{old_title}”"
    )
    look_at(publisher, "staged-review")
    publisher.get_by_label("Comment:").fill("Checked.")
    publisher.get_by_role("button", name="Approve: make the changes public").click()
    expect(publisher.locator(".messagelist").first).to_contain_text(
        "The changes are approved and public."
    )

    visitor.reload()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(NEW_TITLE)
    expect(visitor.get_by_role("status")).to_have_count(0)  # no banner: it is public
    assert Initiative.objects.get(pk=live.pk).status == Status.PUBLISHED
    assert not PendingRevision.objects.exists()
    approval = Transition.objects.get()
    assert (approval.kind, approval.comment, approval.user.username) == (
        StepKind.CHANGES_APPROVED,
        "Checked.",
        "pablo",
    )

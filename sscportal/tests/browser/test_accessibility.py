"""Every page type passes axe-core's WCAG 2.0, 2.1 and 2.2 A and AA rules, on a desktop and on a
phone-sized screen, in English and in Arabic (right to left): the pages of PAGE_TYPES as opened,
those of POSTED_PAGE_TYPES as a form's submission leaves them, and the admin's ADMIN_PAGE_TYPES
as a signed-in member of staff sees them.

Set PORTAL_SCREENSHOTS to a folder (e.g. /tmp/shots) to also save a full-page screenshot of each
page at each width, as <page>-<width>.png.
"""

import os
from functools import partial
from pathlib import Path

import pytest

from devtools.node_tools import NodeToolMissing, node_tool

from . import ADMIN_PAGE_TYPES, PAGE_TYPES, POSTED_PAGE_TYPES, page_url

AXE = "axe-core/axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
VIEWPORTS = [{"width": 1280, "height": 800}, {"width": 360, "height": 740}]

RUN_AXE = """tags => axe.run(document, {runOnly: {type: "tag", values: tags}})
    .then(results => results.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
        nodes: v.nodes.map(n => ({target: n.target, html: n.html, summary: n.failureSummary})),
    })))"""


@pytest.fixture(scope="module")
def axe_path():
    try:
        return node_tool(AXE)
    except NodeToolMissing as missing:
        pytest.skip(str(missing))


def describe(violations):
    """A readable account of axe violations: rule, impact, help, then every element."""
    lines = []
    for where, violation in violations:
        lines.append(
            f"[{where}] {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}")
            lines.append(f"       {node['html'][:300]}")
            for line in (node["summary"] or "").splitlines():
                lines.append(f"       {line}")
    return "\n".join(lines)


def screenshot(page, name, width):
    folder = os.environ.get("PORTAL_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(folder) / f"{name}-{width}.png", full_page=True)


def submit_empty_form(page, form_page, action):
    """Open `form_page`, send its form with that action as it is, and answer the response."""
    page.goto(form_page)
    form = page.locator(f'form[action="{action}"]')
    with page.expect_response(
        lambda response: response.request.method == "POST" and response.url.endswith(action)
    ) as answer:
        form.locator('button[type="submit"]').click()
    page.wait_for_load_state()
    return answer.value


def check_page(page, axe_path, name, url, status, open_page, known=None):
    """Open the page at each width with `open_page()` and fail with every violation found but
    those `known`: [(rule, a part of the element's CSS selector, reason)]."""
    known = known or []
    violations = []
    axe_source = axe_path.read_text(encoding="utf-8")
    for viewport in VIEWPORTS:
        page.set_viewport_size(viewport)
        response = open_page()
        assert response.status == status, f"{url} answered {response.status}"
        # Run through the browser's debugging protocol, which the page's Content Security
        # Policy does not govern: a <script> added to the page would be refused.
        page.evaluate(axe_source)
        where = f"{name} at {viewport['width']}px"
        for found in page.evaluate(RUN_AXE, WCAG_TAGS):
            found["nodes"] = [
                node
                for node in found["nodes"]
                if not any(
                    rule == found["id"] and part in " ".join(map(str, node["target"]))
                    for rule, part, _reason in known
                )
            ]
            if found["nodes"]:
                violations.append((where, found))
        screenshot(page, name, viewport["width"])
    assert not violations, f"axe found WCAG violations on {url}:\n{describe(violations)}"


def test_pages_have_no_wcag_violations(axe_path, page, portal_content, subtests):
    """One subtest per page type, so a failure names the page (SUBFAILED[detail]); one test, so
    the starting content is loaded once for all of them rather than once per page."""
    for name, (url, status) in PAGE_TYPES.items():
        with subtests.test(msg=name):
            address = page_url(url)
            check_page(page, axe_path, name, address, status, partial(page.goto, address))
    for name, (form_page, action, status) in POSTED_PAGE_TYPES.items():
        with subtests.test(msg=name):
            check_page(
                page,
                axe_path,
                name,
                f"{action} (the form of {form_page} sent empty)",
                status,
                partial(submit_empty_form, page, form_page, action),
            )


# Violations in markup of Django's admin that the portal cannot change without copying Django's
# templates or its vendored Select2, each with the rule, the elements and the reason.
KNOWN_ADMIN_VIOLATIONS = [
    (
        "aria-input-field-name",
        "select2",
        "Select2 (the admin's autocomplete) names its combobox through aria-labelledby pointing "
        "at the chosen value's container, which is empty while nothing is chosen.",
    ),
    (
        "label",
        ".select2-search__field",
        "Select2's inline search box of a multiple choice has no label; the combobox around it is "
        "named by the field's <label>.",
    ),
    (
        "list",
        ".select2-selection__rendered",
        "Select2 puts the remove button of each chosen value as a <span> inside its <ul>.",
    ),
    (
        "scrollable-region-focusable",
        "#registrations-group",
        "Django's read-only tabular inline (who registered) scrolls sideways on a phone and has "
        "no focusable content; its template gives the box no tabindex.",
    ),
]


def test_admin_pages_have_no_wcag_violations(
    axe_path, page, portal_content, django_user_model, subtests
):
    """The dashboard and the three change forms, signed in (one subtest each)."""
    django_user_model.objects.create_superuser("curator", password="a-long-test-password")
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    for name, (url, status) in ADMIN_PAGE_TYPES.items():
        with subtests.test(msg=name):
            address = page_url(url)
            check_page(
                page,
                axe_path,
                name,
                address,
                status,
                partial(page.goto, address),
                known=KNOWN_ADMIN_VIOLATIONS,
            )

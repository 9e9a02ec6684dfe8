"""Every page type passes axe-core's WCAG 2.0, 2.1 and 2.2 A and AA rules, on a desktop and on a
phone-sized screen, in English and in Arabic (right to left).

Set PORTAL_SCREENSHOTS to a folder (e.g. /tmp/shots) to also save a full-page screenshot of each
page at each width, as <page>-<width>.png.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings

from . import PAGE_TYPES

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
VIEWPORTS = [{"width": 1280, "height": 800}, {"width": 360, "height": 740}]

RUN_AXE = """tags => axe.run(document, {runOnly: {type: "tag", values: tags}})
    .then(results => results.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
        nodes: v.nodes.map(n => ({target: n.target, html: n.html, summary: n.failureSummary})),
    })))"""


@pytest.fixture(scope="module")
def axe_path():
    if not AXE.exists():
        pytest.skip(f"axe-core not found at {AXE}: run `make node-tools`")
    return AXE


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


def test_pages_have_no_wcag_violations(axe_path, page, portal_content, subtests):
    """One subtest per page type, so a failure names the page (SUBFAILED[detail]); one test, so
    the starting content is loaded once for all of them rather than once per page."""
    for name, (url, status) in PAGE_TYPES.items():
        with subtests.test(msg=name):
            violations = []
            for viewport in VIEWPORTS:
                page.set_viewport_size(viewport)
                response = page.goto(url)
                assert response.status == status, f"{url} answered {response.status}"
                page.add_script_tag(path=str(axe_path))
                where = f"{name} at {viewport['width']}px"
                violations += [(where, found) for found in page.evaluate(RUN_AXE, WCAG_TAGS)]
                screenshot(page, name, viewport["width"])
            assert not violations, f"axe found WCAG violations on {url}:\n{describe(violations)}"

"""Every page type is valid HTML and the stylesheets are valid CSS, by the Nu Html Checker (vnu-jar,
the checker behind validator.w3.org/nu). No browser needed: Django's test client renders the
pages (PAGE_TYPES by GET, POSTED_PAGE_TYPES by posting an empty form, ADMIN_PAGE_TYPES by GET
signed in as a superuser), and one Java process checks them all together with static/css/site.css
and static/css/admin.css."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from devtools.node_tools import NodeToolMissing, node_tool
from sscportal.tests.browser import ADMIN_PAGE_TYPES, PAGE_TYPES, POSTED_PAGE_TYPES, page_url

VNU = "vnu-jar/build/dist/vnu.jar"
STYLESHEETS = [
    Path(settings.BASE_DIR) / "static" / "css" / name for name in ["site.css", "admin.css"]
]
FAILING = {"error", "non-document-error"}

# The marker makes pytest-django set up the test database; the pages are rendered once, in the
# module fixture below, inside a transaction that is rolled back.
pytestmark = pytest.mark.django_db


def render_pages(folder):
    """Each page type as a file in `folder`, rendered from the starting content; by file name."""
    from django.contrib.auth import get_user_model

    client = Client()
    staff = Client()
    staff.force_login(get_user_model().objects.create_superuser("curator", password="not-used"))
    files = {}
    responses = (
        [
            (name, url, status, lambda url=url: client.get(page_url(url)))
            for name, (url, status) in PAGE_TYPES.items()
        ]
        + [
            (name, action, status, lambda action=action: client.post(action, {}))
            for name, (_form_page, action, status) in POSTED_PAGE_TYPES.items()
        ]
        + [
            (name, url, status, lambda url=url: staff.get(page_url(url)))
            for name, (url, status) in ADMIN_PAGE_TYPES.items()
        ]
    )
    for name, url, status, respond in responses:
        response = respond()
        assert response.status_code == status, f"{name}: {url} answered {response.status_code}"
        path = folder / f"{name}.html"
        path.write_bytes(response.content)
        files[path.name] = name
    return files


@pytest.fixture(scope="module")
def vnu_messages(django_db_setup, django_db_blocker, tmp_path_factory):
    """{page name or "site.css": [vnu messages]} from one run of the checker over everything."""
    java = shutil.which("java")
    if java is None:
        pytest.skip("Java not found: install Debian's default-jre-headless package (.ci/run does)")
    try:
        vnu = node_tool(VNU)
    except NodeToolMissing as missing:
        pytest.skip(str(missing))
    folder = tmp_path_factory.mktemp("html")
    # The content goes in and out within one transaction, so the rest of the suite never sees it.
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_portal_content", verbosity=0)
        files = render_pages(folder)
        transaction.set_rollback(True)
    for stylesheet in STYLESHEETS:
        shutil.copy(stylesheet, folder / stylesheet.name)
        files[stylesheet.name] = stylesheet.name
    result = subprocess.run(
        [
            java,
            "-jar",
            str(vnu),
            "--format",
            "json",
            "--exit-zero-always",
            "--also-check-css",  # .html files as HTML, the .css files as CSS, in the same process
            *sorted(str(folder / file_name) for file_name in files),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stderr.strip() or result.stdout.strip()
    try:
        report = json.loads(output)
    except json.JSONDecodeError:
        pytest.fail(f"vnu did not answer in JSON (exit {result.returncode}):\n{output[:2000]}")
    by_file = {name: [] for name in files.values()}
    for message in report["messages"]:
        file_name = Path(message.get("url", "")).name
        by_file.setdefault(files.get(file_name, file_name or "(no file)"), []).append(message)
    return by_file


def describe(messages):
    lines = []
    for message in messages:
        place = f"line {message.get('lastLine', '?')}"
        if "firstColumn" in message:
            place += f", columns {message['firstColumn']}-{message.get('lastColumn', '?')}"
        lines.append(f"  {message['type']}: {message.get('message', '')} ({place})")
        if message.get("extract"):
            lines.append(f"      {message['extract'].strip()!r}")
    return "\n".join(lines)


ALL_PAGE_TYPES = {
    **{name: str(url) for name, (url, _status) in PAGE_TYPES.items()},
    **{name: str(url) for name, (url, _status) in ADMIN_PAGE_TYPES.items()},
    **{name: f"POST {action}" for name, (_page, action, _status) in POSTED_PAGE_TYPES.items()},
}


# Errors in markup of Django's admin that the portal cannot change without copying its widgets,
# each with the pages, the message and the reason.
KNOWN_ADMIN_ERRORS = [
    (
        {"admin-event"},
        "Element “option” without attribute “label” must not be empty.",
        "The admin's autocomplete of an optional foreign key (an event's main event and country) "
        "offers an empty <option> for Select2's placeholder (AutocompleteMixin.optgroups).",
    ),
]


def is_known(name, message):
    return any(
        name in pages and message.get("message") == text for pages, text, _ in KNOWN_ADMIN_ERRORS
    )


@pytest.mark.parametrize("name", ALL_PAGE_TYPES)
def test_page_is_valid_html(name, vnu_messages):
    errors = [
        message
        for message in vnu_messages[name]
        if message["type"] in FAILING and not is_known(name, message)
    ]
    url = ALL_PAGE_TYPES[name]
    assert not errors, f"vnu found errors in {name} ({url}):\n{describe(errors)}"


@pytest.mark.parametrize("name", [stylesheet.name for stylesheet in STYLESHEETS])
def test_stylesheet_is_valid_css(name, vnu_messages):
    errors = [message for message in vnu_messages[name] if message["type"] in FAILING]
    assert not errors, f"vnu found errors in static/css/{name}:\n{describe(errors)}"


def test_checker_reports_on_every_file(vnu_messages):
    """Errors vnu could not tie to one of the files (it could not read one, say) fail too."""
    known = {*ALL_PAGE_TYPES, *(stylesheet.name for stylesheet in STYLESHEETS)}
    stray = {name: messages for name, messages in vnu_messages.items() if name not in known}
    assert not stray, "\n".join(f"{name}:\n{describe(msgs)}" for name, msgs in stray.items())

"""Details of registering: the button on a full event, the calendar on a registrant's page and in
the cancellation e-mail, and the address the e-mails link to when `make run` serves the portal."""

import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

import pytest
from django.conf import settings
from django.urls import reverse
from icalendar import Calendar
from pytest_django.asserts import assertContains, assertNotContains

from devtools.samples import form_data, links_in
from events import tokens
from events.models import RegistrationStatus

pytestmark = pytest.mark.django_db

BUTTON = re.compile(r'<button type="submit" class="button">([^<]+)</button>')


def button(response):
    (label,) = BUTTON.findall(response.content.decode())
    return " ".join(label.split())


def test_a_full_event_with_a_waiting_list_says_join_the_waiting_list(
    client, make_event, make_registration
):
    event = make_event(registration_enabled=True, capacity=1, waiting_list=True)
    make_registration(event, RegistrationStatus.CONFIRMED)

    response = client.get(event.get_absolute_url())

    assert button(response) == "Join the waiting list"
    assertContains(response, "All places are taken")


def test_an_event_with_places_left_says_register(client, make_event, make_registration):
    limited = make_event(registration_enabled=True, capacity=2, waiting_list=True)
    make_registration(limited, RegistrationStatus.CONFIRMED)
    unlimited = make_event(registration_enabled=True)

    assert button(client.get(limited.get_absolute_url())) == "Register"
    assert button(client.get(unlimited.get_absolute_url())) == "Register"


@pytest.mark.parametrize(
    ("status", "offered"),
    [
        (RegistrationStatus.CONFIRMED, True),
        (RegistrationStatus.WAITLISTED, True),
        (RegistrationStatus.PENDING, True),
        (RegistrationStatus.CANCELLED, False),
    ],
)
def test_only_an_active_registration_offers_add_to_calendar(
    client, make_event, make_registration, status, offered
):
    registration = make_registration(make_event(), status)
    url = reverse("events:manage", args=[tokens.make_token(registration, tokens.MANAGE)])

    response = client.get(url)

    (assertContains if offered else assertNotContains)(response, "Add to calendar")


# --- The calendar file of the cancellation e-mail ----------------------------------------------


def calendar_of(message):
    [(filename, content, mimetype)] = message.attachments
    assert filename.endswith(".ics") and mimetype == "text/calendar"
    calendar = Calendar.from_ical(content)
    (item,) = calendar.walk("VEVENT")
    return calendar, item


def test_the_cancellation_email_takes_the_event_out_of_the_calendar(
    client, make_event, mailoutbox, django_capture_on_commit_callbacks
):
    event = make_event(registration_enabled=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/events/{event.slug}/register/", form_data())
    (confirm,) = set(links_in(mailoutbox[0])["confirm"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm)
    invitation, invited = calendar_of(mailoutbox[1])
    (manage,) = set(links_in(mailoutbox[1])["manage"])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(manage, {"action": "cancel"})

    assert mailoutbox[2].subject.startswith("Registration cancelled")
    cancellation, cancelled = calendar_of(mailoutbox[2])
    assert str(invitation["METHOD"]) == "PUBLISH"
    assert str(invited["STATUS"]) == "CONFIRMED"
    assert str(cancellation["METHOD"]) == "CANCEL"
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert str(cancelled["UID"]) == str(invited["UID"])
    assert cancelled["SEQUENCE"] > invited["SEQUENCE"]
    assert cancelled.decoded("DTSTART") == invited.decoded("DTSTART")
    # The event's own calendar file has the same UID too.
    page_item = Calendar.from_ical(client.get(event.get_ics_url()).content).walk("VEVENT")[0]
    assert str(page_item["UID"]) == str(invited["UID"])

    # Registering again after cancelling puts the event back: a higher SEQUENCE still.
    time.sleep(1.1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/events/{event.slug}/register/", form_data())
    _calendar, again = calendar_of(mailoutbox[3])
    assert str(again["STATUS"]) == "CONFIRMED"
    assert again["SEQUENCE"] > cancelled["SEQUENCE"]


# --- Links in e-mails under `make run` ---------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, process, lines, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("the server stopped: " + "".join(lines))
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"{url} did not answer within {seconds} s")


SETUP_EVENT = """
from datetime import timedelta
from django.utils import timezone
from events.models import Event
start = timezone.now() + timedelta(days=30)
Event.objects.create(title="Port check", slug="port-check", kind="webinar", summary="S.",
    status="published", published_at=timezone.now() - timedelta(days=1), starts_at=start,
    ends_at=start + timedelta(hours=1), registration_enabled=True)
"""


def read_lines(stream, lines):
    for line in stream:
        lines.append(line)


REGISTRATION_LINK = re.compile(r"https?://[^\s\"<>]+/events/registration/[^\s\"<>]+")


@pytest.mark.skipif(shutil.which("make") is None, reason="`make` is not installed")
def test_make_run_links_emails_to_the_port_it_serves(tmp_path):
    """`make run PORT=...` (its set-up steps taken as done), a registration through the real
    server, and the e-mail its worker prints: its links point at that port."""
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PORTAL_"))},
        "DJANGO_SETTINGS_MODULE": "sscportal.settings.dev",
        "VAR_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "REDIS_URL": "",
        "EMAIL_HOST": "",
        "PYTHONUNBUFFERED": "1",
    }
    python = [sys.executable, "manage.py"]
    for command in (["migrate", "--noinput", "-v", "0"], ["shell", "-c", SETUP_EVENT]):
        subprocess.run([*python, *command], cwd=settings.BASE_DIR, env=env, check=True)
    make = ["make", "-o", "install", "-o", "migrate", "-o", "content", "-o", "admin"]
    server = subprocess.Popen(
        [*make, "run", "HOST=127.0.0.1", f"PORT={port}", f"BIN={os.path.dirname(sys.executable)}"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines = []
    threading.Thread(target=read_lines, args=(server.stdout, lines), daemon=True).start()
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/health/", server, lines)
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(f"{base}/events/port-check/").read().decode()
        (token,) = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        data = urllib.parse.urlencode({**form_data(), "csrfmiddlewaretoken": token}).encode()
        opener.open(urllib.request.Request(f"{base}/events/port-check/register/", data=data))
        deadline = time.monotonic() + 60
        while not REGISTRATION_LINK.search("".join(lines)) and time.monotonic() < deadline:
            time.sleep(0.3)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    output = "".join(lines)
    links = REGISTRATION_LINK.findall(output)
    assert links, output
    assert {link.split("/events/")[0] for link in links} == {base}

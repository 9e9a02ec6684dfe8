"""Limits on registrations from one client address and for one e-mail domain (events/views.py,
core/rate_limit.py): over them, a 429 page and nothing stored or sent."""

import socket
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from pytest_django.asserts import assertTemplateUsed

from devtools.samples import form_data
from events.models import Registration

pytestmark = pytest.mark.django_db

WINDOW = 600


@pytest.fixture(autouse=True)
def limits(settings):
    settings.REGISTRATION_LIMIT_PER_CLIENT = 3
    settings.REGISTRATION_LIMIT_PER_DOMAIN = 5
    settings.REGISTRATION_LIMIT_WINDOW = WINDOW


@pytest.fixture
def at_window_start():
    """Time frozen at the start of a window, so that none ends halfway through a test."""
    start = timezone.now().replace(second=0, microsecond=0)
    start -= timedelta(minutes=start.minute % (WINDOW // 60))
    with time_machine.travel(start, tick=False) as traveller:
        yield traveller


def register(client, capture, event, email, address="127.0.0.1", **fields):
    with capture(execute=True):
        return client.post(
            f"/events/{event.slug}/register/",
            form_data(email=email, **fields),
            REMOTE_ADDR=address,
        )


def assert_refused(response, minutes):
    assert response.status_code == 429
    assert response["Retry-After"] == str(minutes * 60)
    assert "no-store" in response["Cache-Control"]
    assertTemplateUsed(response, "events/too_many_registrations.html")
    assertTemplateUsed(response, "base.html")
    html = response.content.decode()
    assert f"Please try again in {minutes} minutes." in html
    assert "Your registration has not been recorded and no e-mail has been sent." in html
    assert "Traceback" not in html


def test_one_client_over_its_limit_gets_429_and_nothing_is_stored_or_sent(
    client, open_event, django_capture_on_commit_callbacks, at_window_start
):
    capture = django_capture_on_commit_callbacks
    answers = [
        register(client, capture, open_event, f"p{n}@org{n}.example").status_code for n in range(3)
    ]
    at_window_start.shift(timedelta(minutes=4))

    response = register(client, capture, open_event, "late@late.example")

    assert answers == [303, 303, 303]
    assert_refused(response, minutes=6)
    assert "from your connection" in response.content.decode()
    assert not Registration.objects.filter(email="late@late.example").exists()
    assert len(mail.outbox) == 3
    # Another client is not affected.
    other = register(client, capture, open_event, "late@late.example", address="198.51.100.7")
    assert other.status_code == 303
    assert Registration.objects.filter(email="late@late.example").exists()


def test_an_ipv6_client_counts_as_its_whole_network(
    client, open_event, django_capture_on_commit_callbacks, at_window_start
):
    capture = django_capture_on_commit_callbacks
    answers = [
        register(
            client, capture, open_event, f"p{n}@org{n}.example", f"2001:db8:7::{n + 1}"
        ).status_code
        for n in range(4)
    ]

    assert answers == [303, 303, 303, 429]
    other_network = register(client, capture, open_event, "q@q.example", "2001:db8:8::1")
    assert other_network.status_code == 303


def test_one_domain_over_its_limit_gets_429_from_any_client(
    client, open_event, django_capture_on_commit_callbacks, at_window_start
):
    capture = django_capture_on_commit_callbacks
    answers = [
        register(
            client, capture, open_event, f"staff{n}@Ministry.example", f"203.0.113.{n}"
        ).status_code
        for n in range(5)
    ]

    response = register(client, capture, open_event, "more@ministry.example", "203.0.113.99")

    assert answers == [303] * 5
    assert_refused(response, minutes=10)
    assert "at ministry.example" in response.content.decode()
    assert Registration.objects.count() == 5
    assert len(mail.outbox) == 5
    # Another domain from the same client is fine.
    fine = register(client, capture, open_event, "someone@elsewhere.example", "203.0.113.99")
    assert fine.status_code == 303


def test_after_the_window_registrations_are_taken_again(
    client, open_event, django_capture_on_commit_callbacks, at_window_start
):
    capture = django_capture_on_commit_callbacks
    for n in range(3):
        register(client, capture, open_event, f"p{n}@org{n}.example")
    assert register(client, capture, open_event, "x@x.example").status_code == 429

    at_window_start.shift(timedelta(seconds=WINDOW))

    assert register(client, capture, open_event, "x@x.example").status_code == 303
    assert Registration.objects.filter(email="x@x.example").exists()


def test_a_form_with_errors_uses_up_no_registrations(
    client, open_event, django_capture_on_commit_callbacks, at_window_start
):
    capture = django_capture_on_commit_callbacks
    errors = [register(client, capture, open_event, "not-an-address").status_code for _ in range(5)]
    honeypot = register(client, capture, open_event, "bot@bot.example", website="http://spam")

    answers = [
        register(client, capture, open_event, f"p{n}@org{n}.example").status_code for n in range(3)
    ]

    assert errors == [400] * 5 and honeypot.status_code == 400
    assert answers == [303, 303, 303]


def test_registering_the_same_address_again_counts_too(
    client, open_event, django_capture_on_commit_callbacks, at_window_start
):
    capture = django_capture_on_commit_callbacks
    answers = [
        register(client, capture, open_event, "same@org.example").status_code for _ in range(4)
    ]

    assert answers == [303, 303, 303, 429]
    # One request e-mail, one reminder (at most one per interval), nothing for the refused one.
    assert len(mail.outbox) == 2


def test_with_the_cache_unreachable_registrations_still_go_through(
    client, open_event, django_capture_on_commit_callbacks, settings, unused_port, caplog
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{unused_port}/4",
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    capture = django_capture_on_commit_callbacks

    answers = [
        register(client, capture, open_event, f"p{n}@org.example").status_code for n in range(5)
    ]

    assert answers == [303] * 5
    assert Registration.objects.count() == 5
    assert "the cache cannot be reached" in caplog.text


@pytest.fixture
def unused_port():
    """A local port nothing listens on: bound to find it, then closed."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]

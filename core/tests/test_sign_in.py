"""Failed sign-ins lock out, through the admin's own login page (core/sign_in.py, settings)."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

LOGIN = "admin:login"
PASSWORD = "the-right-password-7"


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user("editor", password=PASSWORD, is_staff=True)


@pytest.fixture
def make_staff(django_user_model):
    def make(username):
        return django_user_model.objects.create_user(username, password=PASSWORD, is_staff=True)

    return make


def sign_in(client, username, password, address="127.0.0.1", **headers):
    return client.post(
        reverse(LOGIN),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        **headers,
    )


def fail(client, username, times, address="127.0.0.1", **headers):
    """`times` wrong passwords; the answers, in order."""
    return [
        sign_in(client, username, f"wrong-{n}", address, **headers).status_code
        for n in range(times)
    ]


def signed_in(response):
    return response.status_code == 302 and response["Location"] == "/admin/"


def assert_locked_out(response):
    assert response.status_code == 429
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert response["Retry-After"] == str(minutes * 60)
    html = response.content.decode()
    assert (
        f"Too many failed sign-in attempts; try again in {minutes} minutes "
        "or ask an administrator to unlock your account."
    ) in html
    # In the admin's layout, with no form to try again from.
    assert "SSC Portal administration" in html
    assert 'name="password"' not in html


def test_the_failure_limit_locks_the_account_out_even_with_the_right_password(client, editor):
    limit = settings.AXES_FAILURE_LIMIT

    answers = fail(client, "editor", limit)

    # The login page with its error until the last failure, which is answered by the lockout.
    assert answers == [200] * (limit - 1) + [429]
    response = sign_in(client, "editor", PASSWORD)
    assert_locked_out(response)
    assert "_auth_user_id" not in client.session


def test_one_failure_fewer_than_the_limit_still_lets_the_right_password_in(client, editor):
    fail(client, "editor", settings.AXES_FAILURE_LIMIT - 1)

    assert signed_in(sign_in(client, "editor", PASSWORD))


def test_the_locked_account_still_signs_in_from_another_address(client, editor):
    fail(client, "editor", settings.AXES_FAILURE_LIMIT, address="203.0.113.9")

    assert signed_in(sign_in(client, "editor", PASSWORD, address="198.51.100.20"))


def test_a_client_trying_many_accounts_is_locked_out_for_every_account(client, make_staff):
    per_client = settings.SIGN_IN_FAILURE_LIMIT_PER_CLIENT
    per_account = settings.AXES_FAILURE_LIMIT - 1  # never enough to lock one account
    answers = []
    for number in range(-(-per_client // per_account)):
        answers += fail(client, f"guess{number}", per_account)
    make_staff("colleague")

    # Locked out at exactly the client's limit, whatever the accounts tried.
    assert answers.index(429) == per_client - 1
    assert_locked_out(sign_in(client, "colleague", PASSWORD))
    # The colleague is not locked anywhere else.
    assert signed_in(sign_in(client, "colleague", PASSWORD, address="198.51.100.20"))


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(client, editor):
    limit = settings.AXES_FAILURE_LIMIT

    answers = [
        sign_in(client, "editor", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code
        for n in range(limit)
    ]

    assert answers[-1] == 429
    assert_locked_out(sign_in(client, "editor", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.200"))


def test_new_ipv6_addresses_in_the_same_network_do_not_escape_the_lockout(client, editor):
    limit = settings.AXES_FAILURE_LIMIT

    answers = [
        sign_in(client, "editor", "wrong", address=f"2001:db8:5:6::{n + 1:x}").status_code
        for n in range(limit)
    ]

    assert answers[-1] == 429
    assert_locked_out(sign_in(client, "editor", PASSWORD, address="2001:db8:5:6:ffff::1"))
    assert signed_in(sign_in(client, "editor", PASSWORD, address="2001:db8:5:7::1"))


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_one_locked_out(
    client, editor, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.5"

    fail(client, "editor", settings.AXES_FAILURE_LIMIT, proxy, HTTP_X_FORWARDED_FOR="203.0.113.9")

    locked = sign_in(client, "editor", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert_locked_out(locked)
    # Somebody else behind the same proxy is not.
    other = sign_in(client, "editor", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert signed_in(other)
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"


def test_a_success_before_the_limit_starts_the_count_again(client, editor):
    limit = settings.AXES_FAILURE_LIMIT
    fail(client, "editor", limit - 1)
    assert signed_in(sign_in(client, "editor", PASSWORD))
    client.logout()

    answers = fail(client, "editor", limit - 1)

    assert answers == [200] * (limit - 1)
    assert signed_in(sign_in(client, "editor", PASSWORD))


def test_the_lockout_ends_a_cool_off_time_after_the_last_attempt(client, editor):
    start = timezone.now()
    cool_off = settings.AXES_COOLOFF_TIME
    minute = timedelta(minutes=1)
    with time_machine.travel(start, tick=False):
        fail(client, "editor", settings.AXES_FAILURE_LIMIT)
    with time_machine.travel(start + cool_off - minute, tick=False):
        assert_locked_out(sign_in(client, "editor", PASSWORD))
    # That attempt started the wait again: still locked after the first wait would have ended.
    with time_machine.travel(start + cool_off + minute, tick=False):
        assert_locked_out(sign_in(client, "editor", PASSWORD))
    with time_machine.travel(start + 2 * cool_off + 2 * minute, tick=False):
        assert signed_in(sign_in(client, "editor", PASSWORD))


@pytest.mark.parametrize(
    ("command", "arguments"),
    [
        ("axes_reset_username", ["editor"]),
        ("axes_reset_ip", ["127.0.0.1"]),
        ("axes_reset_ip_username", ["127.0.0.1", "editor"]),
        ("axes_reset", []),
    ],
)
def test_the_unlock_commands_let_the_account_in_again(client, editor, command, arguments):
    fail(client, "editor", settings.AXES_FAILURE_LIMIT)
    output = StringIO()

    call_command(command, *arguments, stdout=output)

    assert "attempts removed" in output.getvalue()
    assert signed_in(sign_in(client, "editor", PASSWORD))


def test_superusers_see_and_lift_lockouts_in_the_admin(client, admin_client, editor):
    fail(client, "editor", settings.AXES_FAILURE_LIMIT, address="203.0.113.9")

    index = admin_client.get(reverse("admin:index")).content.decode()
    assert "Sign-in attempts and lockouts" in index
    changelist = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200
    html = changelist.content.decode()
    assert "editor" in html and "203.0.113.9" in html and "Locked Out" in html

    attempt = AccessAttempt.objects.get(username="editor")
    response = admin_client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert signed_in(sign_in(client, "editor", PASSWORD, address="203.0.113.9"))


def test_staff_without_the_permission_do_not_see_the_sign_in_records(staff_client):
    client = staff_client("view_event")

    assert "Sign-in attempts" not in client.get(reverse("admin:index")).content.decode()
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403


def test_the_lockout_page_in_another_language_keeps_its_status(client, editor):
    fail(client, "editor", settings.AXES_FAILURE_LIMIT)

    response = client.post(
        "/fr/admin/login/", {"username": "editor", "password": PASSWORD}, REMOTE_ADDR="127.0.0.1"
    )

    assert response.status_code == 429

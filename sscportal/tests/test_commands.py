"""The local admin account command and the health endpoint."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import HttpRequest
from django.urls import reverse


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


def test_ensure_local_admin_creates_a_superuser_who_can_log_in(db, debug_on, client):
    output = StringIO()

    call_command("ensure_local_admin", stdout=output)

    user = get_user_model().objects.get(username="admin")
    assert (user.is_active, user.is_staff, user.is_superuser) == (True, True, True)
    assert client.login(request=HttpRequest(), username="admin", password="admin")
    assert client.get(reverse("admin:index")).status_code == 200
    assert "Admin: http://127.0.0.1:8000/admin/  user 'admin', password 'admin'" in (
        output.getvalue()
    )


@pytest.mark.parametrize(
    ("host", "port", "address"),
    [
        ("127.0.0.1", "8001", "http://127.0.0.1:8001/admin/"),
        ("0.0.0.0", "9000", "http://0.0.0.0:9000/admin/"),
        ("::1", "8000", "http://[::1]:8000/admin/"),
    ],
)
def test_ensure_local_admin_prints_the_address_make_run_serves(db, debug_on, host, port, address):
    output = StringIO()

    call_command("ensure_local_admin", host=host, port=port, stdout=output)

    assert f"Admin: {address}  user 'admin'" in output.getvalue()


def test_ensure_local_admin_run_twice_keeps_one_account(db, debug_on):
    call_command("ensure_local_admin", stdout=StringIO())
    output = StringIO()

    call_command("ensure_local_admin", stdout=output)

    assert get_user_model().objects.filter(username="admin").count() == 1
    assert "(unless you changed it)" in output.getvalue()


def test_ensure_local_admin_keeps_a_password_the_developer_changed(db, debug_on, client):
    call_command("ensure_local_admin", stdout=StringIO())
    user = get_user_model().objects.get(username="admin")
    user.set_password("something-else")
    user.save()

    call_command("ensure_local_admin", stdout=StringIO())

    assert client.login(request=HttpRequest(), username="admin", password="something-else")
    assert not client.login(request=HttpRequest(), username="admin", password="admin")


def test_ensure_local_admin_restores_staff_rights_to_an_existing_admin_account(db, debug_on):
    get_user_model().objects.create_user("admin", password="mine", is_active=False)

    call_command("ensure_local_admin", stdout=StringIO())

    user = get_user_model().objects.get(username="admin")
    assert (user.is_active, user.is_staff, user.is_superuser) == (True, True, True)
    assert user.check_password("mine")


def test_ensure_local_admin_refuses_while_debug_is_off(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("ensure_local_admin", stdout=StringIO())

    assert not get_user_model().objects.exists()


def test_health_answers_200_with_json_when_the_database_answers(client, db):
    response = client.get("/health/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_health_answers_503_when_the_database_does_not(client, monkeypatch):
    class BrokenConnection:
        def cursor(self):
            raise ConnectionError("database unreachable")

    monkeypatch.setattr("sscportal.health.connection", BrokenConnection())

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "down"}


def test_health_has_no_language_prefix(client, db):
    assert reverse("health") == "/health/"
    assert client.get("/fr/health/").status_code == 404

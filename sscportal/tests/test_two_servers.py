"""Two app servers behind one address share everything through PostgreSQL and Redis: a
registration begun on one is confirmed on the other, a change saved in the admin on one retires
the page the other had cached, and a staff session opened on one is valid on the other.

Each server is gunicorn with the portal's gunicorn.conf.py (two sync workers), production
settings over plain HTTP (devtools.server_settings), the same secret key, the test database and
the test's Redis database. A visitor asks both for the one public host name, as a load balancer
passes it on, and its cookies go to both, as a browser's do to one site.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from devtools.html_forms import as_post_data, form_fields
from devtools.samples import form_data
from events import tokens
from events.models import Registration, RegistrationStatus

GUNICORN = Path(sys.executable).parent / "gunicorn"
PASSWORD = "Long-Pass-2026"
HOST = "portal.test"  # the site's one address, whichever server answers

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="two app servers share a PostgreSQL database: run with DATABASE_URL pointing at one",
    ),
    pytest.mark.skipif(
        not settings.REDIS_URL,
        reason="two app servers share a Redis cache: run with REDIS_URL pointing at one",
    ),
    pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed"),
    pytest.mark.django_db(transaction=True),
]


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    """A browser's cookie jar for the site, sent to whichever server the balancer chose."""

    opener = urllib.request.build_opener(NoRedirects)

    def __init__(self):
        self.cookies = {}

    def request(self, server, path, data=None):
        body = urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(server + path, data=body, headers={"Host": HOST})
        if self.cookies:
            cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
            request.add_header("Cookie", cookie)
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            content = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return response.status, response.headers, content.decode()

    def get(self, server, path):
        return self.request(server, path)

    def post(self, server, path, data):
        return self.request(server, path, data)


def database_url():
    config = connection.settings_dict
    password = f":{config['PASSWORD']}" if config["PASSWORD"] else ""
    host = config["HOST"] or "127.0.0.1"
    port = config["PORT"] or "5432"
    return f"postgres://{config['USER']}{password}@{host}:{port}/{config['NAME']}"


def start_server(log_path, static_root):
    """gunicorn on a loopback port the system chose, handed over as a listening socket."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    port = listener.getsockname()[1]
    bind = f"fd://{listener.fileno()}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "devtools.server_settings",
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CACHE_KEY_PREFIX": settings.CACHES["default"].get("KEY_PREFIX", ""),
        "PAGE_CACHE_SECONDS": "300",
        "STATIC_ROOT": str(static_root),
        "GUNICORN_BIND": bind,
        "GUNICORN_WORKERS": "2",
    }
    with open(log_path, "wb") as log:
        process = subprocess.Popen(  # noqa: S603
            [str(GUNICORN), "-c", str(settings.BASE_DIR / "gunicorn.conf.py"), "--bind", bind]
            + ["sscportal.wsgi"],
            cwd=settings.BASE_DIR,
            env=env,
            pass_fds=[listener.fileno()],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    listener.close()  # gunicorn holds its own copy
    server = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {Path(log_path).read_text()[-2000:]}")
        try:
            if Visitor().get(server, "/health/")[0] == 200:
                return process, server
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(process)
    raise RuntimeError(f"gunicorn did not answer: {Path(log_path).read_text()[-2000:]}")


def stop_server(process):
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def servers(django_db_setup, tmp_path_factory):
    """Servers A and B on the test database (module scope: started once for these tests)."""
    folder = tmp_path_factory.mktemp("two-servers")
    started = []
    try:
        for name in ("a", "b"):
            started.append(start_server(folder / f"{name}.log", folder / "static"))
        yield tuple(server for _process, server in started)
    finally:
        for process, _server in started:
            stop_server(process)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def editor_account(settings, django_user_model):
    """A superuser whose password the servers can check: hashed with production's hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    django_user_model.objects.create_superuser("editor", "editor@example.org", PASSWORD)
    return {"username": "editor", "password": PASSWORD, "next": "/admin/"}


def log_in(visitor, server, account):
    """Through the admin's login form, as staff do."""
    _status, _headers, page = visitor.get(server, "/admin/login/")
    fields = as_post_data(form_fields(page, form_id="login-form"), **account)
    return visitor.post(server, "/admin/login/?next=/admin/", fields)


def csrf_token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_a_registration_begun_on_one_server_is_confirmed_on_the_other(servers, make_event):
    a, b = servers
    event = make_event("Forum on food security", slug="food-forum", registration_enabled=True)
    visitor = Visitor()

    status, headers, page = visitor.get(a, "/events/food-forum/")
    assert status == 200
    assert headers["X-Page-Cache"] == "miss"
    status, headers, _page = Visitor().get(b, "/events/food-forum/")
    assert (status, headers["X-Page-Cache"]) == (200, "hit")  # A's page, from the shared cache

    status, headers, _body = visitor.post(
        a,
        "/events/food-forum/register/",
        form_data(email="ana@example.org", csrfmiddlewaretoken=csrf_token(page)),
    )
    assert status == 303
    assert headers["Location"] == "/events/food-forum/registered/"
    registration = Registration.objects.get(event=event, email="ana@example.org")
    assert registration.status == RegistrationStatus.PENDING

    confirm_path = reverse("events:confirm", args=[tokens.make_token(registration, tokens.CONFIRM)])
    status, _headers, page = visitor.get(b, confirm_path)
    assert status == 200
    status, headers, _body = visitor.post(
        b, confirm_path, {"csrfmiddlewaretoken": csrf_token(page)}
    )
    assert status == 303
    assert headers["Location"].startswith("/events/registration/")
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_a_change_in_the_admin_on_one_server_shows_at_once_on_the_other(
    servers, make_initiative, source, editor_account
):
    a, b = servers
    initiative = make_initiative("Seed banks in the Sahel", sources=[source])
    path = initiative.get_absolute_url()
    reader = Visitor()
    assert reader.get(b, path)[1]["X-Page-Cache"] == "miss"
    status, headers, page = reader.get(b, path)
    assert (status, headers["X-Page-Cache"]) == (200, "hit")
    assert "Seed banks in the Sahel" in page

    editor = Visitor()
    status, headers, _body = log_in(editor, a, editor_account)
    assert (status, headers["Location"]) == (302, "/admin/")
    change_path = f"/admin/initiatives/initiative/{initiative.pk}/change/"
    _status, _headers, change_page = editor.get(a, change_path)
    status, _headers, body = editor.post(
        a,
        change_path,
        as_post_data(
            form_fields(change_page, form_id="initiative_form"),
            title="Seed banks across the Sahel",
            # The case study is live: a publisher's change goes out at once only so.
            _publish_now="Save and publish now",
        ),
    )
    assert status == 302, body[:2000]

    status, headers, page = reader.get(b, path)
    assert (status, headers["X-Page-Cache"]) == (200, "miss")
    assert "Seed banks across the Sahel" in page


def test_a_staff_session_opened_on_one_server_is_valid_on_the_other(servers, editor_account):
    a, b = servers
    editor = Visitor()
    assert editor.get(b, "/admin/")[0] == 302  # not logged in yet: to the login page

    assert log_in(editor, a, editor_account)[0] == 302
    assert settings.SESSION_COOKIE_NAME in editor.cookies

    status, headers, page = editor.get(b, "/admin/")
    assert status == 200
    assert headers["X-Page-Cache"] == "bypass"
    assert "Newsroom" in page

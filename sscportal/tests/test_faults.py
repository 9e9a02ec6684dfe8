"""What visitors get while a service the portal uses is away, and that it comes back by itself.

- Redis (the cache) killed: every page and a registration still answer, the fault is logged once
  and not per request, and the cache is used again once Redis is back.
- The database out of reach: every page answers 503 with a human page and Retry-After, wherever
  the error is raised (view, template rendering, middleware); other errors stay 500.

Each twice: in this process through the test client, and against the portal served by gunicorn
with production settings (PostgreSQL only: on SQLite the test database is invisible to another
process). There a real redis-server is killed and started again, and the database is taken away
by stopping a TCP proxy in front of it.
"""

import logging
import re
import time
import traceback
from types import SimpleNamespace
from unittest import mock
from urllib.parse import quote, urlencode

import pytest
import redis
from django.core import mail
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.template import engines
from django.template.response import TemplateResponse
from django.test import Client
from django.urls import path
from django.utils import translation
from django.utils.translation import gettext

from core.cache import forget_faults
from devtools.samples import form_data
from devtools.servers import Gunicorn, redis_caches
from devtools.tcp_proxy import TcpProxy
from events.models import Registration
from initiatives.models import CountryRole, Initiative
from sscportal import urls as portal_urls

PAGES = [
    "/",
    "/initiatives/",
    "/initiatives/?region=africa&theme=health&sdg=3&country=SL&sort=title",
    "/initiatives/clinics-across-the-border/",
    "/events/",
    "/events/?region=africa&theme=health",
    "/events/open-forum/",
    "/publications/",
    "/fr/initiatives/",
    "/api/v1/case-studies/",
    "/api/v1/case-studies/clinics-across-the-border/",
]
REGISTER = "/events/open-forum/register/"
UNAVAILABLE = "The portal is briefly unavailable"

DATABASE_DOWN = mock.patch(
    "django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection",
    side_effect=OperationalError("could not connect to server: Connection refused"),
)

needs_postgresql_for_gunicorn = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the portal under gunicorn reads the test database from another process, and an "
    "SQLite test database is invisible to it: run with DATABASE_URL pointing at PostgreSQL",
)


@pytest.fixture(autouse=True)
def _fresh_fault_records():
    forget_faults()
    yield
    forget_faults()


@pytest.fixture
def content(make_initiative, make_event, make_publication, make_theme, countries, sdgs):
    health = make_theme("Health")
    case = make_initiative(
        "Clinics across the border",
        slug="clinics-across-the-border",
        countries={
            countries["sierra_leone"]: CountryRole.BENEFICIARY,
            countries["kenya"]: CountryRole.PROVIDER,
        },
        themes=[health],
        sdgs=[sdgs[3]],
    )
    event = make_event(
        "Open Forum", slug="open-forum", registration_enabled=True, country=countries["kenya"]
    )
    event.themes.add(health)
    make_publication("Report on clinics")
    return SimpleNamespace(case=case, event=event)


def cache_warnings(records):
    return [r for r in records if r.name == "core.cache" and r.levelno == logging.WARNING]


def assert_the_unavailable_page(status, headers, body):
    assert status == 503
    assert headers["Retry-After"] == "30"
    assert headers["Cache-Control"] == "no-store"
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    text = body.decode()
    # In the language of the address (the page's <html lang>).
    language = re.search(r'<html lang="([^"]+)"', text).group(1)
    with translation.override(language):
        assert f"<h1>{gettext(UNAVAILABLE)}</h1>" in text
        assert gettext("Please try again in a minute.") in text
    assert "Traceback" not in text and "OperationalError" not in text


# --- Redis away, in this process ---------------------------------------------------------------


@pytest.mark.django_db
def test_with_redis_killed_pages_and_registrations_answer_and_the_fault_is_logged_once(
    client, settings, redis_server, content, caplog, django_capture_on_commit_callbacks
):
    settings.CACHES = redis_caches(redis_server.url, "faults", RETRY_AFTER=0.1)
    raw = redis.Redis.from_url(redis_server.url)
    for url in PAGES:
        assert client.get(url).status_code == 200, url
    assert b"faults:1:portal:content-version" in raw.keys("faults:*")  # the cache is in use

    redis_server.kill()
    caplog.set_level(logging.INFO, logger="core.cache")
    for _round in range(2):
        for url in PAGES:
            response = client.get(url)
            assert response.status_code == 200, url
    filtered = client.get(PAGES[2]).content.decode()
    assert "Clinics across the border" in filtered
    # The choices still load, with their counts in the result.
    assert re.search(r'<option value="africa" selected>Africa \(\d+\)</option>', filtered)
    with django_capture_on_commit_callbacks(execute=True):
        registered = client.post(REGISTER, form_data(email="ana@example.org"))
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(REGISTER, form_data(email="ana@example.org"))

    assert registered.status_code == 303 and again.status_code == 303
    assert Registration.objects.filter(event=content.event, email="ana@example.org").count() == 1
    # The confirmation request goes out; the reminder for registering again, which the cache
    # limits to one per interval, is not sent while the cache cannot count.
    assert [message.to for message in mail.outbox] == [["ana@example.org"]]
    [warning] = cache_warnings(caplog.records)
    assert f"Cache {redis_server.url} failed (ConnectionError" in warning.getMessage()

    redis_server.start()
    time.sleep(0.2)  # RETRY_AFTER
    assert client.get("/initiatives/").status_code == 200
    assert b"faults:1:portal:content-version" in raw.keys("faults:*")  # in use again
    assert any("is back after" in r.getMessage() for r in caplog.records)
    assert len(cache_warnings(caplog.records)) == 1


# --- The database away, in this process --------------------------------------------------------


# Pages seen before that are written without the database from what they keep: a case study's
# page around its parts (publishing.views.PublishedDetailMixin), the home page from its content
# (templates/home.html's fragment), a record of the API, each with a text it shows.
KEPT = {
    "/": b"South-South",
    "/initiatives/clinics-across-the-border/": b"Clinics across the border",
    # What the API says of a record is kept as well (api/views.py KeptRecordsMixin).
    "/api/v1/case-studies/clinics-across-the-border/": b"Clinics across the border",
}


@pytest.mark.django_db
def test_every_page_answers_503_while_the_database_is_unreachable_and_200_after(content, caplog):
    client = Client(raise_request_exception=False)
    for url in PAGES:
        assert client.get(url).status_code == 200, url

    with DATABASE_DOWN:
        responses = {url: client.get(url) for url in PAGES}
        registration = client.post(REGISTER, form_data(email="during@example.org"))

    for url, text in KEPT.items():
        kept = responses.pop(url)
        assert kept.status_code == 200 and text in kept.content, url
    for response in responses.values():
        assert_the_unavailable_page(response.status_code, response, response.content)
    assert registration.status_code == 503
    assert not Registration.objects.filter(email="during@example.org").exists()
    for url in PAGES:
        assert client.get(url).status_code == 200, url
    # Logged once per request, with the exception, by the portal and not again by Django.
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert {r.name for r in errors} == {"sscportal.errors"}
    # Every page but the kept ones, and the registration.
    assert len(errors) == len(PAGES) - len(KEPT) + 1
    assert errors[0].getMessage() == "Database unavailable, answered 503: GET /initiatives/"
    assert isinstance(errors[0].exc_info[1], OperationalError)


def test_the_503_page_speaks_the_language_of_the_address():
    client = Client(raise_request_exception=False)

    with DATABASE_DOWN:
        french = client.get("/fr/initiatives/")
        arabic = client.get("/ar/")

    assert french.status_code == arabic.status_code == 503
    assert '<html lang="fr" dir="ltr">' in french.content.decode()
    assert '<html lang="ar" dir="rtl">' in arabic.content.decode()


# Pages that fail in each place Django can raise from, on the portal's handler500.
def remembers_the_visit(request):
    """Keeps something in the session: the session middleware writes it to the database after
    the view has answered."""
    request.session["visited"] = True
    return HttpResponse("remembered")


def lists_case_studies_later(request):
    """The query runs while the template renders, after the view has returned."""
    template = engines["django"].from_string("{% for case in cases %}{{ case }}{% endfor %}")
    return TemplateResponse(request, template, {"cases": Initiative.objects.all()})


def loses_the_connection(request):
    raise InterfaceError("connection already closed")


def fails_because_of_the_database(request):
    try:
        Initiative.objects.count()
    except OperationalError as error:
        raise RuntimeError("could not count the case studies") from error


def has_a_bug(request):
    raise ValueError("a fault of the portal")


urlpatterns = [
    path("remember/", remembers_the_visit),
    path("later/", lists_case_studies_later),
    path("lost/", loses_the_connection),
    path("wrapped/", fails_because_of_the_database),
    path("bug/", has_a_bug),
    *portal_urls.urlpatterns,
]
handler500 = portal_urls.handler500


def raised_in(record, module):
    return any(
        frame.filename.endswith(module) for frame in traceback.extract_tb(record.exc_info[2])
    )


@pytest.mark.urls(__name__)
def test_the_session_middleware_failing_to_save_answers_503(caplog):
    client = Client(raise_request_exception=False)

    with DATABASE_DOWN:
        response = client.get("/remember/")

    assert_the_unavailable_page(response.status_code, response, response.content)
    assert "sessionid" not in response.cookies
    [record] = [r for r in caplog.records if r.name == "sscportal.errors"]
    assert raised_in(record, "django/contrib/sessions/middleware.py")


@pytest.mark.urls(__name__)
def test_a_query_failing_while_the_template_renders_answers_503(caplog):
    client = Client(raise_request_exception=False)

    with DATABASE_DOWN:
        response = client.get("/later/")

    assert_the_unavailable_page(response.status_code, response, response.content)
    [record] = [r for r in caplog.records if r.name == "sscportal.errors"]
    assert raised_in(record, "django/template/response.py")


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_a_lost_connection_or_an_error_raised_from_one_answers_503():
    client = Client(raise_request_exception=False)

    lost = client.get("/lost/")
    with DATABASE_DOWN:
        wrapped = client.get("/wrapped/")

    assert_the_unavailable_page(lost.status_code, lost, lost.content)
    assert_the_unavailable_page(wrapped.status_code, wrapped, wrapped.content)


@pytest.mark.urls(__name__)
def test_any_other_error_still_answers_500(caplog):
    client = Client(raise_request_exception=False)

    response = client.get("/bug/")

    assert response.status_code == 500
    assert "This is a server error (500)" in response.content.decode()
    assert "Retry-After" not in response
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert (record.name, record.getMessage()) == ("django.request", "Internal Server Error: /bug/")


@pytest.mark.urls(__name__)
def test_the_503_answers_in_plain_text_if_its_page_cannot_be_rendered(settings, tmp_path):
    (tmp_path / "503.html").write_text("{% url 'no-such-page' %}")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    client = Client(raise_request_exception=False)

    response = client.get("/lost/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == f"{UNAVAILABLE}. Please try again in a minute.\n"


@pytest.mark.urls(__name__)
def test_retry_after_is_a_setting(settings):
    settings.PORTAL_UNAVAILABLE_RETRY_AFTER = 120

    response = Client(raise_request_exception=False).get("/lost/")

    assert response["Retry-After"] == "120"


# --- Against gunicorn, production settings, PostgreSQL -----------------------------------------


def database_url(port=None):
    """The test database's address, through `port` (a proxy) if given."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{user}{password}@{host}:{port or db['PORT'] or 5432}/{db['NAME']}"


def serve(directory, database, redis_url=None, page_cache_seconds=0):
    """The portal under gunicorn (one worker, so that the same process is seen before and after
    an outage), production settings with DEBUG off; without the page cache unless asked, so that
    every page is rendered from the database."""
    environment = {
        "PAGE_CACHE_SECONDS": str(page_cache_seconds),
        "DJANGO_SETTINGS_MODULE": "devtools.serving_settings",
        "SECRET_KEY": "test-only-not-secret-for-the-served-portal",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database,
        "REDIS_URL": redis_url or "",
        "CACHE_KEY_PREFIX": "served",
        "DB_CONN_MAX_AGE": "60",
        "SECURE_COOKIES": "false",
        "LOG_LEVEL": "INFO",
        "STATIC_ROOT": str(directory),
    }
    return Gunicorn(environment, workers=1).start()


def csrf(server):
    """The CSRF cookie and form token a browser gets with the event's page."""
    status, headers, body = server.get("/events/open-forum/")
    assert status == 200
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    cookie = re.search(r"csrftoken=([^;]+)", headers["Set-Cookie"]).group(1)
    return token, cookie


def register(server, email, token_and_cookie=None):
    """The registration form as a browser sends it."""
    token, cookie = token_and_cookie or csrf(server)
    return server.request(
        REGISTER,
        data=urlencode({**form_data(email=email), "csrfmiddlewaretoken": token}).encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie}",
        },
        method="POST",
    )


def lines_with(server, text):
    return [line for line in server.lines if text in line]


@needs_postgresql_for_gunicorn
@pytest.mark.django_db(transaction=True)
def test_served_with_redis_killed_pages_and_registrations_answer(content, redis_server, tmp_path):
    raw = redis.Redis.from_url(redis_server.url)
    server = serve(tmp_path, database_url(), redis_server.url)
    try:
        for url in PAGES:
            assert server.get(url)[0] == 200, url
        assert b"served:1:portal:content-version" in raw.keys("served:*")

        redis_server.kill()
        started = time.monotonic()
        for url in PAGES:
            assert server.get(url)[0] == 200, url
        answered_in = time.monotonic() - started
        status, headers, _body = register(server, "ines@example.org")
        assert (status, headers["Location"]) == (303, "/events/open-forum/registered/")
        assert Registration.objects.filter(email="ines@example.org").count() == 1
        assert register(server, "ines@example.org")[0] == 303  # again: the reminder path
        assert Registration.objects.filter(email="ines@example.org").count() == 1

        redis_server.start()
        time.sleep(2.2)  # the worker leaves Redis alone for 2 s after a failed connection
        assert server.get("/initiatives/")[0] == 200
        assert b"served:1:portal:content-version" in raw.keys("served:*")  # in use again
    finally:
        server.stop()

    failed = lines_with(server, f"Cache redis://127.0.0.1:{redis_server.port}/0 failed")
    assert len(failed) == 1, server.output()
    # Logged while a request was served: with its id.
    assert re.search(r" WARNING \[[0-9a-f]{32}\] core\.cache: ", failed[0]), failed[0]
    assert len(lines_with(server, "is back after")) == 1
    assert not lines_with(server, "Traceback"), server.output()
    assert answered_in < 20  # no page waited on the dead Redis for long


@needs_postgresql_for_gunicorn
@pytest.mark.django_db(transaction=True)
def test_served_with_the_database_unreachable_pages_answer_503_and_recover_by_themselves(
    content, tmp_path
):
    with TcpProxy((connection.settings_dict["HOST"] or "127.0.0.1", 5432)) as proxy:
        server = serve(tmp_path, database_url(proxy.port))
        try:
            status, _headers, _body = register(server, "before@example.org")
            assert status == 303
            for url in PAGES:
                assert server.get(url)[0] == 200, url
            workers = server.worker_pids()
            ready = server.get("/health/ready")
            form = csrf(server)  # the page as the visitor had it open

            proxy.stop()
            during = {url: server.get(url) for url in PAGES}
            registering = register(server, "during@example.org", form)
            health = {url: server.get(url) for url in ("/health/", "/health/ready", "/health/live")}

            proxy.start()
            after = {url: server.get(url)[0] for url in PAGES}
            ready_after = server.get("/health/ready")
            workers_after = server.worker_pids()
        finally:
            server.stop()

    assert ready[0] == 200
    for url, text in KEPT.items():
        kept_status, _headers, kept_body = during.pop(url)
        assert kept_status == 200 and text in kept_body, url
    for status, headers, body in during.values():
        assert_the_unavailable_page(status, headers, body)
    assert_the_unavailable_page(*registering)
    assert health["/health/"][0] == 503
    assert health["/health/ready"][0] == 503
    assert health["/health/ready"][2] == (
        b'{"status": "unavailable", "database": "down", "cache": "up"}'
    )
    assert (health["/health/live"][0], health["/health/live"][2]) == (200, b'{"status": "ok"}')
    # Back by themselves, in the same worker, which reconnected.
    assert after == dict.fromkeys(PAGES, 200)
    assert ready_after[0] == 200
    assert workers_after == workers
    assert Registration.objects.filter(email="before@example.org").count() == 1
    assert not Registration.objects.filter(email="during@example.org").exists()
    # The portal's error line and gunicorn's access line carry the same request id.
    request_id = during["/events/open-forum/"][1]["X-Request-ID"]
    [error] = lines_with(server, f"[{request_id}] sscportal.errors")
    assert (
        "ERROR" in error and "Database unavailable, answered 503: GET /events/open-forum/" in error
    )
    [access] = lines_with(server, f"ms {request_id}")
    assert '"GET /events/open-forum/ HTTP/1.1" 503' in access


@needs_postgresql_for_gunicorn
@pytest.mark.django_db(transaction=True)
def test_with_the_database_unreachable_pages_kept_in_the_page_cache_are_still_answered(
    content, tmp_path
):
    with TcpProxy((connection.settings_dict["HOST"] or "127.0.0.1", 5432)) as proxy:
        server = serve(tmp_path, database_url(proxy.port), page_cache_seconds=300)
        try:
            kept, not_kept = PAGES[0], PAGES[1]
            assert server.get(kept)[0] == 200  # rendered and kept
            proxy.stop()
            during_kept = server.get(kept)
            during_not_kept = server.get(not_kept)
            proxy.start()
        finally:
            server.stop()

    status, headers, _body = during_kept
    assert (status, headers["X-Page-Cache"]) == (200, "hit")
    assert_the_unavailable_page(*during_not_kept)

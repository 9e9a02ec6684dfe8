"""The anonymous page cache (core/page_cache.py), through the test client: what is kept, for whom,
under which key, until when, and what a failing cache does."""

import logging
import re

import pytest
from django.conf import settings
from django.contrib import messages
from django.core.cache.backends.base import BaseCache
from django.db import connection
from django.http import (
    HttpResponse,
    HttpResponseNotFound,
    JsonResponse,
    StreamingHttpResponse,
)
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path, reverse
from django.utils.cache import patch_cache_control

import core.page_cache
import core.version_watch
from core.page_cache import public_page
from devtools.html_forms import as_post_data, form_fields
from devtools.samples import form_data
from devtools.servers import redis_caches
from events import tokens
from events.models import Registration, RegistrationStatus
from publishing.models import Status

pytestmark = pytest.mark.django_db

HEADER = "X-Page-Cache"


@pytest.fixture
def page_cache(settings):
    """The page cache on, as in production (the suite runs without it)."""
    settings.PAGE_CACHE_SECONDS = 300


def queries_of(client, url, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **kwargs)
    return response, len(queries)


def test_a_page_is_rendered_once_then_answered_from_the_cache_without_the_database(
    page_cache, client, make_initiative
):
    url = make_initiative("Solar pumps for smallholders").get_absolute_url()

    first, first_queries = queries_of(client, url)
    second, second_queries = queries_of(client, url)

    assert (first.status_code, first[HEADER]) == (200, "miss")
    assert first_queries > 0
    assert (second.status_code, second[HEADER]) == (200, "hit")
    assert second_queries == 0
    assert second.content == first.content
    assert second["Content-Type"] == "text/html; charset=utf-8"


def test_an_answer_from_the_cache_has_the_headers_of_the_rendered_page(page_cache, client):
    """The inner layers' headers (language, clickjacking, Vary) are stored with the page; the
    outer layers (request id, security headers, compression) work on every answer."""
    miss = client.get("/about/", headers={"accept-encoding": "gzip"})
    assert miss[HEADER] == "miss"

    hit = client.get("/about/", headers={"accept-encoding": "gzip"})

    assert hit[HEADER] == "hit"
    for name in (
        "Content-Type",
        "Content-Language",
        "X-Frame-Options",
        "Vary",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "Content-Security-Policy",
        "Content-Encoding",
    ):
        assert hit[name] == miss[name], name
    assert hit["Content-Language"] == "en"
    assert hit["X-Frame-Options"] == "DENY"
    assert hit["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in hit["Vary"]
    assert hit["X-Request-ID"] != miss["X-Request-ID"]
    plain = client.get("/about/")
    assert plain[HEADER] == "hit"
    assert "Content-Encoding" not in plain
    assert int(plain["Content-Length"]) == len(plain.content)


def test_a_french_page_from_the_cache_says_it_is_french(page_cache, client):
    client.get("/fr/about/")

    hit = client.get("/fr/about/", headers={"accept-language": "es"})

    assert hit[HEADER] == "hit"
    assert hit["Content-Language"] == "fr"
    assert b'<html lang="fr"' in hit.content


def test_each_language_has_its_own_page(page_cache, client):
    english, french = client.get("/"), client.get("/fr/")
    assert (english[HEADER], french[HEADER]) == ("miss", "miss")

    english, french = client.get("/"), client.get("/fr/")

    assert (english[HEADER], french[HEADER]) == ("hit", "hit")
    assert b'<html lang="en"' in english.content
    assert b'<html lang="fr"' in french.content


def test_each_query_string_has_its_own_page(page_cache, client, make_initiative):
    make_initiative("Rice terraces restored")
    make_initiative("Water kiosks in towns")
    rice, water = "/initiatives/?q=rice", "/initiatives/?q=water"
    assert (client.get(rice)[HEADER], client.get(water)[HEADER]) == ("miss", "miss")

    rice_again, water_again = client.get(rice), client.get(water)

    assert (rice_again[HEADER], water_again[HEADER]) == ("hit", "hit")
    assert b"Rice terraces restored" in rice_again.content
    assert b"Water kiosks" not in rice_again.content
    assert b"Water kiosks in towns" in water_again.content
    assert client.get("/initiatives/?q=rice&page=1")[HEADER] == "miss"


def test_a_change_saved_in_the_admin_retires_the_cached_page_at_once(
    page_cache, client, admin_client, make_initiative, source
):
    initiative = make_initiative("Seed banks in the Sahel", sources=[source])
    url = initiative.get_absolute_url()
    client.get(url)
    assert client.get(url)[HEADER] == "hit"

    change_url = reverse("admin:initiatives_initiative_change", args=[initiative.pk])
    page = admin_client.get(change_url)
    fields = form_fields(page.content.decode(), form_id="initiative_form")
    response = admin_client.post(
        change_url,
        as_post_data(
            fields, title="Seed banks across the Sahel", _publish_now="Save and publish now"
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors

    fresh = client.get(url)
    assert fresh[HEADER] == "miss"
    assert b"Seed banks across the Sahel" in fresh.content


def test_staff_are_never_answered_from_nor_stored_into_the_cache(
    page_cache, client, admin_client, make_initiative
):
    url = make_initiative("Mobile clinics").get_absolute_url()

    assert admin_client.get(url)[HEADER] == "bypass"
    assert admin_client.get(url)[HEADER] == "bypass"
    assert client.get(url)[HEADER] == "miss"  # nothing was stored for the staff member
    assert client.get(url)[HEADER] == "hit"
    assert admin_client.get(url)[HEADER] == "bypass"


@pytest.mark.parametrize("cookie", [settings.SESSION_COOKIE_NAME, "messages"])
def test_a_visitor_with_a_session_or_a_waiting_message_gets_the_page_rendered(
    page_cache, client, cookie
):
    assert Client().get("/about/")[HEADER] == "miss"
    client.cookies[cookie] = "anything"

    response, queries = queries_of(client, "/about/")

    assert response[HEADER] == "bypass"
    assert queries > 0


def test_a_staff_preview_is_never_cached(page_cache, client, admin_client, make_initiative):
    draft = make_initiative("Draft study", status=Status.DRAFT)
    url = draft.get_absolute_url()

    preview = admin_client.get(url)
    assert preview.status_code == 200
    assert preview[HEADER] == "bypass"
    assert "no-store" in preview["Cache-Control"]
    assert client.get(url).status_code == 404
    assert client.get(url)[HEADER] == "bypass"  # not found is not stored either


def test_a_registrants_own_pages_are_never_cached(
    page_cache, client, make_event, make_registration
):
    event = make_event("Forum", registration_enabled=True)
    registration = make_registration(event, name="Ana Pereira", email="ana@example.org")
    confirm_url = reverse("events:confirm", args=[tokens.make_token(registration, tokens.CONFIRM)])
    manage_url = reverse("events:manage", args=[tokens.make_token(registration, tokens.MANAGE)])

    for url in (confirm_url, manage_url):
        first, second = client.get(url), client.get(url)
        assert (first.status_code, second.status_code) == (200, 200)
        assert (first[HEADER], second[HEADER]) == ("bypass", "bypass")
        assert "private" in second["Cache-Control"]
        assert b"ana@example.org" in second.content


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/about/",
        "/initiatives/",
        "/events/",
        "/events/?when=past",
        "/publications/",
        "/search/?q=water",
        "/initiatives/feed/rss/",
        "/publications/feed/atom/",
        "/events/upcoming.ics",
        "/sitemap.xml",
        "/robots.txt",
    ],
)
def test_public_pages_feeds_and_sitemaps_are_cached(page_cache, client, url):
    assert client.get(url)[HEADER] == "miss"
    assert client.get(url)[HEADER] == "hit"


@pytest.mark.parametrize("url", ["/health/", "/admin/login/", "/initiatives/no-such-study/"])
def test_pages_that_did_not_opt_in_or_failed_are_not_cached(page_cache, client, url):
    client.get(url)
    assert client.get(url)[HEADER] == "bypass"


def test_a_head_request_is_answered_from_the_page_a_get_stored(page_cache, client):
    client.get("/about/")

    response = client.head("/about/")

    assert (response.status_code, response[HEADER]) == (200, "hit")
    assert response.content == b""


def test_posts_are_never_answered_from_the_cache(page_cache, client, make_event):
    event = make_event("Forum", registration_enabled=True)
    client.get(event.get_absolute_url())

    response = client.post(reverse("events:register", args=[event.slug]), form_data())

    assert (response.status_code, response[HEADER]) == (303, "bypass")


def token_of(response):
    (token,) = re.findall(rb'name="csrfmiddlewaretoken" value="([^"]+)"', response.content)
    return token.decode()


def test_two_visitors_get_the_cached_event_page_each_with_their_own_token_and_both_register(
    page_cache, make_event
):
    event = make_event("Forum on food security", registration_enabled=True)
    url = event.get_absolute_url()
    assert Client().get(url)[HEADER] == "miss"
    ana, bo = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)

    pages = {"ana": ana.get(url), "bo": bo.get(url)}

    for name, page in pages.items():
        assert page[HEADER] == "hit", name
        assert b"csrf-token-" not in page.content
    ana_token, bo_token = token_of(pages["ana"]), token_of(pages["bo"])
    ana_secret = ana.cookies[settings.CSRF_COOKIE_NAME].value
    bo_secret = bo.cookies[settings.CSRF_COOKIE_NAME].value
    assert ana_secret != bo_secret
    assert _unmask_cipher_token(ana_token) == ana_secret
    assert _unmask_cipher_token(bo_token) == bo_secret

    register_url = reverse("events:register", args=[event.slug])
    # One visitor's token is no good with another's cookie.
    refused = bo.post(register_url, form_data(csrfmiddlewaretoken=ana_token))
    assert refused.status_code == 403
    for client, token, email in (
        (ana, ana_token, "ana@example.org"),
        (bo, bo_token, "bo@example.org"),
    ):
        response = client.post(register_url, form_data(email=email, csrfmiddlewaretoken=token))
        assert response.status_code == 303, response.content[:500]
    assert set(Registration.objects.values_list("email", flat=True)) == {
        "ana@example.org",
        "bo@example.org",
    }


def test_a_confirmed_place_retires_the_page_that_counts_the_places(
    page_cache, client, make_event, make_registration, django_capture_on_commit_callbacks
):
    event = make_event("Workshop", registration_enabled=True, capacity=5)
    registration = make_registration(event)
    url = event.get_absolute_url()
    assert b"5 places left." in client.get(url).content
    assert client.get(url)[HEADER] == "hit"

    confirm_url = reverse("events:confirm", args=[tokens.make_token(registration, tokens.CONFIRM)])
    with django_capture_on_commit_callbacks(execute=True):
        assert Client().post(confirm_url).status_code == 303
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED

    fresh = client.get(url)
    assert fresh[HEADER] == "miss"
    assert b"4 places left." in fresh.content


def confirm_place(registration, django_capture_on_commit_callbacks):
    confirm_url = reverse("events:confirm", args=[tokens.make_token(registration, tokens.CONFIRM)])
    with django_capture_on_commit_callbacks(execute=True):
        assert Client().post(confirm_url).status_code == 303


def test_a_confirmed_place_leaves_the_other_pages_in_the_cache(
    page_cache, client, make_event, make_registration, django_capture_on_commit_callbacks
):
    event = make_event("Workshop", registration_enabled=True, capacity=5, waiting_list=True)
    other = make_event("Open day", registration_enabled=True, capacity=50)
    registration = make_registration(event)
    urls = [reverse("events:list"), other.get_absolute_url(), event.get_absolute_url()]
    for url in urls:
        client.get(url)
        assert client.get(url)[HEADER] == "hit"

    confirm_place(registration, django_capture_on_commit_callbacks)

    assert client.get(urls[0])[HEADER] == "hit"
    assert client.get(urls[1])[HEADER] == "hit"
    fresh = client.get(urls[2])
    assert fresh[HEADER] == "miss"
    assert b"4 places left." in fresh.content


def test_the_last_place_taken_retires_the_lists_whose_cards_say_so(
    page_cache, client, make_event, make_registration, django_capture_on_commit_callbacks
):
    event = make_event("Workshop", registration_enabled=True, capacity=2, waiting_list=True)
    make_registration(event, RegistrationStatus.CONFIRMED)
    registration = make_registration(event)
    url = reverse("events:list")
    assert b"waiting list" not in client.get(url).content
    assert client.get(url)[HEADER] == "hit"

    confirm_place(registration, django_capture_on_commit_callbacks)

    fresh = client.get(url)
    assert fresh[HEADER] == "miss"
    assert b"waiting list" in fresh.content


def test_with_zero_seconds_the_page_cache_is_off(settings, client):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/about/")

    response, queries = queries_of(client, "/about/")

    assert HEADER not in response
    assert queries > 0


class BrokenCache(BaseCache):
    """A cache server that cannot be reached."""

    def __init__(self, location, params):
        super().__init__(params)

    def _fail(self, *args, **kwargs):
        raise ConnectionError("the cache server is down")

    add = get = set = delete = touch = clear = has_key = get_many = set_many = _fail


def test_a_cache_that_fails_leaves_the_pages_working_and_says_so_once(
    page_cache, settings, client, make_initiative, caplog, monkeypatch
):
    monkeypatch.setattr(core.page_cache, "_last_warning", float("-inf"))
    url = make_initiative("Mangrove nurseries").get_absolute_url()
    settings.CACHES = {"default": {"BACKEND": f"{__name__}.BrokenCache"}}

    with caplog.at_level(logging.WARNING, logger="core.page_cache"):
        answers = [client.get(url) for _ in range(3)]

    for response in answers:
        assert response.status_code == 200
        assert response[HEADER] == "bypass"
        assert b"Mangrove nurseries" in response.content
    warnings = [record for record in caplog.records if record.name == "core.page_cache"]
    assert len(warnings) == 1
    assert "serving pages uncached" in warnings[0].getMessage()


# --- The rules, each on a view that opted in ---------------------------------------------------


def _page(request):
    return HttpResponse("<p>the same for everyone</p>")


def _sets_cookie(request):
    response = _page(request)
    response.set_cookie("seen", "yes")
    return response


def _varies(request):
    response = _page(request)
    response["Vary"] = "User-Agent"
    return response


def _private(request):
    response = _page(request)
    patch_cache_control(response, private=True)
    return response


def _streams(request):
    return StreamingHttpResponse(iter([b"<p>one</p>", b"<p>two</p>"]))


def _json(request):
    return JsonResponse({"personal": False})


def _writes_session(request):
    request.session["visited"] = True
    return _page(request)


def _adds_message(request):
    messages.info(request, "Welcome")
    return _page(request)


def _not_found(request):
    return HttpResponseNotFound("<p>nothing here</p>")


def _large(request):
    return HttpResponse(b"x" * (core.page_cache.MAX_BYTES + 1), content_type="text/plain")


urlpatterns = [
    path("page/", public_page(_page)),
    path("not-opted-in/", _page),
    path("sets-cookie/", public_page(_sets_cookie)),
    path("varies/", public_page(_varies)),
    path("private/", public_page(_private)),
    path("streams/", public_page(_streams)),
    path("json/", public_page(_json)),
    path("writes-session/", public_page(_writes_session)),
    path("adds-message/", public_page(_adds_message)),
    path("not-found/", public_page(_not_found)),
    path("large/", public_page(_large)),
]


@pytest.mark.urls(__name__)
def test_an_opted_in_page_that_breaks_no_rule_is_cached(page_cache, client):
    assert client.get("/page/")[HEADER] == "miss"
    assert client.get("/page/")[HEADER] == "hit"


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    "url",
    [
        "/not-opted-in/",
        "/sets-cookie/",
        "/varies/",
        "/private/",
        "/streams/",
        "/json/",
        "/writes-session/",
        "/adds-message/",
        "/not-found/",
        "/large/",
    ],
)
def test_a_page_breaking_a_rule_is_rendered_every_time(page_cache, client, url):
    for _ in range(2):
        response = Client().get(url)
        assert response[HEADER] == "bypass"


def test_a_visitor_who_has_a_csrf_cookie_keeps_it_on_a_page_from_the_cache(page_cache, make_event):
    event = make_event("Forum on food security", registration_enabled=True)
    url = event.get_absolute_url()
    assert Client().get(url)[HEADER] == "miss"
    visitor = Client(enforce_csrf_checks=True)
    visitor.get("/about/")
    first = visitor.get(url)
    secret = visitor.cookies[settings.CSRF_COOKIE_NAME].value

    again = visitor.get(url)

    assert (first[HEADER], again[HEADER]) == ("hit", "hit")
    assert visitor.cookies[settings.CSRF_COOKIE_NAME].value == secret
    assert _unmask_cipher_token(token_of(again)) == secret
    assert "Cookie" in again["Vary"]
    assert settings.SESSION_COOKIE_NAME not in again.cookies


@pytest.fixture
def redis_page_cache(settings, redis_server):
    """The page cache on, in the test's own redis-server, as in production."""
    from core.cache import forget_faults

    forget_faults()
    settings.CACHES = redis_caches(redis_server.url, "pages", RETRY_AFTER=0)
    settings.PAGE_CACHE_SECONDS = 300
    yield redis_server
    forget_faults()


def redis_calls(url):
    """Commands Redis has answered, by name, leaving out those the counting itself sends."""
    import redis

    stats = redis.Redis.from_url(url).info("commandstats")
    counting = ("cmdstat_info", "cmdstat_hello", "cmdstat_client")
    return {name: stat["calls"] for name, stat in stats.items() if not name.startswith(counting)}


def test_with_redis_a_page_is_answered_from_the_process_without_a_round_trip(
    redis_page_cache, client, make_initiative
):
    url = make_initiative("Solar pumps for smallholders").get_absolute_url()
    assert client.get(url)[HEADER] == "miss"
    before = redis_calls(redis_page_cache.url)

    answers = [client.get(url) for _ in range(20)]

    assert {answer[HEADER] for answer in answers} == {"hit"}
    assert redis_calls(redis_page_cache.url) == before


def test_with_redis_a_change_saved_by_another_server_retires_the_page_at_once(
    redis_page_cache, client, make_initiative
):
    from core.cache import FailsafeRedisCache
    from core.choice_cache import VERSION_KEY, watcher
    from core.tests.test_version_watch import known_within
    from core.version_watch import CHANNEL

    url = make_initiative("Solar pumps for smallholders").get_absolute_url()
    client.get(url)
    assert client.get(url)[HEADER] == "hit"
    other_server = FailsafeRedisCache(redis_page_cache.url, {"KEY_PREFIX": "pages"})

    other_server.set(VERSION_KEY, "a-change-on-another-server", timeout=None)
    other_server.announce(CHANNEL)
    # Read by this process as soon as Redis has handed it over (core/tests/test_version_watch).
    assert known_within(watcher, "a-change-on-another-server") is not None

    assert client.get(url)[HEADER] == "miss"
    assert client.get(url)[HEADER] == "hit"


def test_a_page_larger_than_the_process_keeps_is_still_answered_from_redis(
    redis_page_cache, client, settings
):
    settings.PAGE_CACHE_LOCAL_BYTES = 1000
    client.get("/about/")
    before = redis_calls(redis_page_cache.url)

    hit = client.get("/about/")

    assert hit[HEADER] == "hit"
    after = redis_calls(redis_page_cache.url)
    assert after["cmdstat_get"] == before["cmdstat_get"] + 1


def test_a_page_kept_by_the_process_expires_with_page_cache_seconds(
    redis_page_cache, client, settings, monkeypatch
):
    client.get("/about/")
    assert client.get("/about/")[HEADER] == "hit"
    later = core.page_cache.time.time() + 301
    monkeypatch.setattr(core.page_cache.time, "time", lambda: later)

    assert client.get("/about/")[HEADER] == "miss"


def test_with_redis_killed_pages_are_rendered_and_cached_again_once_it_is_back(
    redis_page_cache, client, monkeypatch
):
    monkeypatch.setattr(core.version_watch, "RESUBSCRIBE_AFTER", 0)
    client.get("/about/")
    assert client.get("/about/")[HEADER] == "hit"

    redis_page_cache.kill()
    down = client.get("/about/")
    assert (down.status_code, down[HEADER]) == (200, "bypass")

    redis_page_cache.start()
    assert client.get("/about/")[HEADER] == "miss"
    assert client.get("/about/")[HEADER] == "hit"

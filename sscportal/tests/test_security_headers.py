"""Every response carries the security headers: the public pages the strict Content Security
Policy, the admin its own, and all of them (static files, redirects and error pages too)
Cross-Origin-Resource-Policy, Permissions-Policy, X-Content-Type-Options, Referrer-Policy and
Cross-Origin-Opener-Policy. Cookies are SameSite, and Secure under the production settings."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import path, reverse

from core.middleware import ContentSecurityPolicyMiddleware, permissions_policy
from initiatives.models import Initiative
from sscportal.tests.browser import PAGE_TYPES, POSTED_PAGE_TYPES, page_url

PUBLIC_POLICY = {
    "default-src": "'none'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
}
ADMIN_POLICY = PUBLIC_POLICY
EVERY_RESPONSE = {
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}
DENIED_FEATURES = ["camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"]


def policy(response):
    """The Content-Security-Policy header as {directive: sources}."""
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{response.request['PATH_INFO']} sends no Content-Security-Policy"
    directives = {}
    for part in header.split(";"):
        name, _, sources = part.strip().partition(" ")
        assert name not in directives, f"{name} given twice in {header}"
        directives[name] = sources
    return directives


def assert_common_headers(response):
    where = response.request["PATH_INFO"]
    for name, value in EVERY_RESPONSE.items():
        assert response.headers.get(name) == value, f"{where}: {name} is {response.get(name)!r}"
    features = dict(
        item.strip().split("=", 1) for item in response.headers["Permissions-Policy"].split(",")
    )
    for feature in DENIED_FEATURES:
        assert features[feature] == "()", f"{where}: {feature} is not denied"


@pytest.fixture
def portal_content(db):
    call_command("load_portal_content", verbosity=0)


def test_every_public_page_sends_the_strict_policy(client, portal_content):
    pages = [(name, page_url(url), status) for name, (url, status) in PAGE_TYPES.items()]
    for name, url, status in pages:
        response = client.get(url)
        assert response.status_code == status, f"{name}: {url} answered {response.status_code}"
        assert policy(response) == PUBLIC_POLICY, name
        assert_common_headers(response)
    for name, (_form_page, action, status) in POSTED_PAGE_TYPES.items():
        response = client.post(action, {})
        assert response.status_code == status, name
        assert policy(response) == PUBLIC_POLICY, name
        assert_common_headers(response)


def test_the_policy_allows_no_inline_code_and_no_eval(client, portal_content):
    header = client.get("/").headers["Content-Security-Policy"]
    assert "unsafe" not in header
    # The portal's own script files only: no inline script, no other site, no eval.
    assert policy(client.get("/"))["script-src"] == "'self'"
    header = client.get("/admin/login/").headers["Content-Security-Policy"]
    assert "unsafe" not in header


def test_feeds_calendars_sitemap_and_robots_carry_the_headers(client, portal_content):
    for url in ["/initiatives/feed/rss/", "/events/upcoming.ics", "/sitemap.xml", "/robots.txt"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert policy(response) == PUBLIC_POLICY, url
        assert_common_headers(response)


def test_the_admin_sends_its_own_policy_in_every_language(admin_client, portal_content):
    initiative = Initiative.objects.order_by("pk").first()
    admin_pages = [
        "/admin/",
        "/fr/admin/",
        reverse("admin:initiatives_initiative_changelist") + "?status__exact=published",
        reverse("admin:initiatives_initiative_change", args=[initiative.pk]),
        reverse("admin:initiatives_initiative_delete", args=[initiative.pk]),
        reverse("admin:events_event_add"),
        reverse("admin:autocomplete")
        + "?app_label=initiatives&model_name=initiative&field_name=regions&term=af",
        "/admin/initiatives/no-such-model/",
    ]
    for url in admin_pages:
        response = admin_client.get(url, follow=True)
        assert response.status_code in (200, 404), url
        assert policy(response) == ADMIN_POLICY, url
        assert_common_headers(response)


def test_the_admin_login_page_sends_the_admins_policy(client, db):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert policy(response) == ADMIN_POLICY
    # Not the admin: the public policy, without the admin's requests, even at a similar address.
    assert policy(client.get("/administration/")) == PUBLIC_POLICY


@override_settings(WHITENOISE_USE_FINDERS=True)
def test_static_files_from_whitenoise_carry_the_headers():
    client = Client()  # WhiteNoise reads its settings when the client first loads the middleware
    for url in [
        "/static/css/site.css",
        "/static/favicon.svg",
        "/static/js/local-time.js",
        "/static/admin/js/core.js",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert policy(response) == PUBLIC_POLICY, url
        assert_common_headers(response)


def broken_view(request):
    raise RuntimeError("a page that fails")


urlpatterns = [path("broken/", broken_view)]


@pytest.mark.urls(__name__)
def test_a_server_error_carries_the_headers(client):
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    assert policy(response) == PUBLIC_POLICY
    assert_common_headers(response)


@override_settings(SECURE_SSL_REDIRECT=True)
def test_the_redirect_to_https_carries_the_headers(client):
    response = client.get("/about/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/about/"
    assert policy(response) == PUBLIC_POLICY
    assert_common_headers(response)


def test_a_views_own_policy_is_kept(rf):
    from csp.decorators import csp_replace

    @csp_replace({"img-src": ["'self'", "data:"]})
    def view(request):
        from django.http import HttpResponse

        return HttpResponse("ok")

    request = rf.get("/admin/")
    request.resolver_match = None
    response = ContentSecurityPolicyMiddleware(view)(request)
    assert "img-src 'self' data:" in response["Content-Security-Policy"]


def test_a_nonce_asked_for_by_the_page_is_in_its_policy(rf):
    from csp.constants import NONCE
    from django.http import HttpResponse

    def view(request):
        return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")

    middleware = ContentSecurityPolicyMiddleware(view)
    request = rf.get("/")
    with_nonce = {"DIRECTIVES": {"default-src": ["'none'"], "script-src": ["'self'", NONCE]}}
    with override_settings(CONTENT_SECURITY_POLICY=with_nonce):
        response = middleware(request)
        plain = ContentSecurityPolicyMiddleware(lambda request: HttpResponse("ok"))(rf.get("/"))

    assert f"'nonce-{request.csp_nonce}'" in response["Content-Security-Policy"]
    assert policy(plain) == {"default-src": "'none'", "script-src": "'self'"}


def test_a_policy_built_once_follows_a_change_of_the_settings(rf):
    from django.http import HttpResponse

    middleware = ContentSecurityPolicyMiddleware(lambda request: HttpResponse("ok"))
    assert "img-src 'self'" in middleware(rf.get("/"))["Content-Security-Policy"]
    changed = {"DIRECTIVES": {"default-src": ["'none'"], "img-src": ["'self'", "data:"]}}

    with override_settings(CONTENT_SECURITY_POLICY=changed):
        response = middleware(rf.get("/"))

    assert policy(response) == {"default-src": "'none'", "img-src": "'self' data:"}


def test_permissions_policy_header_syntax():
    header = permissions_policy({"camera": [], "fullscreen": ["self"], "usb": []})
    assert header == "camera=(), fullscreen=(self), usb=()"


def test_the_language_cookie_is_lax_and_http_only(client, db):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert response.status_code == 302
    cookie = response.cookies["django_language"]
    assert cookie.value == "fr"
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"] is True
    assert not cookie["secure"]  # plain HTTP in development and tests


PRODUCTION_COOKIES = """
import json
from django.conf import settings
print(json.dumps({name: getattr(settings, name) for name in %r}))
"""
COOKIE_SETTINGS = [
    f"{cookie}_COOKIE_{flag}"
    for cookie in ("LANGUAGE", "SESSION", "CSRF")
    for flag in ("SECURE", "SAMESITE", "HTTPONLY")
]


def test_production_cookies_are_secure_and_same_site():
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "REDIS_URL", "SECURE_COOKIES", "DEBUG"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="sscportal.settings.production",
        SECRET_KEY="a-long-random-value-for-the-test",
        ALLOWED_HOSTS="ssc.example.org",
    )
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_COOKIES % COOKIE_SETTINGS],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "LANGUAGE_COOKIE_SECURE": True,
        "LANGUAGE_COOKIE_SAMESITE": "Lax",
        "LANGUAGE_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
        # The CSRF token is read from the cookie by no script either, but Django's own advice
        # is that HttpOnly adds nothing there; the default stays.
        "CSRF_COOKIE_HTTPONLY": False,
    }

"""Every address the portal redirects to, or links to from the request's own address, stays on
the portal, whatever a hostile link puts in `next`, the Referer or the path."""

import re
from urllib.parse import quote, urlsplit

import pytest
from django.urls import reverse

from taxonomy.models import Theme

pytestmark = pytest.mark.django_db

# What an attacker would put in a link's `next`, as the server receives it (decoded).
HOSTILE = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example",
    "///evil.example",
    "////evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "\x00//evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)//",
    "data:text/html,<script>alert(1)</script>",
    "http:evil.example",
    "https:/evil.example",
    "http:\\\\evil.example",
    "https://testserver@evil.example/",
    "https://evil.example\\@testserver/",
    "https://evil.example/?.testserver",
    "//evil.example%2F@testserver",
    "/%2F%2Fevil.example",
    "%2F%2Fevil.example",
    "https%3A%2F%2Fevil.example",
]
PASSWORD = "the-right-password-7"


def assert_on_site(location):
    """`location` as a browser reads it (tabs and line breaks dropped, backslashes as slashes)
    is an address of this site: a path, a relative reference or this site's own absolute
    address."""
    assert location, "no address"
    browser = re.sub(r"[\t\n\r]", "", location).strip().replace("\\", "/")
    parts = urlsplit(browser)
    if parts.netloc or parts.scheme:
        assert (parts.scheme, parts.netloc) in {("http", "testserver"), ("https", "testserver")}
        return
    # No scheme and no host: a path on this site, unless it starts with two slashes, which a
    # browser reads as another host.
    assert not browser.startswith("//"), location


def redirect_location(response):
    assert response.status_code in {301, 302, 303, 307, 308}, response.status_code
    return response["Location"]


# --- The language switch ---------------------------------------------------------------------


@pytest.mark.parametrize("hostile", HOSTILE)
def test_the_language_switch_keeps_next_on_the_site(client, hostile):
    response = client.post(reverse("set_language"), {"language": "fr", "next": hostile})

    assert_on_site(redirect_location(response))


@pytest.mark.parametrize("hostile", HOSTILE)
def test_the_language_switch_keeps_the_referer_on_the_site(client, hostile):
    response = client.post(reverse("set_language"), {"language": "fr"}, HTTP_REFERER=hostile)

    assert_on_site(redirect_location(response))


@pytest.mark.parametrize("hostile", HOSTILE)
def test_the_language_switch_by_get_keeps_next_on_the_site(client, hostile):
    response = client.get(f"{reverse('set_language')}?next={quote(hostile, safe='')}")

    assert_on_site(redirect_location(response))


def test_the_language_switch_still_goes_back_to_a_page_of_the_site(client):
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/about/"})

    assert redirect_location(response) == "/fr/about/"


# --- Signing in and out of the admin ---------------------------------------------------------


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user("editor", password=PASSWORD, is_staff=True)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_signing_in_keeps_next_on_the_site(client, editor, hostile):
    query = f"?next={quote(hostile, safe='')}"
    response = client.post(
        reverse("admin:login") + query,
        {"username": "editor", "password": PASSWORD, "next": hostile},
    )

    assert_on_site(redirect_location(response))


@pytest.mark.parametrize("hostile", HOSTILE)
def test_the_sign_in_form_carries_no_hostile_next(client, hostile):
    response = client.get(f"{reverse('admin:login')}?next={quote(hostile, safe='')}")

    assert response.status_code == 200
    # The form posts `next` back as it came; what matters is where the sign-in then goes,
    # above. The form's own action stays on the site.
    (action,) = re.findall(r'<form action="([^"]*)"', response.content.decode())
    assert_on_site(action.replace("&amp;", "&"))


@pytest.mark.parametrize("hostile", HOSTILE)
def test_signing_out_keeps_next_on_the_site(client, editor, hostile):
    client.force_login(editor)

    response = client.post(reverse("admin:logout"), {"next": hostile})

    if response.status_code == 200:  # the "signed out" page: no redirect at all
        assert "_auth_user_id" not in client.session
        return
    assert_on_site(redirect_location(response))


@pytest.mark.parametrize("hostile", HOSTILE)
def test_the_admin_keeps_the_list_filters_it_returns_to_on_the_site(admin_client, hostile):
    theme = Theme.objects.create(name="Trade", slug="trade")

    response = admin_client.post(
        reverse("admin:taxonomy_theme_delete", args=[theme.pk]),
        {"post": "yes", "_changelist_filters": hostile},
    )

    assert_on_site(redirect_location(response))
    assert not Theme.objects.exists()


# --- The request's own address ---------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "//evil.example",
        "//evil.example/",
        "///evil.example/",
        "//evil.example/about",
        "//evil.example/fr/",
        "/\\evil.example",
        "/\\/evil.example",
        "//evil.example/initiatives/",
    ],
)
def test_a_hostile_path_is_neither_redirected_nor_linked_off_the_site(client, path):
    # The test client would read `//host` as a host: give the server the raw path.
    response = client.get("/", PATH_INFO=path)

    if response.status_code in {301, 302, 303, 307, 308}:
        assert_on_site(response["Location"])
    html = response.content.decode()
    for link in re.findall(r'(?:href|action)="([^"]*)"', html):
        assert_on_site(link.replace("&amp;", "&"))

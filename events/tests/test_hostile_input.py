"""Whatever a visitor or a robot posts to the registration form, or puts in a link, the answer
is a form error or a 4xx, never a server error, and nothing is registered. The test client
re-raises any exception a view lets through, so a server error fails the test."""

import pytest
from django.core import signing
from pytest_django.asserts import assertContains, assertNotContains

from devtools.samples import form_data
from events import tokens
from events.models import Registration, RegistrationStatus

pytestmark = pytest.mark.django_db

HEADER_INJECTION = "Ana\r\nBcc: victim@example.org"

BAD_FORMS = [
    # (what is posted, the field that must carry the error)
    ({"name": "A" * 201}, "name"),
    ({"name": "Ana " + "P" * 197}, "name"),
    ({"organisation": "O" * 201}, "organisation"),
    ({"name": ""}, "name"),
    ({"name": None}, "name"),
    ({"name": "   "}, "name"),
    ({"email": "not-an-email"}, "email"),
    ({"email": "ana@"}, "email"),
    ({"email": "@example.org"}, "email"),
    ({"email": "ana@example..org"}, "email"),
    ({"email": "ana example@example.org"}, "email"),
    ({"email": ""}, "email"),
    ({"email": None}, "email"),
    ({"email": "a" * 250 + "@example.org"}, "email"),
    ({"email": "ana@example.org\r\nBcc: victim@example.org"}, "email"),
    ({"email": "ana@example.org\nBcc: victim@example.org"}, "email"),
    ({"email": "ana@example.org,victim@example.org"}, "email"),
    ({"email": "Ana <ana@example.org>"}, "email"),
    ({"email": "ana\x00@example.org"}, "email"),
    ({"consent": None}, "consent"),
    ({"consent": ""}, "consent"),
    ({"website": "https://spam.example.com"}, "website"),
    ({"website": "x"}, "website"),
    ({"name": HEADER_INJECTION}, "name"),
    ({"name": "Ana\nBcc: victim@example.org"}, "name"),
    ({"name": "Ana\rBcc: victim@example.org"}, "name"),
    ({"name": "Ana\u2028Pereira"}, "name"),
    ({"name": "Ana\u2029Pereira"}, "name"),
    ({"name": "Ana\x85Pereira"}, "name"),
    ({"name": "Ana\x00Pereira"}, "name"),
    ({"name": "\x00"}, "name"),
    ({"name": "Ana\x07Pereira"}, "name"),
    ({"name": "Ana\x1b[31mPereira"}, "name"),
    ({"name": "Ana\x7fPereira"}, "name"),
    ({"name": "Ana\tPereira\x0b"}, "name"),
    ({"name": "\u202eaniarep anA"}, "name"),
    ({"name": "Ana\ufeffPereira"}, "name"),
    ({"organisation": "Ministry\r\nBcc: victim@example.org"}, "organisation"),
    ({"organisation": "Ministry\x00"}, "organisation"),
    ({"organisation": "Ministry\x1bof Planning"}, "organisation"),
    ({"country": "ZZ"}, "country"),
    ({"country": "sierra-leone"}, "country"),
    ({"country": "\x00"}, "country"),
    ({"country": "' OR 1=1 --"}, "country"),
]


@pytest.mark.parametrize(
    ("fields", "field"), BAD_FORMS, ids=[f"{field}-{n}" for n, (_, field) in enumerate(BAD_FORMS)]
)
def test_a_bad_registration_is_refused_with_the_form_shown_again(
    client, open_event, countries, mailoutbox, django_capture_on_commit_callbacks, fields, field
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/events/{open_event.slug}/register/", form_data(**fields))

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assertContains(response, 'class="registration-form"', status_code=400)
    assertContains(response, "Please correct the fields marked below.", status_code=400)
    assert not Registration.objects.exists()
    assert mailoutbox == []


def test_a_valid_form_with_a_country_is_taken_for_comparison(
    client, open_event, countries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/events/{open_event.slug}/register/", form_data(country="SL"))

    assert response.status_code == 303
    assert Registration.objects.get().country == countries["sierra_leone"]


def test_spaces_around_a_name_are_tidied_not_refused(
    client, open_event, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/events/{open_event.slug}/register/",
            form_data(name="  Ana   Pereira  ", organisation=" Ministry  of  Planning "),
        )

    assert response.status_code == 303
    registration = Registration.objects.get()
    assert (registration.name, registration.organisation) == ("Ana Pereira", "Ministry of Planning")


@pytest.mark.parametrize(
    "name",
    ["Nguyễn Thị Minh Khai", "محمد عبد الله", "张伟", "O'Brien-Smith", "José Ñúñez"],
)
def test_names_in_any_script_are_accepted(
    client, open_event, mailoutbox, django_capture_on_commit_callbacks, name
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/events/{open_event.slug}/register/", form_data(name=name))

    assert response.status_code == 303
    assert Registration.objects.get().name == name
    assert len(mailoutbox) == 1


def test_a_header_injection_in_the_name_never_reaches_a_mail(
    client, open_event, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/events/{open_event.slug}/register/", form_data(name=HEADER_INJECTION))

    assert mailoutbox == []
    assert not Registration.objects.exists()


def test_markup_in_a_refused_form_is_shown_escaped(client, open_event):
    script = "<script>alert(1)</script>"

    response = client.post(
        f"/events/{open_event.slug}/register/",
        form_data(name=script, email=f"{script}@example.org", organisation=script * 20),
    )

    assert response.status_code == 400
    assertNotContains(response, "<script>alert(1)", status_code=400)
    assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;", status_code=400)
    assert not Registration.objects.exists()


def test_an_empty_post_is_refused_as_a_form_error(client, open_event):
    response = client.post(f"/events/{open_event.slug}/register/", {})

    assert response.status_code == 400
    assert {"name", "email", "consent"} <= set(response.context["form"].errors)
    assert not Registration.objects.exists()


def test_a_json_body_is_refused_as_a_form_error(client, open_event):
    response = client.post(
        f"/events/{open_event.slug}/register/", form_data(), content_type="application/json"
    )

    assert response.status_code == 400
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/events/no-such-event/register/",
        "/events/OPEN-FORUM/register/",
        "/events/open-forum-/register/",
        "/events/%00/register/",
        "/events/open-forum%00/register/",
        "/events/..%2F..%2Fetc/register/",
        "/events/%27%20OR%201%3D1--/register/",
        "/events/%F0%9F%92%A9/register/",
        "/events/" + "a" * 3000 + "/register/",
    ],
)
def test_registering_for_an_unknown_event_is_not_found(client, open_event, path):
    response = client.post(path, form_data())

    assert response.status_code == 404
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    "path", ["/events/no-such-event/", "/events/no-such-event/registered/", "/events/%00/"]
)
def test_an_unknown_event_page_is_not_found(client, open_event, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("method", ["get", "head", "put", "patch", "delete", "options"])
def test_the_register_address_answers_other_methods_with_405(client, open_event, method):
    response = getattr(client, method)(f"/events/{open_event.slug}/register/")

    assert response.status_code == 405
    assert not Registration.objects.exists()


@pytest.fixture
def registration(make_registration, open_event):
    return make_registration(open_event, RegistrationStatus.PENDING, email="ana@example.org")


def garbage_tokens(registration):
    pk = registration.pk
    real_confirm = tokens.make_token(registration, tokens.CONFIRM)
    real_manage = tokens.make_token(registration, tokens.MANAGE)
    confirm_salt = f"events.registration.{tokens.CONFIRM}"
    manage_salt = f"events.registration.{tokens.MANAGE}"
    return [
        "x",
        "0",
        str(pk),
        "abc:def",
        "abc:def:ghi",
        ":",
        "::::",
        f"{pk}:abc",
        "MQ:1tXyz:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "a" * 5000,
        "%00",
        "abc%00def",
        "%F0%9F%92%A9",
        "%FF%FE",
        "%27%20OR%201%3D1--",
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "..%2F..%2Fetc%2Fpasswd",
        real_confirm[:-3],
        real_manage[:-3],
        real_confirm.replace(":", "::"),
        real_manage + "A",
        real_manage.split(":")[0],
        # Genuinely signed, but not by the portal's rules.
        signing.dumps(pk, salt="another.purpose", compress=False),
        signing.dumps(pk, salt=confirm_salt, key="not-the-secret-key", compress=False),
        signing.dumps(pk, salt=manage_salt, key="not-the-secret-key", compress=False),
        signing.dumps(str(pk), salt=confirm_salt),
        signing.dumps(str(pk), salt=manage_salt),
        signing.dumps({"pk": pk}, salt=confirm_salt),
        signing.dumps([pk], salt=manage_salt),
        signing.dumps(None, salt=manage_salt),
        signing.dumps(999_999_999, salt=confirm_salt),
        signing.dumps(999_999_999, salt=manage_salt),
        signing.dumps(-1, salt=manage_salt),
        signing.dumps(10**30, salt=manage_salt),
    ]


TOKEN_COUNT = 34


@pytest.mark.parametrize("index", range(TOKEN_COUNT))
def test_a_garbage_token_is_not_found_on_the_confirm_and_manage_addresses(
    client, registration, index
):
    candidates = garbage_tokens(registration)
    assert len(candidates) == TOKEN_COUNT
    token = candidates[index]

    for path in (f"/events/registration/confirm/{token}/", f"/events/registration/{token}/"):
        for response in (
            client.get(path),
            client.post(path),
            client.post(path, {"action": "cancel"}),
        ):
            assert response.status_code == 404, (path, response.status_code)
            assertNotContains(response, "<script>alert", status_code=404)
            assertNotContains(response, "ana@example.org", status_code=404)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING


def test_the_real_tokens_work_for_comparison(client, registration):
    confirm = tokens.make_token(registration, tokens.CONFIRM)
    manage = tokens.make_token(registration, tokens.MANAGE)

    assert client.get(f"/events/registration/confirm/{confirm}/").status_code == 200
    assert client.get(f"/events/registration/{manage}/").status_code == 200


def test_a_manage_page_refuses_an_unknown_action(client, registration):
    manage = tokens.make_token(registration, tokens.MANAGE)

    for action in ({}, {"action": "delete"}, {"action": "confirm"}, {"action": "\x00"}):
        response = client.post(f"/events/registration/{manage}/", action)
        assert 400 <= response.status_code < 500, action
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_the_token_addresses_refuse_other_methods(client, registration, method):
    confirm = tokens.make_token(registration, tokens.CONFIRM)
    manage = tokens.make_token(registration, tokens.MANAGE)

    for path in (f"/events/registration/confirm/{confirm}/", f"/events/registration/{manage}/"):
        assert getattr(client, method)(path).status_code == 405
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING

"""The privacy notice: its page in every language, and the links to it from the footer, the
registration form and every registration e-mail."""

import re

import pytest
from django.conf import settings
from pytest_django.asserts import assertContains

from events.emails import SUBJECTS, build_message
from events.models import RegistrationStatus

pytestmark = pytest.mark.django_db


def test_the_notice_says_what_why_how_long_who_and_how_to_be_erased(client, settings):
    settings.REGISTRATION_RETENTION_DAYS = 90
    settings.PRIVACY_CONTACT_EMAIL = "data@ssc.example.org"

    response = client.get("/privacy/")

    assert response.status_code == 200
    for text in (
        "<h1>Privacy notice</h1>",
        "your name;",
        "your e-mail address;",
        "your organisation and your country",
        "the time you agreed to this notice",
        "IP address",
        "never stored with your registration",
        "to manage your registration",
        "to tell the event's organisers",
        "The legal basis is your consent",
        "Until 90 days after the event ends.",
        "Only the portal's staff who manage registrations, and the organisers",
        "no analytics, no advertising and no third-party trackers",
        "Delete my data",
        '<a href="mailto:data@ssc.example.org">data@ssc.example.org</a>',
    ):
        assertContains(response, text)
    for cookie in ("django_language", "csrftoken", "messages", "sessionid"):
        assertContains(response, f"<dt><code>{cookie}</code></dt>")


def test_one_day_of_retention_reads_right(client, settings):
    settings.REGISTRATION_RETENTION_DAYS = 1

    assertContains(client.get("/privacy/"), "Until 1 day after the event ends.")


@pytest.mark.parametrize("language", ["ar", "es", "fr", "ru", "zh-hans"])
def test_the_notice_is_under_every_language_prefix(client, language):
    response = client.get(f"/{language}/privacy/")

    assert response.status_code == 200
    assertContains(response, f'<html lang="{language}"')


@pytest.mark.parametrize("path", ["/", "/events/", "/privacy/", "/fr/"])
def test_every_page_links_the_notice_in_its_footer(client, path):
    response = client.get(path)
    footer = response.content.decode().split('<footer class="site-footer">', 1)[1]

    french = path.startswith("/fr/")
    link = "Avis de confidentialité" if french else "Privacy notice"
    assert f'<a href="{"/fr" if french else ""}/privacy/">{link}</a>' in footer


def test_the_registration_form_links_the_notice_next_to_the_consent_box(client, make_event):
    event = make_event(registration_enabled=True)

    response = client.get(event.get_absolute_url())

    assertContains(
        response,
        '<a href="/privacy/" target="_blank" rel="noopener">privacy notice</a>'
        " (opens in a new tab)",
    )
    assertContains(response, '<input aria-describedby="id_consent_helptext" id="id_consent"')
    assertContains(response, '<p class="help" id="id_consent_helptext">')


def test_the_consent_error_names_the_notice_the_page_links(client, make_event):
    event = make_event(registration_enabled=True)

    response = client.post(f"/events/{event.slug}/register/", {"name": "Ana", "email": "a@b.org"})

    assert response.status_code == 400
    assertContains(response, "Agree to the privacy notice to register.", status_code=400)
    assertContains(response, 'href="/privacy/"', status_code=400)


STATUS_OF_KIND = {
    "request": RegistrationStatus.PENDING,
    "reminder": RegistrationStatus.PENDING,
    "confirmed": RegistrationStatus.CONFIRMED,
    "waitlisted": RegistrationStatus.WAITLISTED,
    "promoted": RegistrationStatus.CONFIRMED,
    "cancelled": RegistrationStatus.CANCELLED,
}


@pytest.mark.parametrize("kind", sorted(SUBJECTS))
def test_every_registration_email_links_the_notice_and_the_way_to_delete(
    kind, make_event, make_registration
):
    assert set(SUBJECTS) == set(STATUS_OF_KIND)
    registration = make_registration(make_event(), STATUS_OF_KIND[kind])

    message = build_message(registration, kind)

    privacy = f"{settings.PORTAL_BASE_URL}/privacy/"
    [(html, _mimetype)] = message.alternatives
    assert f"Privacy notice: {privacy}" in message.body
    assert f'<a href="{privacy}">Privacy notice</a>' in html
    manage = re.escape(f"{settings.PORTAL_BASE_URL}/events/registration/")
    assert re.search(rf"“Delete my data” on this page:\n{manage}[^\s]+\n", message.body)
    assert re.search(rf'<a href="{manage}[^"]+">Delete my data now</a>', html)
    assert "days after the event, then erase them" in message.body

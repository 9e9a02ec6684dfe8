"""A visitor registers for the next UN Day for South-South Cooperation on a phone, confirms from
the e-mail, then cancels from the link to manage the registration.

The locators go by role and label, as a screen reader would. The e-mails go to Django's locmem
outbox, which the live server's thread shares with the test (`mailoutbox`)."""

import re

from events.models import Registration, RegistrationStatus

from . import NEXT_UN_DAY
from .assertions import expect

NAME, EMAIL = "Amina Diallo", "Amina.Diallo@example.org"
ORGANISATION, COUNTRY = "Ministry of Foreign Affairs", "Senegal"


def link(message, path):
    """The one address in the e-mail's text whose path starts with `path`."""
    found = set(re.findall(rf"https?://[^\s/]+{re.escape(path)}[^\s]+", message.body))
    assert len(found) == 1, f"expected one {path} link in:\n{message.body}"
    return found.pop()


def test_visitor_registers_confirms_and_cancels_on_a_phone(
    new_context, portal_content, live_server, settings, mailoutbox
):
    settings.PORTAL_BASE_URL = live_server.url  # the links in the e-mails
    page = new_context(viewport={"width": 360, "height": 740}).new_page()

    page.goto(NEXT_UN_DAY)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"^United Nations Day for South-South Cooperation \d{4}$")
    )
    registration = page.get_by_role("region", name="Registration")
    # The honeypot is neither seen nor announced, and not reached with the keyboard.
    expect(page.locator('input[name="website"]')).to_be_hidden()
    expect(page.get_by_role("textbox", name="Leave this field empty")).to_have_count(0)
    expect(page.locator('input[name="website"]')).to_have_attribute("tabindex", "-1")

    registration.get_by_label("Full name", exact=True).fill(NAME)
    registration.get_by_label("E-mail", exact=True).fill(EMAIL)
    registration.get_by_label("Organisation", exact=True).fill(ORGANISATION)
    registration.get_by_label("Country", exact=True).select_option(label=COUNTRY)
    registration.get_by_label(re.compile(r"^I agree that the portal keeps")).check()
    registration.get_by_role("button", name="Register").click()

    expect(page).to_have_url(re.compile(rf"{re.escape(NEXT_UN_DAY)}registered/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    registered = Registration.objects.get(email=EMAIL.lower())
    assert registered.status == RegistrationStatus.PENDING
    assert (registered.name, registered.organisation) == (NAME, ORGANISATION)
    assert registered.country.name == COUNTRY

    assert len(mailoutbox) == 1, [message.subject for message in mailoutbox]
    request = mailoutbox[0]
    assert request.to == [EMAIL.lower()]
    assert request.subject.startswith("Please confirm your registration")
    confirm_url = link(request, "/events/registration/confirm/")
    assert confirm_url.startswith(live_server.url)

    page.goto(confirm_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your registration")
    page.get_by_role("button", name="Confirm my registration").click()
    expect(page).to_have_url(re.compile(r"/events/registration/[^/]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your registration")
    expect(page.get_by_role("status")).to_contain_text("Your place is confirmed")
    expect(page.locator(".summary-list dd strong")).to_have_text("Confirmed")
    registered.refresh_from_db()
    assert registered.status == RegistrationStatus.CONFIRMED

    assert len(mailoutbox) == 2, [message.subject for message in mailoutbox]
    assert mailoutbox[1].subject.startswith("Your place is confirmed")
    manage_url = link(mailoutbox[1], "/events/registration/")
    assert "/confirm/" not in manage_url

    page.goto(manage_url)
    expect(page.locator(".summary-list dd strong")).to_have_text("Confirmed")
    page.get_by_role("button", name="Cancel my registration").click()
    expect(page.get_by_role("status")).to_contain_text("Your registration is cancelled")
    expect(page.locator(".summary-list dd strong")).to_have_text("Cancelled")
    expect(page.get_by_role("button", name="Cancel my registration")).to_have_count(0)
    registered.refresh_from_db()
    assert registered.status == RegistrationStatus.CANCELLED
    assert len(mailoutbox) == 3
    assert mailoutbox[2].subject.startswith("Registration cancelled")

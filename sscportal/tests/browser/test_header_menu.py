"""The header on a phone: the brand and a "Menu" button on one line; the navigation, the search
and the languages behind the button, which opens them without JavaScript (a <details>), by
mouse and by keyboard. On a wide screen the navigation shows inline and there is no button."""

import re

import pytest
from playwright.sync_api import expect

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def no_script_page(new_context):
    return new_context(java_script_enabled=False, viewport=PHONE).new_page()


def test_on_a_phone_the_menu_opens_without_javascript(no_script_page):
    page = no_script_page
    page.goto("/initiatives/")
    nav = page.get_by_role("navigation", name="Main")
    button = page.locator("summary.menu-button")
    expect(button).to_be_visible()
    expect(button).to_have_accessible_name("Menu")
    expect(nav).to_be_hidden()
    # The brand and the button share one line.
    brand, summary = page.locator(".brand").bounding_box(), button.bounding_box()
    assert summary["y"] < brand["y"] + brand["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    button.click()
    expect(nav).to_be_visible()
    expect(nav.get_by_role("link", name="Publications")).to_be_visible()
    expect(page.get_by_role("search", name="Search the portal")).to_be_visible()
    languages = page.get_by_role("list", name="Languages")
    expect(languages.get_by_role("link", name="العربيّة")).to_be_visible()
    nav.get_by_role("link", name="Publications").click()
    expect(page).to_have_url(re.compile(r"/publications/$"))


def test_the_menu_opens_from_the_keyboard(no_script_page):
    page = no_script_page
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main")
    page.locator("summary.menu-button").focus()
    page.keyboard.press("Enter")
    expect(nav).to_be_visible()
    page.keyboard.press("Enter")
    expect(nav).to_be_hidden()


def test_on_a_wide_screen_the_navigation_is_inline(new_context):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/")
    expect(page.locator("summary.menu-button")).to_be_hidden()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Case studies")).to_be_visible()
    expect(nav.get_by_role("link", name="About")).to_be_visible()
    tops = {round(link.bounding_box()["y"]) for link in nav.get_by_role("link").all()}
    assert len(tops) == 1, "the navigation fits one line"

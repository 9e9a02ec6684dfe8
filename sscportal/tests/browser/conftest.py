"""Fixtures for the browser tests: Playwright drives the system's Chromium against pytest-django's
live server.

Nothing is downloaded: the tests use Debian's `chromium` (or the browser named in
PORTAL_CHROMIUM) and skip, saying why, when there is none or Playwright is not installed.

Every test that uses the live server runs in a transactional database that is emptied after it,
so content is loaded per test. `load_portal_content` takes about 0.7 s on SQLite and 2 s on
PostgreSQL on an idle machine (plus the flush afterwards), several times that on a busy one, so
the checks are grouped to load it as few times as they can: the accessibility check is one test
with a subtest per page type, each page at both widths.
"""

import os

import pytest
from django.core.management import call_command

from devtools.chromium import CHROMIUM_ARGS, find_chromium

# Fail fast: a page of this portal that takes longer than this is a failure anyway.
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def chromium_path():
    path = find_chromium()
    if path is None:
        configured = os.environ.get("PORTAL_CHROMIUM")
        if configured:
            pytest.skip(f"Chromium not found at PORTAL_CHROMIUM={configured!r}")
        pytest.skip("Chromium not found: install Debian's chromium package (.ci/run does)")
    return path


@pytest.fixture(scope="session")
def playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright cannot be imported: pip install -r requirements-dev.txt")
    # Playwright's sync API runs an event loop in the test thread, so Django would take every
    # ORM call the test makes for one from async code and raise SynchronousOnlyOperation. The
    # test code is plain synchronous code; the live server answers in its own thread.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="session")
def browser(playwright, chromium_path):
    browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def new_context(browser, live_server):
    """new_context(**options): a browser context on the live server, closed after the test."""
    contexts = []

    def make(**options):
        options = {
            "base_url": live_server.url,
            "locale": "en-GB",
            "viewport": {"width": 1280, "height": 800},
            **options,
        }
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def context(new_context):
    return new_context()


@pytest.fixture
def page(context):
    page = context.new_page()
    yield page
    page.close()


@pytest.fixture
def portal_content(transactional_db):
    """The starting content (fixtures/*.json): six published case studies and the reference data,
    committed so that the live server's thread sees it."""
    call_command("load_portal_content", verbosity=0)

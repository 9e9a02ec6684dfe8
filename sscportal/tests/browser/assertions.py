"""Playwright's `expect`, its assertions that wait for the page; a test module importing it is
skipped, saying why, when Playwright is not installed."""

import pytest

expect = pytest.importorskip(
    "playwright.sync_api",
    reason="Playwright cannot be imported: pip install -r requirements-dev.txt",
    exc_type=ImportError,
).expect

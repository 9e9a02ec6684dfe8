"""What every test shares: the factories (devtools/factories.py, a pytest plugin), and a fresh
start for what outlives a test's database transaction (uploaded files, caches)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import trans_real

from core.choice_cache import forget_choices

pytest_plugins = ["devtools.factories", "devtools.servers"]


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogues():
    """The pages are tested in their six languages: the catalogues are compiled when a .po file
    is newer than its .mo (as `make messages` does), so that `pytest` alone tests them too."""
    stale = [
        po
        for po in Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/django.po")
        if not po.with_suffix(".mo").exists()
        or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if stale:
        call_command(
            "compilemessages",
            locale=[po.parts[-3] for po in stale],
            ignore_patterns=[".venv", "node_modules"],
            verbosity=0,
        )
        trans_real._translations = {}  # read again, compiled


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploads go to a throw-away folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test starts with empty caches: the database it sees was rolled back, and choices
    cached from another test's records would not be in it."""
    cache.clear()
    forget_choices()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in English: a request under /ar/ leaves Arabic active in the thread,
    and reverse() would then give the next test /ar/ addresses."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()

"""What every test shares: the factories (devtools/factories.py, a pytest plugin), and a fresh
start for what outlives a test's database transaction (uploaded files, caches)."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from core.choice_cache import forget_choices

pytest_plugins = ["devtools.factories", "devtools.servers"]


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

"""The page cache's version: replaced at once by a change, and again once its transaction has
committed, so that no page rendered from the records of before the commit outlives it."""

import pytest
from django.db import transaction

from core.choice_cache import content_version, new_content_version
from core.signals import send_content_changed

pytestmark = pytest.mark.django_db


def test_a_change_in_a_transaction_replaces_the_version_again_once_committed(
    django_capture_on_commit_callbacks,
):
    before = content_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        send_content_changed()
        send_content_changed()  # many signals in one save: one more version is enough
        during = content_version()

    assert during != before
    assert callbacks == [new_content_version]
    assert content_version() not in {before, during}

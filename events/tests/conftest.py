"""Fixtures of the events tests beyond the shared factories (devtools/factories.py)."""

import pytest

from events.models import EventFormat


@pytest.fixture
def open_event(make_event):
    """An upcoming published event taking registrations, with no limit on places."""
    return make_event(
        "Open Forum",
        slug="open-forum",
        registration_enabled=True,
        format=EventFormat.HYBRID,
        online_url="https://meet.example.org/secret-room",
    )

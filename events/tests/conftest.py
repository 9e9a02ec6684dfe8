"""Small factories for the events tests: an event, a registration, a registration form."""

import itertools
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify

from events.models import Event, EventFormat, EventKind, Registration, RegistrationStatus
from publishing.models import Status

_numbers = itertools.count(1)


def utc(*parts):
    return datetime(*parts, tzinfo=UTC)


def in_days(days, hour=14):
    """A whole hour `days` from now, in UTC."""
    moment = timezone.now() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.fixture
def make_event(db):
    """make_event(title, starts_at=..., hours=2, themes=[...], ...): a published event a month
    from now unless told otherwise. `published_at` defaults to a day ago for published events."""

    def make(
        title=None,
        *,
        starts_at=None,
        hours=2,
        ends_at=None,
        status=Status.PUBLISHED,
        published_at=None,
        themes=(),
        organisers=(),
        sources=(),
        **fields,
    ):
        number = next(_numbers)
        title = title or f"Event {number}"
        starts_at = starts_at or in_days(30)
        if published_at is None and status == Status.PUBLISHED:
            published_at = timezone.now() - timedelta(days=1, minutes=number)
        fields.setdefault("kind", EventKind.CONFERENCE)
        fields.setdefault("format", EventFormat.IN_PERSON)
        fields.setdefault("summary", f"About {title}.")
        event = Event.objects.create(
            title=title,
            slug=fields.pop("slug", f"{slugify(title)}-{number}"),
            starts_at=starts_at,
            ends_at=ends_at or starts_at + timedelta(hours=hours),
            status=status,
            published_at=published_at,
            **fields,
        )
        event.themes.set(themes)
        event.organisers.set(organisers)
        event.sources.set(sources)
        return event

    return make


@pytest.fixture
def make_registration(db):
    """make_registration(event, status=..., name=..., email=...): as the services leave it."""

    def make(event, status=RegistrationStatus.PENDING, *, name=None, email=None, **fields):
        number = next(_numbers)
        now = timezone.now()
        return Registration.objects.create(
            event=event,
            name=name or f"Registrant Number{number}",
            email=email or f"registrant{number}@example.org",
            consented_at=now,
            status=status,
            confirmed_at=now if status == RegistrationStatus.CONFIRMED else None,
            waitlisted_at=now if status == RegistrationStatus.WAITLISTED else None,
            cancelled_at=now if status == RegistrationStatus.CANCELLED else None,
            **fields,
        )

    return make


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


def form_data(**fields):
    """What the registration form posts for a valid registration."""
    data = {
        "name": "Ana Pereira",
        "email": "ana@example.org",
        "organisation": "Ministry of Planning",
        "country": "",
        "consent": "on",
        "website": "",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


LINK = re.compile(r"https?://[^\s\"<>]+")


def links_in(message):
    """The portal's paths of the links in an e-mail's plain text, keyed by what they are."""
    paths = [url.removeprefix(settings.PORTAL_BASE_URL) for url in LINK.findall(message.body)]
    return {
        "confirm": [p for p in paths if p.startswith("/events/registration/confirm/")],
        "manage": [
            p
            for p in paths
            if p.startswith("/events/registration/")
            and not p.startswith("/events/registration/confirm/")
        ],
    }

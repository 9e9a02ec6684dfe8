"""The test suite's factories, a pytest plugin (the root conftest.py loads it): small
fixtures that make exactly the records a test names, and a staff member holding given
permissions. Every app's tests use these; none defines its own records elsewhere.

Each factory fills in what a test does not name with plausible values, and published records
get a publication date a little in the past, so that they are on the public pages at once.
"""

import importlib
import itertools
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from django.utils.text import slugify

from events.models import Event, EventFormat, EventKind, Registration, RegistrationStatus
from initiatives.models import Initiative, InitiativeCountry, InitiativeOrganisation, Modality
from publications.models import Publication, PublicationKind
from publishing.models import Status
from publishing.views import PublishedDetailMixin
from taxonomy.models import SDG, Country, Organisation, Region, SDGTarget, Source, Theme

from .samples import in_days

_counter = itertools.count(1)


def _publishable(kind, title, status, published_at, fields):
    """What every content type's record needs: a title ("<kind> <number>" unless given), a slug
    (unless given in `fields`), the status and the publication date; a published record without
    one gets a date a little in the past, the later made the earlier."""
    number = next(_counter)
    title = title or f"{kind} {number}"
    if published_at is None and status == Status.PUBLISHED:
        published_at = timezone.now() - timedelta(days=1, minutes=number)
    return {
        "title": title,
        "slug": fields.pop("slug", f"{slugify(title)}-{number}"),
        "status": status,
        "published_at": published_at,
    }


def _set_related(record, **related):
    """The record, its many-to-many relations set to the records given for each."""
    for name, records in related.items():
        getattr(record, name).set(records)
    return record


@pytest.fixture
def make_region(db):
    def make(name, code, parent=None):
        level = parent.level + 1 if parent else Region.Level.REGION
        return Region.objects.create(
            name=name, slug=slugify(name), m49_code=code, level=level, parent=parent
        )

    return make


@pytest.fixture
def regions(make_region):
    """A small M49 tree: Africa > Sub-Saharan Africa > Western Africa; Americas > Latin America
    and the Caribbean > Caribbean / South America; Asia > South-eastern Asia."""
    africa = make_region("Africa", "002")
    ssa = make_region("Sub-Saharan Africa", "202", africa)
    western = make_region("Western Africa", "011", ssa)
    eastern = make_region("Eastern Africa", "014", ssa)
    americas = make_region("Americas", "019")
    lac = make_region("Latin America and the Caribbean", "419", americas)
    caribbean = make_region("Caribbean", "029", lac)
    south_america = make_region("South America", "005", lac)
    asia = make_region("Asia", "142")
    south_east_asia = make_region("South-eastern Asia", "035", asia)
    return {
        "africa": africa,
        "ssa": ssa,
        "western_africa": western,
        "eastern_africa": eastern,
        "americas": americas,
        "lac": lac,
        "caribbean": caribbean,
        "south_america": south_america,
        "asia": asia,
        "south_east_asia": south_east_asia,
    }


@pytest.fixture
def make_country(db):
    def make(name, iso2, region=None, **flags):
        number = next(_counter)
        return Country.objects.create(
            name=name,
            slug=slugify(name),
            iso2=iso2,
            iso3=(iso2 + "X")[:3],
            m49_code=f"{number % 1000:03d}",
            region=region,
            **flags,
        )

    return make


@pytest.fixture
def countries(regions, make_country):
    return {
        "sierra_leone": make_country("Sierra Leone", "SL", regions["western_africa"], is_ldc=True),
        "kenya": make_country("Kenya", "KE", regions["eastern_africa"]),
        "jamaica": make_country("Jamaica", "JM", regions["caribbean"], is_sids=True),
        "colombia": make_country("Colombia", "CO", regions["south_america"]),
        "chile": make_country("Chile", "CL", regions["south_america"]),
        "cambodia": make_country("Cambodia", "KH", regions["south_east_asia"], is_ldc=True),
        "mali": make_country("Mali", "ML", regions["western_africa"], is_ldc=True, is_lldc=True),
    }


@pytest.fixture
def sdgs(db):
    return {
        number: SDG.objects.create(
            number=number,
            short_name=f"Goal name {number}",
            title=f"Goal {number}",
            colour="#000000",
        )
        for number in (2, 3, 16)
    }


@pytest.fixture
def sdg_targets(sdgs):
    """Four targets of the `sdgs` goals, by code: 2.3, 3.3, 3.d and 16.6."""
    texts = {
        "2.3": "Double the agricultural productivity and incomes of small-scale food producers.",
        "3.3": "End the epidemics of AIDS, tuberculosis, malaria and neglected tropical diseases.",
        "3.d": "Strengthen the capacity for early warning and management of health risks.",
        "16.6": "Develop effective, accountable and transparent institutions at all levels.",
    }
    return {
        code: SDGTarget.objects.create(goal=sdgs[int(code.split(".")[0])], code=code, text=text)
        for code, text in texts.items()
    }


@pytest.fixture
def make_theme(db):
    def make(name):
        return Theme.objects.create(name=name, slug=slugify(name))

    return make


@pytest.fixture
def source(db):
    return Source.objects.create(title="A source document", slug="a-source", year=2021)


@pytest.fixture
def make_organisation(db):
    def make(name, acronym="", kind=Organisation.Kind.UN_ENTITY):
        return Organisation.objects.create(
            name=name, slug=slugify(name), acronym=acronym, kind=kind
        )

    return make


@pytest.fixture
def make_initiative(db):
    """make_initiative(title, countries={country: role}, themes=[...], sdgs=[...], ...); its
    `targets=[...]` add their goals to its goals, as the admin's form does."""

    def make(
        title=None,
        *,
        status=Status.PUBLISHED,
        published_at=None,
        countries=None,
        organisations=None,
        regions=(),
        themes=(),
        sdgs=(),
        targets=(),
        sources=(),
        **fields,
    ):
        record = _publishable("Case study", title, status, published_at, fields)
        fields.setdefault("modality", Modality.BILATERAL)
        fields.setdefault("summary", f"Summary of {record['title']}.")
        initiative = Initiative.objects.create(**record, **fields)
        for country, role in (countries or {}).items():
            InitiativeCountry.objects.create(initiative=initiative, country=country, role=role)
        for organisation, role in (organisations or {}).items():
            InitiativeOrganisation.objects.create(
                initiative=initiative, organisation=organisation, role=role
            )
        _set_related(
            initiative, regions=regions, themes=themes, sdgs=sdgs, targets=targets, sources=sources
        )
        initiative.links_saved()
        return initiative

    return make


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
        record = _publishable("Event", title, status, published_at, fields)
        starts_at = starts_at or in_days(30)
        fields.setdefault("kind", EventKind.CONFERENCE)
        fields.setdefault("format", EventFormat.IN_PERSON)
        fields.setdefault("summary", f"About {record['title']}.")
        event = Event.objects.create(
            **record,
            starts_at=starts_at,
            ends_at=ends_at or starts_at + timedelta(hours=hours),
            **fields,
        )
        return _set_related(event, themes=themes, organisers=organisers, sources=sources)

    return make


@pytest.fixture
def make_registration(db):
    """make_registration(event, status=..., name=..., email=...): as the services leave it."""

    def make(event, status=RegistrationStatus.PENDING, *, name=None, email=None, **fields):
        number = next(_counter)
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
def make_publication(db):
    """make_publication(title, kind=..., year=..., publishers=[...], themes=[...], document=b"...",
    ...): a published report of 2021 unless told otherwise; `published_at` defaults to a day ago
    for published records, and the note on the missing file is filled in when there is no file."""

    def make(
        title=None,
        *,
        status=Status.PUBLISHED,
        published_at=None,
        publishers=(),
        authors=(),
        initiatives=(),
        events=(),
        themes=(),
        sdgs=(),
        sources=(),
        document=None,
        **fields,
    ):
        record = _publishable("Publication", title, status, published_at, fields)
        fields.setdefault("kind", PublicationKind.REPORT)
        fields.setdefault("year", 2021)
        fields.setdefault("summary", f"About {record['title']}.")
        if document is None:
            fields.setdefault("document_note", "The portal may not share this document.")
        publication = Publication(**record, **fields)
        if document is not None:
            publication.document = ContentFile(document, name="upload.pdf")
        publication.save()
        return _set_related(
            publication,
            publishers=publishers,
            authors=authors,
            initiatives=initiatives,
            events=events,
            themes=themes,
            sdgs=sdgs,
            sources=sources,
        )

    return make


@pytest.fixture
def staff_client(client, django_user_model):
    """staff_client(*codenames): the client, logged in as a staff member holding exactly the
    permissions named ("view_event", "change_initiative", ...)."""

    def login(*codenames):
        permissions = Permission.objects.filter(codename__in=codenames)
        assert permissions.count() == len(set(codenames)), codenames
        user = django_user_model.objects.create_user(
            "staff", "staff@example.org", "not-used", is_staff=True
        )
        user.user_permissions.set(permissions)
        client.force_login(user)
        return client

    return login


@pytest.fixture
def staff_roles(db):
    """The Editors and Publishers groups as the roles migration leaves them. A test on a
    transactional database (the browser tests, the concurrency tests) empties every table
    afterwards, groups included, so the migration's own function puts them back."""
    migration = importlib.import_module("sscportal.migrations.0004_staff_roles")
    migration.create_roles(django_apps, None)


@pytest.fixture
def role_user(staff_roles, django_user_model):
    """role_user("Editors" or "Publishers", username=..., email=...): an active staff member in
    that group, as the roles migration (sscportal/migrations/0004_staff_roles.py) made it."""

    def make(group, username=None, *, email=None, **fields):
        username = username or f"{group.lower().removesuffix('s')}{next(_counter)}"
        email = f"{username}@example.org" if email is None else email
        user = django_user_model.objects.create_user(
            username, email, "not-used", is_staff=True, **fields
        )
        user.groups.add(Group.objects.get(name=group))
        return user

    return make


@pytest.fixture
def role_client(role_user):
    """role_client("Editors" or "Publishers", ...): a client of its own, logged in as a new
    member of that group (arguments as role_user's); the user is `client.user`."""

    def login(group, *args, **kwargs):
        user = role_user(group, *args, **kwargs)
        client = Client()
        client.force_login(user)
        client.user = user
        return client

    return login


@pytest.fixture
def pages_written_afresh(monkeypatch):
    """Record pages written afresh on every request, their parts never kept between requests
    (publishing.views.PublishedDetailMixin.keep_parts): for tests of what writing one reads."""
    monkeypatch.setattr(PublishedDetailMixin, "keep_parts", False)

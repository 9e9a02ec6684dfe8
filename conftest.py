"""Shared pytest fixtures: small factories that make exactly the records a test names."""

import itertools
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from django.utils.text import slugify

from core.choice_cache import forget_choices
from initiatives.models import Initiative, InitiativeCountry, InitiativeOrganisation, Modality
from publishing.models import Status
from taxonomy.models import SDG, Country, Organisation, Region, Source, Theme

_counter = itertools.count(1)


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
    """make_initiative(title, countries={country: role}, themes=[...], sdgs=[...], ...)"""

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
        sources=(),
        **fields,
    ):
        number = next(_counter)
        title = title or f"Case study {number}"
        if published_at is None and status == Status.PUBLISHED:
            published_at = timezone.now() - timedelta(days=1, minutes=number)
        fields.setdefault("modality", Modality.BILATERAL)
        fields.setdefault("summary", f"Summary of {title}.")
        initiative = Initiative.objects.create(
            title=title,
            slug=fields.pop("slug", f"{slugify(title)}-{number}"),
            status=status,
            published_at=published_at,
            **fields,
        )
        for country, role in (countries or {}).items():
            InitiativeCountry.objects.create(initiative=initiative, country=country, role=role)
        for organisation, role in (organisations or {}).items():
            InitiativeOrganisation.objects.create(
                initiative=initiative, organisation=organisation, role=role
            )
        initiative.regions.set(regions)
        initiative.themes.set(themes)
        initiative.sdgs.set(sdgs)
        initiative.sources.set(sources)
        return initiative

    return make

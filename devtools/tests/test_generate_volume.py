"""`manage.py generate_volume`: many realistic case studies for benchmarks."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.html import escape

from core.choice_cache import content_version
from initiatives.models import (
    CountryRole,
    Initiative,
    InitiativeCountry,
    InitiativeOrganisation,
    Modality,
    OrganisationRole,
)
from publishing.models import Status
from taxonomy.models import Organisation

pytestmark = pytest.mark.django_db


def generate(**options):
    output = StringIO()
    call_command("generate_volume", stdout=output, **options)
    return output.getvalue()


def generated():
    return Initiative.objects.filter(slug__startswith="vol-")


def generated_titles():
    return list(generated().order_by("slug").values_list("title", flat=True))


@pytest.fixture
def taxonomy(countries, regions, sdgs, make_theme, make_organisation, source):
    """The test factories' small taxonomy: seven countries, three goals, three themes."""
    for name in ("Health", "Agriculture and food security", "Climate"):
        make_theme(name)
    make_organisation("United Nations Development Programme", "UNDP")


@pytest.fixture
def portal_content(db):
    call_command("load_portal_content", stdout=StringIO())


def test_generates_the_requested_number_with_their_relations(taxonomy):
    output = generate(initiatives=40, seed=3, batch_size=15)

    assert "Generated 40 case studies" in output
    cases = generated().annotate(
        beneficiaries=Count(
            "country_roles", filter=Q(country_roles__role="beneficiary"), distinct=True
        ),
        facilitators=Count(
            "country_roles", filter=Q(country_roles__role="facilitator"), distinct=True
        ),
        implementing=Count(
            "organisation_roles",
            filter=Q(organisation_roles__role="implementing"),
            distinct=True,
        ),
        theme_count=Count("themes", distinct=True),
        sdg_count=Count("sdgs", distinct=True),
        source_count=Count("sources", distinct=True),
    )
    assert cases.count() == 40
    now = timezone.now()
    for case in cases:
        assert 1 <= case.beneficiaries <= 4, case.slug
        assert 1 <= case.theme_count <= 3, case.slug
        assert 1 <= case.sdg_count <= 4, case.slug
        assert case.implementing == 1, case.slug
        assert case.source_count == 1, case.slug
        if case.modality == Modality.TRIANGULAR:
            assert case.facilitators == 1, case.slug
        assert case.title and case.summary and case.challenge and case.solution, case.slug
        if case.start_year and case.end_year:
            assert case.end_year >= case.start_year, case.slug
        if case.budget_amount is not None:
            assert case.budget_amount >= 0 and case.budget_currency, case.slug
        if case.status == Status.PUBLISHED:
            assert case.published_at is not None and case.published_at <= now, case.slug
            assert timezone.is_aware(case.published_at)
            assert case.created_at <= case.published_at <= case.updated_at, case.slug
        else:
            assert case.published_at is None, case.slug
        assert not case.image
    assert cases.filter(modality=Modality.TRIANGULAR).exists()  # the check above had work
    assert cases.filter(status=Status.PUBLISHED).count() >= 30
    # The dates are the generated ones, spread over years, not the time of the run...
    assert cases.filter(created_at__lt=now - timedelta(days=365)).exists()
    # ...and bulk_create's auto_now handling is back to normal afterwards.
    assert Initiative._meta.get_field("created_at").auto_now_add
    assert Initiative._meta.get_field("updated_at").auto_now
    # A country has one role in a case study at most.
    roles = InitiativeCountry.objects.filter(initiative__in=cases)
    assert roles.count() == roles.values("initiative", "country").distinct().count()


def test_tells_every_process_that_the_filter_choices_changed(taxonomy):
    before = content_version()

    generate(initiatives=3, seed=1)

    assert content_version() != before


def test_makes_two_hundred_organisations_once(taxonomy):
    generate(initiatives=5, seed=1)
    generate(initiatives=5, seed=2)

    assert Organisation.objects.filter(slug__startswith="vol-org-").count() == 200
    assert Organisation.objects.filter(slug="united-nations-development-programme").exists()
    roles = {}
    for link in InitiativeOrganisation.objects.filter(initiative__in=generated()):
        roles.setdefault(link.initiative_id, []).append((link.role, link.organisation_id))
    for links in roles.values():
        assert sorted(role for role, _ in links) in (
            [OrganisationRole.IMPLEMENTING],
            [OrganisationRole.IMPLEMENTING, OrganisationRole.SUPPORTING],
        )
        assert len({organisation for _, organisation in links}) == len(links)


def test_published_cases_are_on_the_public_list_and_have_a_page(portal_content, client):
    generate(initiatives=30, seed=5)
    published = generated().published()
    assert published.exists()

    response = client.get("/initiatives/")

    assert response.status_code == 200
    assert response.context["paginator"].count == Initiative.objects.published().count()
    newest = published.order_by("-published_at").first()
    assert escape(newest.title) in response.content.decode()

    detail = client.get(newest.get_absolute_url())
    assert detail.status_code == 200
    assert escape(newest.title) in detail.content.decode()
    beneficiary = newest.country_roles.filter(role=CountryRole.BENEFICIARY).first().country
    assert escape(beneficiary.name) in detail.content.decode()

    draft = generated().exclude(status=Status.PUBLISHED).first()
    if draft is not None:
        assert client.get(draft.get_absolute_url()).status_code == 404


def test_the_public_search_finds_generated_cases(taxonomy, client):
    generate(initiatives=20, seed=8)
    case = generated().published().order_by("-published_at").first()
    beneficiary = case.country_roles.filter(role=CountryRole.BENEFICIARY).first().country

    response = client.get("/initiatives/", {"q": beneficiary.name})

    assert response.status_code == 200
    found = response.context["paginator"].object_list  # every page of the results
    assert found.filter(pk=case.pk).exists()
    assert found.count() < generated().published().count() + 1


def test_the_same_seed_gives_the_same_case_studies(taxonomy):
    generate(initiatives=25, seed=11)
    first = generated_titles()
    generate(clear=True)
    generate(initiatives=25, seed=11)

    assert generated_titles() == first
    assert len(set(first)) > 15  # and they are varied

    generate(clear=True)
    generate(initiatives=25, seed=12)
    assert generated_titles() != first


def test_a_second_run_adds_more_without_slug_clashes(taxonomy):
    generate(initiatives=20, seed=1)
    output = generate(initiatives=20, seed=1)  # the same titles again

    slugs = list(generated().order_by("slug").values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs)) == 40
    assert slugs[0].startswith("vol-0000001-") and slugs[-1].startswith("vol-0000040-")
    assert "from vol-0000021" in output


def row_counts():
    """How many case studies, organisations and links of each kind there are."""
    return {
        "initiatives": Initiative.objects.count(),
        "organisations": Organisation.objects.count(),
        "countries": InitiativeCountry.objects.count(),
        "organisation roles": InitiativeOrganisation.objects.count(),
        "themes": Initiative.themes.through.objects.count(),
        "sdgs": Initiative.sdgs.through.objects.count(),
        "sources": Initiative.sources.through.objects.count(),
    }


def test_clear_removes_generated_rows_and_keeps_the_starting_content(portal_content):
    before = row_counts()
    generate(initiatives=20, seed=4)
    assert Initiative.objects.count() == before["initiatives"] + 20

    output = generate(clear=True)

    assert "Deleted 20 generated case studies" in output
    assert "Generated" not in output  # nothing new without --initiatives
    after = row_counts()
    assert after == before
    assert Initiative.objects.filter(slug="cuba-ebola-west-africa").exists()


def test_clear_then_generate_in_one_run(taxonomy):
    generate(initiatives=10, seed=1)

    output = generate(clear=True, initiatives=5, seed=2, batch_size=3)

    assert "Deleted 10 generated case studies" in output
    assert generated().count() == 5
    assert generated().order_by("slug").first().slug.startswith("vol-0000001-")


def test_without_returning_rows_the_primary_keys_are_looked_up(taxonomy, monkeypatch):
    features = type(connection.features)
    monkeypatch.setattr(features, "can_return_rows_from_bulk_insert", property(lambda self: False))

    generate(initiatives=12, seed=6, batch_size=5)

    assert generated().count() == 12
    assert not generated().filter(country_roles__isnull=True).exists()
    assert not generated().filter(themes__isnull=True).exists()


def test_without_taxonomy_it_asks_for_the_starting_content(db):
    with pytest.raises(CommandError, match="load_portal_content"):
        generate(initiatives=5)
    assert not Initiative.objects.exists()


def test_without_themes_it_asks_for_the_starting_content(countries, sdgs):
    with pytest.raises(CommandError, match="themes.*load_portal_content"):
        generate(initiatives=5)


@pytest.mark.parametrize("options", [{}, {"initiatives": -1}, {"initiatives": 5, "batch_size": 0}])
def test_refuses_options_that_make_no_sense(taxonomy, options):
    with pytest.raises(CommandError):
        generate(**options)


def test_copes_with_a_single_country(make_country, sdgs, make_theme):
    make_country("Mali", "ML", is_ldc=True)
    make_theme("Health")

    generate(initiatives=10, seed=9)

    assert generated().count() == 10
    assert not generated().filter(country_roles__isnull=True).exists()
    # A triangular case study needs three countries: with one, there is none.
    assert not generated().filter(modality=Modality.TRIANGULAR).exists()

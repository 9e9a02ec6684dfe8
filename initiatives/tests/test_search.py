"""The case-study search index: what a case study is found by, how it follows edits made in code
and in the admin, and, on PostgreSQL, stemming, prefixes and ranking. Quoted operators and the GIN
index: publishing/tests/test_search.py."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from devtools.samples import management_form, needs_postgresql, titles_found
from initiatives.models import CountryRole, Initiative, InitiativeCountry, OrganisationRole
from initiatives.search import build_search_text
from publishing.models import Status
from publishing.search import refresh_search_index, search_words

from .admin_forms import case_study_form, country_row

LIST_URL = "/initiatives/"
pytestmark = pytest.mark.django_db


def found(client, query, **params):
    return titles_found(client, LIST_URL, query, **params)


def test_words_are_letters_and_digits_of_any_script():
    assert search_words("Côte d'Ivoire, SDG-17 & «التعاون»") == [
        "Côte",
        "d",
        "Ivoire",
        "SDG",
        "17",
        "التعاون",
    ]
    assert search_words("% _ ' -- ;") == []
    assert len(search_words("word " * 50)) == 10


def test_search_text_holds_narratives_and_the_names_of_related_records(
    make_initiative, countries, make_organisation, make_theme, regions
):
    initiative = make_initiative(
        "Rice", challenge="Low yields.", solution="Seed banks.", results="Doubled harvests."
    )
    InitiativeCountry.objects.create(
        initiative=initiative, country=countries["mali"], role=CountryRole.BENEFICIARY
    )
    initiative.organisations.add(
        make_organisation("World Food Programme", "WFP"),
        through_defaults={"role": OrganisationRole.SUPPORTING},
    )
    initiative.themes.add(make_theme("Food security"))
    initiative.regions.add(regions["western_africa"])

    text = Initiative.objects.get(pk=initiative.pk).search_text

    for expected in [
        "Low yields.",
        "Seed banks.",
        "Doubled harvests.",
        "Mali",
        "World Food Programme",
        "WFP",
        "Food security",
        "Western Africa",
    ]:
        assert expected in text
    assert text == build_search_text(initiative)


def test_a_country_added_later_makes_the_case_findable_by_it(client, make_initiative, countries):
    initiative = make_initiative("Mangrove restoration")
    assert found(client, "Jamaica") == []

    InitiativeCountry.objects.create(
        initiative=initiative, country=countries["jamaica"], role=CountryRole.BENEFICIARY
    )

    assert found(client, "Jamaica") == ["Mangrove restoration"]


def test_a_theme_added_from_its_own_side_makes_the_case_findable(
    client, make_initiative, make_theme
):
    initiative = make_initiative("Teacher exchange")
    theme = make_theme("Education")

    theme.initiatives.add(initiative)

    assert found(client, "education") == ["Teacher exchange"]


def test_an_edited_title_is_found_by_its_new_words_only(client, make_initiative):
    initiative = make_initiative("Solar pumps", summary="Energy for villages.")
    initiative.title = "Wind turbines"
    initiative.save()

    assert found(client, "turbines") == ["Wind turbines"]
    assert found(client, "pumps") == []


def test_removing_a_country_in_the_admin_stops_the_case_being_found_by_it(
    admin_client, client, make_initiative, countries, source
):
    initiative = make_initiative(
        "Dairy cooperatives",
        countries={countries["kenya"]: CountryRole.BENEFICIARY},
        sources=[source],
    )
    row = initiative.country_roles.get()
    assert found(client, "Kenya") == ["Dairy cooperatives"]

    data = case_study_form(
        source,
        title=initiative.title,
        slug=initiative.slug,
        summary=initiative.summary,
        modality=initiative.modality,
        status=Status.PUBLISHED,
        published_at_0=initiative.published_at.strftime("%Y-%m-%d"),
        published_at_1=initiative.published_at.strftime("%H:%M:%S"),
        # A published record: the change is made public at once, as a publisher may.
        _publish_now="Save and publish now",
        **management_form("country_roles", 1, initial=1),
        **country_row(
            0,
            countries["kenya"],
            CountryRole.BENEFICIARY,
            initiative=initiative,
            row=row,
            delete=True,
        ),
    )
    response = admin_client.post(
        reverse("admin:initiatives_initiative_change", args=[initiative.pk]), data
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not initiative.country_roles.exists()
    assert found(client, "Kenya") == []
    assert found(client, "dairy") == ["Dairy cooperatives"]


def test_a_search_of_only_punctuation_finds_nothing(client, make_initiative):
    make_initiative("Anything")

    assert found(client, "?!") == []
    assert found(client, "") == ["Anything"]


def test_the_starting_content_is_indexed_when_loaded(client):
    call_command("load_portal_content", verbosity=0)

    assert not Initiative.objects.filter(search_text="").exists()
    published = Initiative.objects.published().prefetch_related("countries")
    sample = next(i for i in published if i.countries.all())
    country = sample.countries.all()[0].name.split()[0]
    assert sample.title in found(client, country)


def test_refresh_rebuilds_a_stale_index(make_initiative, countries):
    initiative = make_initiative(countries={countries["chile"]: CountryRole.PROVIDER})
    Initiative.objects.filter(pk=initiative.pk).update(search_text="stale")

    assert refresh_search_index(Initiative.objects.all()) == 1

    assert "Chile" in Initiative.objects.get(pk=initiative.pk).search_text


# --- PostgreSQL ---------------------------------------------------------------------------------


@needs_postgresql
def test_words_match_after_stemming_and_as_prefixes(client, make_initiative):
    make_initiative("Irrigation for smallholder farmers")

    assert found(client, "irrigated farmer") == ["Irrigation for smallholder farmers"]
    assert found(client, "irrig") == ["Irrigation for smallholder farmers"]
    assert found(client, "small") == ["Irrigation for smallholder farmers"]


@needs_postgresql
def test_a_title_match_ranks_above_a_match_in_the_body(client, make_initiative):
    make_initiative(
        "Peer learning",
        results="Fisheries registries were shared.",
        published_at=timezone.now() - timedelta(days=30),
    )
    make_initiative("Fisheries registries")

    assert found(client, "fisheries") == ["Fisheries registries", "Peer learning"]
    # A sort the reader chooses replaces the ranking.
    assert found(client, "fisheries", sort="title") == ["Fisheries registries", "Peer learning"]
    assert found(client, "fisheries", sort="oldest")[0] == "Peer learning"

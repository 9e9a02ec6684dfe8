"""Reference data: the region tree, natural keys, and the rules the database itself enforces."""

import pytest
from django.db import IntegrityError, transaction

from initiatives.models import (
    CooperationForm,
    CountryRole,
    Initiative,
    InitiativeCountry,
    InitiativeOrganisation,
    Modality,
    OrganisationRole,
)
from taxonomy.models import SDG, Region, SDGTarget, target_sort_key


def test_a_top_region_path_is_its_own_code(make_region):
    africa = make_region("Africa", "002")

    assert africa.path == "002/"


def test_region_path_follows_the_parent_chain(regions):
    assert regions["western_africa"].path == "002/202/011/"
    assert regions["caribbean"].path == "019/419/029/"
    # What was saved, not only what is on the instance.
    assert Region.objects.get(m49_code="011").path == "002/202/011/"


def test_saving_a_region_recomputes_its_path_from_a_new_parent(regions):
    western = regions["western_africa"]
    western.parent = regions["lac"]
    western.save()

    assert Region.objects.get(pk=western.pk).path == "019/419/011/"


def test_within_a_region_gives_the_region_and_everything_below_it(regions):
    assert set(Region.objects.within(regions["africa"])) == {
        regions["africa"],
        regions["ssa"],
        regions["western_africa"],
        regions["eastern_africa"],
    }


def test_within_a_sub_region_leaves_out_its_parent_and_siblings(regions):
    assert set(Region.objects.within(regions["lac"])) == {
        regions["lac"],
        regions["caribbean"],
        regions["south_america"],
    }
    assert list(Region.objects.within(regions["caribbean"])) == [regions["caribbean"]]


@pytest.fixture
def one_of_each(regions, countries, sdgs, make_theme, make_organisation, source, make_initiative):
    """One record of every model with a natural key, by model label."""
    theme = make_theme("Health")
    organisation = make_organisation("Japan International Cooperation Agency", "JICA")
    form = CooperationForm.objects.create(name="Training", slug="training")
    initiative = make_initiative(
        "Cambodian deminers in Colombia",
        countries={countries["cambodia"]: CountryRole.PROVIDER},
        organisations={organisation: OrganisationRole.SUPPORTING},
    )
    return {
        "taxonomy.region": regions["western_africa"],
        "taxonomy.country": countries["kenya"],
        "taxonomy.sdg": sdgs[16],
        "taxonomy.theme": theme,
        "taxonomy.organisation": organisation,
        "taxonomy.source": source,
        "initiatives.cooperationform": form,
        "initiatives.initiative": initiative,
        "initiatives.initiativecountry": initiative.country_roles.get(),
        "initiatives.initiativeorganisation": initiative.organisation_roles.get(),
    }


@pytest.mark.parametrize(
    "label",
    [
        "taxonomy.region",
        "taxonomy.country",
        "taxonomy.sdg",
        "taxonomy.theme",
        "taxonomy.organisation",
        "taxonomy.source",
        "initiatives.cooperationform",
        "initiatives.initiative",
        "initiatives.initiativecountry",
        "initiatives.initiativeorganisation",
    ],
)
def test_natural_key_finds_the_record_again(one_of_each, label):
    record = one_of_each[label]
    manager = type(record)._default_manager

    assert manager.get_by_natural_key(*record.natural_key()) == record


def test_initiative_country_natural_key_names_the_case_country_and_role(one_of_each):
    link = one_of_each["initiatives.initiativecountry"]

    assert link.natural_key() == (link.initiative.slug, "KH", CountryRole.PROVIDER)


@pytest.mark.parametrize("number", [0, 18])
def test_the_database_refuses_an_sdg_number_outside_1_to_17(db, number):
    with pytest.raises(IntegrityError), transaction.atomic():
        SDG.objects.create(number=number, short_name="No goal", title="No goal", colour="#000000")

    assert not SDG.objects.exists()


@pytest.mark.parametrize("number", [1, 17])
def test_the_database_accepts_sdg_numbers_1_and_17(db, number):
    SDG.objects.create(number=number, short_name="Goal", title="Goal", colour="#000000")

    assert SDG.objects.get().number == number


def new_initiative(**fields):
    return Initiative.objects.create(
        title="A case", slug="a-case", summary="A case.", modality=Modality.BILATERAL, **fields
    )


def test_the_database_refuses_an_end_year_before_the_start_year(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        new_initiative(start_year=2020, end_year=2019)

    assert not Initiative.objects.exists()


def test_the_database_accepts_a_project_that_starts_and_ends_in_one_year(db):
    new_initiative(start_year=2020, end_year=2020)

    assert Initiative.objects.get().end_year == 2020


def test_the_database_refuses_a_negative_budget(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        new_initiative(budget_amount=-1, budget_currency="USD")

    assert not Initiative.objects.exists()


def test_the_database_refuses_the_same_country_twice_in_one_role(make_initiative, countries):
    initiative = make_initiative(countries={countries["kenya"]: CountryRole.BENEFICIARY})

    with pytest.raises(IntegrityError), transaction.atomic():
        InitiativeCountry.objects.create(
            initiative=initiative, country=countries["kenya"], role=CountryRole.BENEFICIARY
        )

    assert initiative.country_roles.count() == 1


def test_the_database_refuses_the_same_organisation_twice_in_one_role(
    make_initiative, make_organisation
):
    fao = make_organisation("Food and Agriculture Organization", "FAO")
    initiative = make_initiative(organisations={fao: OrganisationRole.IMPLEMENTING})

    with pytest.raises(IntegrityError), transaction.atomic():
        InitiativeOrganisation.objects.create(
            initiative=initiative, organisation=fao, role=OrganisationRole.IMPLEMENTING
        )

    assert initiative.organisation_roles.count() == 1


def test_moving_a_region_moves_the_regions_below_it(regions):
    # Western Africa's parent chain becomes Americas > Sub-Saharan Africa > Western Africa.
    ssa = regions["ssa"]
    ssa.parent = regions["americas"]
    ssa.save()

    assert Region.objects.get(m49_code="011").path == "019/202/011/"
    assert regions["western_africa"] in Region.objects.within(regions["americas"])


def test_targets_come_by_goal_then_numbered_before_lettered(sdgs):
    for number, code in [(3, "3.1"), (2, "2.a"), (2, "2.10"), (2, "2.b"), (2, "2.9"), (2, "2.1")]:
        SDGTarget.objects.create(goal=sdgs[number], code=code, text=f"Target {code}")

    assert [str(target) for target in SDGTarget.objects.all()] == [
        "2.1",
        "2.9",
        "2.10",
        "2.a",
        "2.b",
        "3.1",
    ]
    assert [str(target) for target in sdgs[2].targets.all()] == ["2.1", "2.9", "2.10", "2.a", "2.b"]


@pytest.mark.parametrize("code", ["", "8", "8.", "8.A", "x.1", "8.aa", "8.2.1"])
def test_a_target_code_is_a_goal_number_and_a_number_or_a_letter(code):
    with pytest.raises(ValueError):
        target_sort_key(code)


def test_a_target_is_found_by_its_code(sdgs):
    target = SDGTarget.objects.create(goal=sdgs[16], code="16.a", text="Institutions.")

    assert target.natural_key() == ("16.a",)
    assert SDGTarget.objects.get_by_natural_key("16.a") == target

"""The case studies' filter keys (`filter_keys`, initiatives/search.py): on PostgreSQL the list's
region, country, beneficiary group and goal filters read them alone, and select exactly the case
studies the joins select (which SQLite uses); they stay right as case studies, their countries,
their goals and the regions change."""

import itertools

import pytest
from django.urls import reverse

from devtools.samples import management_form
from initiatives import filters
from initiatives.filters import InitiativeFilter
from initiatives.models import CountryRole, Initiative
from initiatives.search import build_filter_keys, filter_key_reads
from publishing.models import Status

from .admin_forms import case_study_form, country_row

pytestmark = pytest.mark.django_db

PROVIDER = CountryRole.PROVIDER
BENEFICIARY = CountryRole.BENEFICIARY
FACILITATOR = CountryRole.FACILITATOR


@pytest.fixture
def cases(make_initiative, make_country, countries, regions, sdgs):
    """Case studies with countries in several regions and roles, named regions and goals; one
    without anything, one with a country that has no region, one unpublished."""
    nowhere = make_country("Nowhere Land", "NW", None, is_sids=True)
    c = countries
    specs = [
        ({c["sierra_leone"]: BENEFICIARY, c["chile"]: PROVIDER}, [], [2, 3]),
        ({c["kenya"]: PROVIDER, c["mali"]: BENEFICIARY}, [], [3]),
        ({c["jamaica"]: BENEFICIARY, c["colombia"]: FACILITATOR}, [], [16]),
        ({c["cambodia"]: BENEFICIARY, c["kenya"]: FACILITATOR}, [regions["caribbean"]], [2]),
        ({}, [regions["western_africa"]], [3, 16]),
        ({}, [regions["americas"]], []),
        ({c["chile"]: BENEFICIARY, c["colombia"]: PROVIDER}, [], [2, 3, 16]),
        ({nowhere: BENEFICIARY}, [], [3]),
        ({}, [], []),
    ]
    made = [
        make_initiative(
            f"Case {number}",
            countries=places,
            regions=named,
            sdgs=[sdgs[goal] for goal in goals],
        )
        for number, (places, named, goals) in enumerate(specs)
    ]
    made.append(
        make_initiative(
            "Draft case",
            status=Status.DRAFT,
            countries={c["kenya"]: BENEFICIARY},
            sdgs=[sdgs[3]],
        )
    )
    return made


def filtered(data, *, joins=False, monkeypatch=None):
    """The ids of the published case studies the list's filters select for `data`, in the
    list's order: through the filter keys where the database reads them, or through the joins."""
    queryset = Initiative.objects.published()
    if joins:
        with monkeypatch.context() as patch:
            patch.setattr(filters, "by_keys", lambda queryset: False)
            filterset = InitiativeFilter(data, queryset=queryset)
            return list(filterset.qs.values_list("pk", flat=True))
    filterset = InitiativeFilter(data, queryset=queryset)
    assert filterset.is_valid(), filterset.errors
    return list(filterset.qs.values_list("pk", flat=True))


def by_stored_keys(data, regions, countries, sdgs):
    """The ids of the published case studies whose stored keys hold every key `data` asks
    for, in the list's order."""
    wanted = set()
    if data.get("region"):
        wanted.add("region:" + next(r.m49_code for r in regions if r.slug == data["region"]))
    if data.get("country"):
        wanted.add(f"country:{data['country']}")
    if data.get("group"):
        wanted.add(f"group:{data['group']}")
    if data.get("sdg"):
        wanted.add(f"sdg:{data['sdg']}")
    return [
        pk
        for pk, keys in Initiative.objects.published().values_list("pk", "filter_keys")
        if wanted <= set(keys)
    ]


def assert_keys_current():
    """Every case study's stored keys are those its links make now."""
    records = filter_key_reads(Initiative.objects.all())
    for record in records:
        assert record.filter_keys == sorted(build_filter_keys(record)), record.title


def combinations(regions, countries):
    region_values = [None, *(region.slug for region in regions.values())]
    country_values = [None, "KE", "CL", "JM", "NW", "ML"]
    groups = [None, "ldc", "lldc", "sids"]
    goals = [None, 2, 3, 16]
    seen = set()
    for region, country, group, goal in itertools.product(
        region_values, country_values, groups, goals
    ):
        # Every pair of filters in full, and the rest of the product only in part.
        chosen = sum(value is not None for value in (region, country, group, goal))
        if chosen > 2 and (region_values.index(region) + country_values.index(country)) % 3:
            continue
        data = {
            name: str(value)
            for name, value in (
                ("region", region),
                ("country", country),
                ("group", group),
                ("sdg", goal),
            )
            if value is not None
        }
        key = tuple(sorted(data.items()))
        if key not in seen:
            seen.add(key)
            yield data


def test_keys_hold_countries_roles_regions_with_those_above_groups_and_goals(cases):
    keys = set(Initiative.objects.get(pk=cases[0].pk).filter_keys)
    assert keys == {
        "country:SL",
        "beneficiary:SL",
        "country:CL",
        "provider:CL",
        "region:002",
        "region:202",
        "region:011",
        "region:019",
        "region:419",
        "region:005",
        "group:ldc",
        "sdg:2",
        "sdg:3",
    }
    named = set(Initiative.objects.get(pk=cases[3].pk).filter_keys)
    assert {"region:019", "region:419", "region:029", "region:142", "region:035"} <= named
    assert "group:ldc" in named  # Cambodia, a beneficiary; Kenya facilitates
    assert Initiative.objects.get(pk=cases[8].pk).filter_keys == []
    assert_keys_current()


def test_every_combination_of_filters_selects_what_the_joins_select(
    cases, regions, countries, sdgs, monkeypatch
):
    compared = 0
    for data in combinations(regions, countries):
        by_keys = filtered(data)
        assert by_keys == filtered(data, joins=True, monkeypatch=monkeypatch), data
        assert by_keys == by_stored_keys(data, regions.values(), countries, sdgs), data
        compared += 1
    assert compared > 300


def test_the_filters_read_only_the_keys_on_postgresql(cases, regions, django_assert_num_queries):
    data = {"region": regions["africa"].slug, "sdg": "3"}
    sql = str(InitiativeFilter(data, queryset=Initiative.objects.published()).qs.query)
    if filters.by_keys(Initiative.objects.all()):
        assert sql.count("@>") == 2
        assert "initiatives_initiativecountry" not in sql
        assert "DISTINCT" not in sql
    else:
        assert "initiatives_initiativecountry" in sql


def test_the_list_page_filters_by_keys_as_by_joins(client, cases, regions):
    response = client.get("/initiatives/", {"region": regions["africa"].slug, "sdg": "3"})

    assert response.status_code == 200
    listed = {initiative.title for initiative in response.context["object_list"]}
    assert listed == {"Case 0", "Case 1", "Case 4"}


def test_a_region_moved_under_another_moves_its_case_studies_keys(cases, regions, monkeypatch):
    western = regions["western_africa"]
    western.parent = regions["lac"]
    western.save()

    assert_keys_current()
    keys = set(Initiative.objects.get(pk=cases[0].pk).filter_keys)
    assert "region:011" in keys and "region:419" in keys
    assert "region:202" not in keys and "region:002" not in keys
    africa = {"region": regions["africa"].slug}
    americas = {"region": regions["americas"].slug}
    assert cases[4].pk not in filtered(africa)  # names Western Africa
    assert cases[4].pk in filtered(americas)
    for data in (africa, americas, {"region": western.slug}):
        assert filtered(data) == filtered(data, joins=True, monkeypatch=monkeypatch)


def test_a_region_moved_with_its_sub_regions_moves_theirs_too(cases, regions, monkeypatch):
    ssa = regions["ssa"]
    ssa.parent = regions["asia"]
    ssa.save()

    assert_keys_current()
    assert "region:142" in Initiative.objects.get(pk=cases[1].pk).filter_keys  # Kenya, Mali
    for region in regions.values():
        data = {"region": region.slug}
        assert filtered(data) == filtered(data, joins=True, monkeypatch=monkeypatch)


def test_a_country_moved_to_another_region_moves_its_case_studies_keys(
    cases, countries, regions, monkeypatch
):
    kenya = countries["kenya"]
    kenya.region = regions["south_east_asia"]
    kenya.save()

    assert_keys_current()
    keys = set(Initiative.objects.get(pk=cases[1].pk).filter_keys)
    assert "region:035" in keys and "region:014" not in keys
    assert "region:002" in keys  # Mali is still in Africa
    for region in regions.values():
        data = {"region": region.slug}
        assert filtered(data) == filtered(data, joins=True, monkeypatch=monkeypatch)


def test_a_country_joining_a_group_puts_its_beneficiaries_case_studies_in_it(
    cases, countries, monkeypatch
):
    chile = countries["chile"]
    chile.is_lldc = True
    chile.save()

    assert_keys_current()
    assert cases[6].pk in filtered({"group": "lldc"})  # Chile, a beneficiary
    assert cases[0].pk not in filtered({"group": "lldc"})  # Chile, a provider
    assert filtered({"group": "lldc"}) == filtered(
        {"group": "lldc"}, joins=True, monkeypatch=monkeypatch
    )


def test_a_goal_removed_from_a_case_study_leaves_its_keys(cases, sdgs, monkeypatch):
    cases[0].sdgs.remove(sdgs[3])

    assert "sdg:3" not in Initiative.objects.get(pk=cases[0].pk).filter_keys
    assert "sdg:2" in Initiative.objects.get(pk=cases[0].pk).filter_keys
    assert cases[0].pk not in filtered({"sdg": "3"})
    sdgs[3].initiatives.clear()  # from the goal's side
    assert filtered({"sdg": "3"}) == []
    assert_keys_current()
    assert filtered({"sdg": "2"}) == filtered({"sdg": "2"}, joins=True, monkeypatch=monkeypatch)


def test_a_target_adds_its_goal_to_the_keys(make_initiative, sdg_targets):
    initiative = make_initiative(targets=[sdg_targets["16.6"]])

    assert "sdg:16" in Initiative.objects.get(pk=initiative.pk).filter_keys
    assert filtered({"sdg": "16"}) == [initiative.pk]


def test_a_country_role_changed_and_a_row_deleted_in_the_admin_change_the_keys(
    admin_client, make_initiative, countries, source, monkeypatch
):
    # A draft, which the form saves at once (a published one's changes wait for review), and
    # publishes.
    initiative = make_initiative(
        status=Status.DRAFT,
        countries={countries["chile"]: PROVIDER, countries["mali"]: BENEFICIARY},
        sources=[source],
    )
    chile = initiative.country_roles.get(country=countries["chile"])
    mali = initiative.country_roles.get(country=countries["mali"])
    assert "group:ldc" in Initiative.objects.get(pk=initiative.pk).filter_keys
    data = case_study_form(
        source,
        title=initiative.title,
        slug=initiative.slug,
        status=Status.PUBLISHED,
        published_at_0="2024-01-10",
        published_at_1="10:00:00",
        **management_form("country_roles", 2, initial=2),
        **country_row(0, countries["chile"], BENEFICIARY, initiative=initiative, row=chile),
        **country_row(
            1, countries["mali"], BENEFICIARY, initiative=initiative, row=mali, delete=True
        ),
    )

    response = admin_client.post(
        reverse("admin:initiatives_initiative_change", args=[initiative.pk]), data
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    keys = set(Initiative.objects.get(pk=initiative.pk).filter_keys)
    assert {"country:CL", "beneficiary:CL"} <= keys
    assert "provider:CL" not in keys
    assert not {"country:ML", "beneficiary:ML", "group:ldc", "region:002"} & keys
    assert_keys_current()
    for data in ({"country": "CL"}, {"group": "ldc"}):
        assert filtered(data) == filtered(data, joins=True, monkeypatch=monkeypatch)
    assert initiative.pk not in filtered({"group": "ldc"})
    assert initiative.pk in filtered({"country": "CL"})

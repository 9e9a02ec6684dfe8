"""The case studies' filter keys (`filter_keys`, initiatives/search.py): on PostgreSQL the list's
region, country, beneficiary group, goal and theme filters read them alone, and select exactly
the case studies the joins select (which SQLite uses), as do the related case studies; they stay
right as case studies, their countries, their goals, their themes and the regions change."""

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
def themes(make_theme):
    return {name: make_theme(name.capitalize()) for name in ("health", "water", "trade")}


@pytest.fixture
def cases(make_initiative, make_country, countries, regions, sdgs, themes):
    """Case studies with countries in several regions and roles, named regions, goals and
    themes; one without anything, one with a country that has no region, one unpublished."""
    nowhere = make_country("Nowhere Land", "NW", None, is_sids=True)
    c = countries
    specs = [
        ({c["sierra_leone"]: BENEFICIARY, c["chile"]: PROVIDER}, [], [2, 3], []),
        ({c["kenya"]: PROVIDER, c["mali"]: BENEFICIARY}, [], [3], ["health"]),
        ({c["jamaica"]: BENEFICIARY, c["colombia"]: FACILITATOR}, [], [16], ["water"]),
        (
            {c["cambodia"]: BENEFICIARY, c["kenya"]: FACILITATOR},
            [regions["caribbean"]],
            [2],
            ["health", "water"],
        ),
        ({}, [regions["western_africa"]], [3, 16], ["trade"]),
        ({}, [regions["americas"]], [], ["health"]),
        ({c["chile"]: BENEFICIARY, c["colombia"]: PROVIDER}, [], [2, 3, 16], ["water"]),
        ({nowhere: BENEFICIARY}, [], [3], ["health", "trade"]),
        ({}, [], [], []),
    ]
    made = [
        make_initiative(
            f"Case {number}",
            countries=places,
            regions=named,
            sdgs=[sdgs[goal] for goal in goals],
            themes=[themes[name] for name in named_themes],
        )
        for number, (places, named, goals, named_themes) in enumerate(specs)
    ]
    made.append(
        make_initiative(
            "Draft case",
            status=Status.DRAFT,
            countries={c["kenya"]: BENEFICIARY},
            sdgs=[sdgs[3]],
            themes=[themes["health"]],
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


def by_stored_keys(data, regions, themes):
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
    if data.get("theme"):
        wanted.add("theme:" + str(next(t.pk for t in themes if t.slug == data["theme"])))
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


def combinations(regions, countries, themes):
    region_values = [None, *(region.slug for region in regions.values())]
    country_values = [None, "KE", "CL", "JM", "NW", "ML"]
    groups = [None, "ldc", "lldc", "sids"]
    goals = [None, 2, 3, 16]
    theme_values = [None, *(theme.slug for theme in themes.values())]
    seen = set()
    for region, country, group, goal, theme in itertools.product(
        region_values, country_values, groups, goals, theme_values
    ):
        # Every pair of filters in full, and the rest of the product only in part.
        chosen = sum(value is not None for value in (region, country, group, goal, theme))
        if (
            chosen > 2
            and (
                region_values.index(region)
                + country_values.index(country)
                + theme_values.index(theme)
            )
            % 5
        ):
            continue
        data = {
            name: str(value)
            for name, value in (
                ("region", region),
                ("country", country),
                ("group", group),
                ("sdg", goal),
                ("theme", theme),
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
    cases, regions, countries, themes, monkeypatch
):
    compared = selected = 0
    for data in combinations(regions, countries, themes):
        by_keys = filtered(data)
        assert by_keys == filtered(data, joins=True, monkeypatch=monkeypatch), data
        assert by_keys == by_stored_keys(data, regions.values(), themes.values()), data
        compared += 1
        selected += bool(by_keys)
    assert compared > 300
    assert selected > 100


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


def test_a_theme_removed_from_a_case_study_leaves_its_keys(cases, themes, monkeypatch):
    health = themes["health"]
    assert f"theme:{health.pk}" in Initiative.objects.get(pk=cases[3].pk).filter_keys
    cases[3].themes.remove(health)

    keys = Initiative.objects.get(pk=cases[3].pk).filter_keys
    assert f"theme:{health.pk}" not in keys
    assert f"theme:{themes['water'].pk}" in keys
    assert cases[3].pk not in filtered({"theme": "health"})
    health.initiatives.clear()  # from the theme's side
    assert filtered({"theme": "health"}) == []
    assert_keys_current()
    for data in ({"theme": "health"}, {"theme": "water"}):
        assert filtered(data) == filtered(data, joins=True, monkeypatch=monkeypatch)


def test_a_theme_renamed_keeps_its_case_studies_keys(cases, themes):
    water = themes["water"]
    water.slug, water.name = "water-and-sanitation", "Water and sanitation"
    water.save()

    assert_keys_current()
    assert set(filtered({"theme": "water-and-sanitation"})) == {
        case.pk for case in cases if case.title in {"Case 2", "Case 3", "Case 6"}
    }


def related(initiative, *, joins=False, monkeypatch=None):
    from initiatives import views

    initiative = Initiative.objects.prefetch_related("themes", "country_roles__country").get(
        pk=initiative.pk
    )
    if not joins:
        return [(case.title, case.shared) for case in views.related_initiatives(initiative)]
    with monkeypatch.context() as patch:
        patch.setattr(views, "by_keys", lambda queryset: False)
        return [(case.title, case.shared) for case in views.related_initiatives(initiative)]


def test_related_case_studies_by_keys_are_those_the_joins_rank(cases, monkeypatch):
    compared = 0
    for case in cases:
        found = related(case)
        assert found == related(case, joins=True, monkeypatch=monkeypatch), case.title
        compared += bool(found)
    assert compared >= 7
    # Case 3: Cambodia and Kenya, health and water. Case 1 shares Kenya and health.
    assert related(cases[3])[0] == ("Case 1", 2)


def test_related_case_studies_read_only_the_keys_on_postgresql(
    cases, django_assert_max_num_queries
):
    from initiatives.views import related_initiatives

    initiative = Initiative.objects.prefetch_related("themes", "country_roles__country").get(
        pk=cases[3].pk
    )
    with django_assert_max_num_queries(1) as queries:
        related_initiatives(initiative)
    sql = queries.captured_queries[0]["sql"]
    if filters.by_keys(Initiative.objects.all()):
        assert "&&" in sql
        assert "initiatives_initiativecountry" not in sql
        assert "initiatives_initiative_themes" not in sql
    else:
        assert "initiatives_initiative_themes" in sql


def counts(queryset, *, joins=False, monkeypatch=None):
    from initiatives import figures

    if not joins:
        return figures.result_counts(queryset)
    with monkeypatch.context() as patch:
        patch.setattr(figures, "by_keys", lambda queryset: False)
        return figures.result_counts(queryset)


def test_the_figures_of_a_result_by_keys_are_those_the_joins_count(
    cases, regions, themes, monkeypatch
):
    published = Initiative.objects.published()
    results = [published, published.filter(title__in=["Case 1", "Case 3", "Case 4"])]
    results += [
        InitiativeFilter(data, queryset=published).qs
        for data in ({"region": "africa"}, {"theme": "health"}, {"sdg": "3", "group": "ldc"})
    ]
    for result in results:
        assert counts(result) == counts(result, joins=True, monkeypatch=monkeypatch)
    whole = counts(published)
    assert whole["region"]["002"] == 4  # cases 0, 1, 4 (Western Africa) and 3 (Kenya)
    assert whole["sdg"] == {2: 3, 3: 5, 16: 3}
    assert whole["theme"] == {themes["health"].pk: 4, themes["water"].pk: 3, themes["trade"].pk: 2}
    regions["western_africa"].parent = regions["lac"]
    regions["western_africa"].save()
    moved = counts(published)
    assert moved == counts(published, joins=True, monkeypatch=monkeypatch)
    assert moved["region"]["002"] == 2  # Kenya's cases alone

"""The public case-study list at /initiatives/: every filter, sorting, pagination, the result
count, the active-filter summary, and the rule that only published case studies appear."""

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from initiatives.models import CountryRole, Modality, ProjectStatus
from publishing.models import Status

LIST_URL = "/initiatives/"
BENEFICIARY = CountryRole.BENEFICIARY
PROVIDER = CountryRole.PROVIDER
FACILITATOR = CountryRole.FACILITATOR

pytestmark = pytest.mark.django_db


def titles(response):
    """The titles of the case studies listed on this page, as a set."""
    assert response.status_code == 200
    return {initiative.title for initiative in response.context["object_list"]}


def ordered_titles(response):
    assert response.status_code == 200
    return [initiative.title for initiative in response.context["object_list"]]


def chips(response):
    """(text, address) of every active-filter link in the page."""
    found = re.findall(
        r'<a class="chip" href="([^"]*)">(.*?)<span class="visually-hidden">',
        response.content.decode(),
    )
    return {html.unescape(text).strip(): html.unescape(href) for href, text in found}


# --- Text search -------------------------------------------------------------------------------


def test_search_finds_a_word_of_the_title_whatever_its_case(client, make_initiative):
    make_initiative("Solar pumps for smallholder farmers")
    make_initiative("Mobile health clinics")

    response = client.get(LIST_URL, {"q": "SOLAR"})

    assert titles(response) == {"Solar pumps for smallholder farmers"}


def test_search_finds_text_in_the_challenge(client, make_initiative):
    make_initiative("Water project", challenge="Recurrent drought ruined the harvests.")
    make_initiative("Health project", challenge="Too few nurses in rural districts.")

    response = client.get(LIST_URL, {"q": "drought"})

    assert titles(response) == {"Water project"}


@pytest.mark.parametrize("field", ["summary", "solution", "results", "replication"])
def test_search_finds_text_in_every_narrative_field(client, make_initiative, field):
    make_initiative("Has the word", **{field: "A mangrove nursery was set up."})
    make_initiative("Lacks the word", **{field: "Nothing of the sort."})

    response = client.get(LIST_URL, {"q": "mangrove"})

    assert titles(response) == {"Has the word"}


def test_search_finds_a_country_by_name(client, make_initiative, countries):
    make_initiative("Dairy training", countries={countries["kenya"]: BENEFICIARY})
    make_initiative("Coffee training", countries={countries["colombia"]: BENEFICIARY})

    response = client.get(LIST_URL, {"q": "kenya"})

    assert titles(response) == {"Dairy training"}


def test_search_finds_an_organisation_by_acronym(client, make_initiative, make_organisation):
    undp = make_organisation("United Nations Development Programme", "UNDP")
    fao = make_organisation("Food and Agriculture Organization", "FAO")
    make_initiative("With UNDP", organisations={undp: "implementing"})
    make_initiative("With FAO", organisations={fao: "supporting"})

    response = client.get(LIST_URL, {"q": "undp"})

    assert titles(response) == {"With UNDP"}


def test_search_finds_an_organisation_by_a_word_of_its_name(
    client, make_initiative, make_organisation
):
    fao = make_organisation("Food and Agriculture Organization", "FAO")
    make_initiative("With FAO", organisations={fao: "supporting"})
    make_initiative("Without an organisation")

    response = client.get(LIST_URL, {"q": "agriculture"})

    assert titles(response) == {"With FAO"}


def test_search_with_several_words_finds_case_studies_with_all_of_them(
    client, make_initiative, countries
):
    make_initiative("Solar pumps", countries={countries["kenya"]: BENEFICIARY})
    make_initiative("Solar lanterns", countries={countries["colombia"]: BENEFICIARY})
    make_initiative("Dairy cooperatives", countries={countries["kenya"]: BENEFICIARY})

    response = client.get(LIST_URL, {"q": "solar  Kenya"})

    assert titles(response) == {"Solar pumps"}


def test_search_for_a_word_nowhere_finds_nothing_and_says_so(client, make_initiative):
    make_initiative("Solar pumps")

    response = client.get(LIST_URL, {"q": "zeppelin"})

    assert titles(response) == set()
    assertContains(response, "No case studies match these filters.")


# --- Region ------------------------------------------------------------------------------------


def test_a_region_includes_the_countries_of_its_sub_regions(
    client, make_initiative, countries, regions
):
    make_initiative("In Sierra Leone", countries={countries["sierra_leone"]: BENEFICIARY})
    make_initiative("Named Western Africa only", countries={}, regions=[regions["western_africa"]])
    make_initiative("In Cambodia", countries={countries["cambodia"]: BENEFICIARY})
    make_initiative("In Jamaica", countries={countries["jamaica"]: BENEFICIARY})

    response = client.get(LIST_URL, {"region": "africa"})

    assert titles(response) == {"In Sierra Leone", "Named Western Africa only"}


def test_a_region_filter_does_not_include_a_broader_region(
    client, make_initiative, countries, regions
):
    make_initiative("In Jamaica", countries={countries["jamaica"]: BENEFICIARY})
    make_initiative("Named the Caribbean", regions=[regions["caribbean"]])
    make_initiative("Named Latin America and the Caribbean", regions=[regions["lac"]])
    make_initiative("In Colombia", countries={countries["colombia"]: BENEFICIARY})

    response = client.get(LIST_URL, {"region": "caribbean"})

    assert titles(response) == {"In Jamaica", "Named the Caribbean"}


def test_a_sub_region_includes_the_regions_named_inside_it(
    client, make_initiative, countries, regions
):
    make_initiative("Named the Caribbean", regions=[regions["caribbean"]])
    make_initiative("Named Latin America and the Caribbean", regions=[regions["lac"]])
    make_initiative("In Colombia", countries={countries["colombia"]: BENEFICIARY})
    make_initiative("Named the Americas", regions=[regions["americas"]])

    response = client.get(LIST_URL, {"region": "latin-america-and-the-caribbean"})

    assert titles(response) == {
        "Named the Caribbean",
        "Named Latin America and the Caribbean",
        "In Colombia",
    }


def test_asia_excludes_case_studies_in_africa(client, make_initiative, countries, regions):
    make_initiative("In Cambodia", countries={countries["cambodia"]: BENEFICIARY})
    make_initiative("Named South-eastern Asia", regions=[regions["south_east_asia"]])
    make_initiative("In Kenya", countries={countries["kenya"]: BENEFICIARY})
    make_initiative("Named Africa", regions=[regions["africa"]])

    response = client.get(LIST_URL, {"region": "asia"})

    assert titles(response) == {"In Cambodia", "Named South-eastern Asia"}


def test_a_region_counts_a_country_in_any_role(client, make_initiative, countries):
    make_initiative(
        "Cambodian experts in Colombia",
        countries={countries["cambodia"]: PROVIDER, countries["colombia"]: BENEFICIARY},
    )

    assert titles(client.get(LIST_URL, {"region": "asia"})) == {"Cambodian experts in Colombia"}
    assert titles(client.get(LIST_URL, {"region": "americas"})) == {"Cambodian experts in Colombia"}


def test_a_case_study_in_two_countries_of_a_region_is_listed_once(
    client, make_initiative, countries
):
    make_initiative(
        "Across Western Africa",
        countries={countries["sierra_leone"]: BENEFICIARY, countries["mali"]: BENEFICIARY},
    )

    response = client.get(LIST_URL, {"region": "africa"})

    assert ordered_titles(response) == ["Across Western Africa"]
    assert response.context["paginator"].count == 1


# --- Country -----------------------------------------------------------------------------------


def test_a_country_filter_finds_the_country_in_any_role_by_its_iso_code(
    client, make_initiative, countries
):
    make_initiative("Kenya provides", countries={countries["kenya"]: PROVIDER})
    make_initiative("Kenya benefits", countries={countries["kenya"]: BENEFICIARY})
    make_initiative(
        "Kenya facilitates",
        countries={countries["kenya"]: FACILITATOR, countries["mali"]: BENEFICIARY},
    )
    make_initiative("Mali only", countries={countries["mali"]: BENEFICIARY})

    response = client.get(LIST_URL, {"country": "KE"})

    assert titles(response) == {"Kenya provides", "Kenya benefits", "Kenya facilitates"}


def test_the_country_choices_leave_out_countries_found_only_in_unpublished_case_studies(
    client, make_initiative, countries
):
    make_initiative("Published in Kenya", countries={countries["kenya"]: BENEFICIARY})
    make_initiative(
        "Draft in Chile", status=Status.DRAFT, countries={countries["chile"]: BENEFICIARY}
    )

    response = client.get(LIST_URL, {"country": "CL"})

    assert titles(response) == {"Published in Kenya"}
    assert "country" in response.context["filter"].form.errors
    assertContains(response, '<option value="KE">Kenya</option>', html=True)
    assertNotContains(response, ">Chile<")


# --- Beneficiary groups ------------------------------------------------------------------------


def test_the_ldc_group_finds_case_studies_benefiting_a_least_developed_country(
    client, make_initiative, countries
):
    make_initiative(
        "Kenya helps Sierra Leone",
        countries={countries["kenya"]: PROVIDER, countries["sierra_leone"]: BENEFICIARY},
    )
    make_initiative(
        "Sierra Leone helps Kenya",
        countries={countries["sierra_leone"]: PROVIDER, countries["kenya"]: BENEFICIARY},
    )
    make_initiative(
        "Cambodia facilitates",
        countries={countries["cambodia"]: FACILITATOR, countries["colombia"]: BENEFICIARY},
    )
    make_initiative("Colombia benefits", countries={countries["colombia"]: BENEFICIARY})

    response = client.get(LIST_URL, {"group": "ldc"})

    assert titles(response) == {"Kenya helps Sierra Leone"}


def test_the_lldc_group_finds_case_studies_benefiting_a_landlocked_country(
    client, make_initiative, countries
):
    make_initiative("Mali benefits", countries={countries["mali"]: BENEFICIARY})
    make_initiative("Sierra Leone benefits", countries={countries["sierra_leone"]: BENEFICIARY})
    make_initiative(
        "Mali provides",
        countries={countries["mali"]: PROVIDER, countries["kenya"]: BENEFICIARY},
    )

    response = client.get(LIST_URL, {"group": "lldc"})

    assert titles(response) == {"Mali benefits"}


def test_the_sids_group_finds_case_studies_benefiting_a_small_island_state(
    client, make_initiative, countries
):
    make_initiative(
        "Colombia helps Jamaica",
        countries={countries["colombia"]: PROVIDER, countries["jamaica"]: BENEFICIARY},
    )
    make_initiative(
        "Jamaica helps Colombia",
        countries={countries["jamaica"]: PROVIDER, countries["colombia"]: BENEFICIARY},
    )

    response = client.get(LIST_URL, {"group": "sids"})

    assert titles(response) == {"Colombia helps Jamaica"}


# --- Modality, theme, goal, project status -------------------------------------------------------


def test_the_modality_filter_finds_case_studies_of_that_modality(client, make_initiative):
    make_initiative("Triangular one", modality=Modality.TRIANGULAR)
    make_initiative("Bilateral one", modality=Modality.BILATERAL)
    make_initiative("Regional one", modality=Modality.REGIONAL)

    response = client.get(LIST_URL, {"modality": "triangular"})

    assert titles(response) == {"Triangular one"}


def test_the_theme_filter_finds_case_studies_by_theme_slug(client, make_initiative, make_theme):
    health = make_theme("Health")
    food = make_theme("Food security")
    make_initiative("Health only", themes=[health])
    make_initiative("Food and health", themes=[food, health])
    make_initiative("Food only", themes=[food])
    make_initiative("No theme")

    response = client.get(LIST_URL, {"theme": "food-security"})

    assert titles(response) == {"Food and health", "Food only"}


def test_the_sdg_filter_finds_case_studies_by_goal_number(client, make_initiative, sdgs):
    make_initiative("Zero hunger", sdgs=[sdgs[2]])
    make_initiative("Health and peace", sdgs=[sdgs[3], sdgs[16]])
    make_initiative("Peace", sdgs=[sdgs[16]])

    response = client.get(LIST_URL, {"sdg": "16"})

    assert titles(response) == {"Health and peace", "Peace"}


def test_the_status_filter_finds_case_studies_by_project_status(client, make_initiative):
    make_initiative("Running", project_status=ProjectStatus.ONGOING)
    make_initiative("Done", project_status=ProjectStatus.COMPLETED)
    make_initiative("Not started", project_status=ProjectStatus.PLANNED)
    make_initiative("Unknown status")

    response = client.get(LIST_URL, {"status": "completed"})

    assert titles(response) == {"Done"}


# --- Years -------------------------------------------------------------------------------------


@pytest.fixture
def periods(make_initiative):
    make_initiative(
        "2010 to 2015", start_year=2010, end_year=2015, project_status=ProjectStatus.COMPLETED
    )
    make_initiative("Ongoing since 2018", start_year=2018, project_status=ProjectStatus.ONGOING)
    make_initiative(
        "Finished, only 2012 known", start_year=2012, project_status=ProjectStatus.COMPLETED
    )
    make_initiative("2020 to 2022", start_year=2020, end_year=2022)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"year_from": "2015"}, {"2010 to 2015", "Ongoing since 2018", "2020 to 2022"}),
        ({"year_from": "2016"}, {"Ongoing since 2018", "2020 to 2022"}),
        ({"year_from": "2023"}, {"Ongoing since 2018"}),
        ({"year_from": "2040"}, {"Ongoing since 2018"}),
        (
            {"year_from": "2012"},
            {"2010 to 2015", "Ongoing since 2018", "Finished, only 2012 known", "2020 to 2022"},
        ),
        ({"year_from": "2013"}, {"2010 to 2015", "Ongoing since 2018", "2020 to 2022"}),
        ({"year_to": "2009"}, set()),
        ({"year_to": "2010"}, {"2010 to 2015"}),
        ({"year_to": "2012"}, {"2010 to 2015", "Finished, only 2012 known"}),
        ({"year_to": "2019"}, {"2010 to 2015", "Finished, only 2012 known", "Ongoing since 2018"}),
        ({"year_from": "2011", "year_to": "2014"}, {"2010 to 2015", "Finished, only 2012 known"}),
        ({"year_from": "2016", "year_to": "2017"}, set()),
        ({"year_from": "2019", "year_to": "2019"}, {"Ongoing since 2018"}),
        ({"year_from": "2021", "year_to": "2021"}, {"Ongoing since 2018", "2020 to 2022"}),
    ],
)
def test_the_year_filters_find_projects_whose_period_overlaps_the_years_asked(
    client, periods, query, expected
):
    response = client.get(LIST_URL, query)

    assert titles(response) == expected


def test_a_project_without_any_years_is_left_out_of_a_year_filter(client, make_initiative):
    make_initiative("Years unknown")
    make_initiative("2010 to 2015", start_year=2010, end_year=2015)

    assert titles(client.get(LIST_URL, {"year_from": "2000"})) == {"2010 to 2015"}
    assert titles(client.get(LIST_URL, {"year_to": "2100"})) == {"2010 to 2015"}


# --- Sorting -----------------------------------------------------------------------------------


@pytest.fixture
def three_for_sorting(make_initiative):
    make_initiative(
        "Banana", published_at=datetime(2023, 5, 1, tzinfo=UTC), start_year=2010, end_year=2012
    )
    make_initiative("Apple", published_at=datetime(2024, 1, 1, tzinfo=UTC))
    make_initiative(
        "Cherry", published_at=datetime(2022, 9, 1, tzinfo=UTC), start_year=2019, end_year=2020
    )


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("newest", ["Apple", "Banana", "Cherry"]),
        ("oldest", ["Cherry", "Banana", "Apple"]),
        ("title", ["Apple", "Banana", "Cherry"]),
        ("start", ["Cherry", "Banana", "Apple"]),
    ],
)
def test_sorting_orders_the_list(client, three_for_sorting, sort, expected):
    response = client.get(LIST_URL, {"sort": sort})

    assert ordered_titles(response) == expected


def test_without_sorting_the_newest_publication_comes_first(client, three_for_sorting):
    response = client.get(LIST_URL)

    assert ordered_titles(response) == ["Apple", "Banana", "Cherry"]


# --- Combinations ------------------------------------------------------------------------------


def test_filters_combine_so_a_case_study_must_match_all_of_them(
    client, make_initiative, make_theme, countries, sdgs
):
    everything = {
        "modality": Modality.TRIANGULAR,
        "countries": {countries["sierra_leone"]: BENEFICIARY},
        "themes": [make_theme("Health")],
        "sdgs": [sdgs[3]],
    }
    make_initiative("Matches everything", **everything)
    for title, wrong in [
        ("Wrong modality", {"modality": Modality.BILATERAL}),
        ("Wrong region", {"countries": {countries["cambodia"]: BENEFICIARY}}),
        ("Wrong theme", {"themes": []}),
        ("Wrong goal", {"sdgs": [sdgs[2]]}),
    ]:
        make_initiative(title, **{**everything, **wrong})

    response = client.get(
        LIST_URL,
        {
            "region": "africa",
            "group": "ldc",
            "modality": "triangular",
            "theme": "health",
            "sdg": "3",
            "country": "SL",
        },
    )

    assert titles(response) == {"Matches everything"}


# --- Only published case studies ---------------------------------------------------------------


def test_only_published_case_studies_are_listed(client, make_initiative, countries, make_theme):
    health = make_theme("Health")
    common = {"countries": {countries["kenya"]: BENEFICIARY}, "themes": [health]}
    make_initiative("Published", **common)
    make_initiative("Draft", status=Status.DRAFT, **common)
    make_initiative("In review", status=Status.IN_REVIEW, **common)
    make_initiative("Scheduled", published_at=timezone.now() + timedelta(days=2), **common)
    make_initiative(
        "Draft with a date",
        status=Status.DRAFT,
        published_at=datetime(2020, 1, 1, tzinfo=UTC),
        **common,
    )

    unfiltered = client.get(LIST_URL)
    filtered = client.get(LIST_URL, {"region": "africa", "theme": "health", "country": "KE"})
    searched = client.get(LIST_URL, {"q": "draft"})

    assert titles(unfiltered) == {"Published"}
    assert titles(filtered) == {"Published"}
    assert titles(searched) == set()
    for response in (unfiltered, filtered, searched):
        for hidden in ("Draft", "In review", "Scheduled"):
            assertNotContains(response, f">{hidden}<")


# --- Pagination --------------------------------------------------------------------------------


def test_the_list_shows_twenty_case_studies_a_page_and_the_rest_on_page_two(
    client, make_initiative
):
    for number in range(25):
        make_initiative(f"Case {number:02d}")

    first = client.get(LIST_URL)
    second = client.get(LIST_URL, {"page": "2"})

    assert len(titles(first)) == 20
    assert len(titles(second)) == 5
    assert titles(first) | titles(second) == {f"Case {number:02d}" for number in range(25)}
    assertContains(first, "Page 1 of 2")
    assertContains(second, "Page 2 of 2")


def test_pagination_links_keep_the_filters(client, make_initiative):
    for number in range(21):
        make_initiative(f"Triangular {number:02d}", modality=Modality.TRIANGULAR)
    make_initiative("Bilateral", modality=Modality.BILATERAL)

    first = client.get(LIST_URL, {"modality": "triangular", "sort": "title"})
    assertContains(first, 'href="?modality=triangular&amp;sort=title&amp;page=2" rel="next"')

    second = client.get(LIST_URL, {"modality": "triangular", "sort": "title", "page": "2"})
    assert ordered_titles(second) == ["Triangular 20"]
    assertContains(second, 'href="?modality=triangular&amp;sort=title&amp;page=1" rel="prev"')


def test_a_page_past_the_end_is_not_found(client, make_initiative):
    make_initiative("Only one")

    assert client.get(LIST_URL, {"page": "999999"}).status_code == 404


def test_one_page_of_results_shows_no_pagination(client, make_initiative):
    make_initiative("Only one")

    response = client.get(LIST_URL)

    assertNotContains(response, 'class="pagination"')


# --- Result count ------------------------------------------------------------------------------


def test_the_page_says_how_many_case_studies_match(client, make_initiative):
    for number in range(23):
        make_initiative(f"Case {number}", modality=Modality.TRIANGULAR)
    make_initiative("Bilateral", modality=Modality.BILATERAL)

    assertContains(client.get(LIST_URL), "24 case studies")
    assertContains(client.get(LIST_URL, {"modality": "triangular", "page": "2"}), "23 case studies")
    assertContains(client.get(LIST_URL, {"modality": "bilateral"}), "1 case study<")
    assertContains(client.get(LIST_URL, {"modality": "regional"}), "0 case studies")


# --- Active filter summary ---------------------------------------------------------------------


def test_the_summary_shows_each_active_filter_with_a_link_that_removes_only_it(
    client, make_initiative, make_theme, countries
):
    health = make_theme("Health")
    make_initiative("Health in Kenya", countries={countries["kenya"]: BENEFICIARY}, themes=[health])
    make_initiative("Health in Cambodia", countries={countries["cambodia"]: BENEFICIARY})
    make_initiative(
        "Health in Cambodia too", countries={countries["cambodia"]: BENEFICIARY}, themes=[health]
    )

    response = client.get(
        LIST_URL, {"region": "africa", "theme": "health", "sort": "title", "page": "1"}
    )

    assert titles(response) == {"Health in Kenya"}
    links = chips(response)
    assert set(links) == {"Region: Africa", "Theme: Health"}
    assert links["Region: Africa"] == "/initiatives/?theme=health&sort=title"
    assert links["Theme: Health"] == "/initiatives/?region=africa&sort=title"
    assertContains(response, '<a href="/initiatives/">Clear all filters</a>', count=2)

    without_region = client.get(links["Region: Africa"])
    assert titles(without_region) == {"Health in Kenya", "Health in Cambodia too"}
    assert set(chips(without_region)) == {"Theme: Health"}


def test_the_summary_names_choices_by_their_labels(client, make_initiative, countries, sdgs):
    make_initiative(
        "Everything",
        modality=Modality.TRIANGULAR,
        project_status=ProjectStatus.ONGOING,
        countries={countries["mali"]: BENEFICIARY},
        sdgs=[sdgs[16]],
        start_year=2015,
    )

    response = client.get(
        LIST_URL,
        {
            "q": "everything",
            "country": "ML",
            "group": "lldc",
            "modality": "triangular",
            "sdg": "16",
            "status": "ongoing",
            "year_from": "2016",
            "year_to": "2020",
        },
    )

    assert titles(response) == {"Everything"}
    assert set(chips(response)) == {
        "Search: everything",
        "Country: Mali",
        "Beneficiary group: Landlocked developing countries",
        "Modality: Triangular",
        "Sustainable Development Goal: Goal 16: Goal name 16",
        "Project status: Ongoing",
        "Active from (year): 2016",
        "Active until (year): 2020",
    }


def test_the_last_filter_removed_leads_back_to_the_plain_list(client, make_initiative):
    make_initiative("Triangular", modality=Modality.TRIANGULAR)

    response = client.get(LIST_URL, {"modality": "triangular"})

    assert chips(response) == {"Modality: Triangular": "/initiatives/"}


def test_an_unfiltered_list_has_no_filter_summary_and_no_clear_link(client, make_initiative):
    make_initiative("Anything")

    response = client.get(LIST_URL)

    assert chips(response) == {}
    assertNotContains(response, "Clear all filters")


def test_sorting_alone_is_not_shown_as_an_active_filter(client, make_initiative):
    make_initiative("Anything")

    response = client.get(LIST_URL, {"sort": "title"})

    assert chips(response) == {}
    assertNotContains(response, 'class="active-filters"')


# --- The form ----------------------------------------------------------------------------------


def test_the_filter_form_is_a_plain_get_form_that_needs_no_javascript(client, make_initiative):
    make_initiative("Anything")

    response = client.get(LIST_URL)
    page = response.content.decode()

    assertContains(response, '<form method="get" action="/initiatives/"')
    assertContains(response, '<button type="submit" class="button">Apply filters</button>')
    for name in (
        "q",
        "region",
        "country",
        "group",
        "modality",
        "theme",
        "sdg",
        "status",
        "year_from",
        "year_to",
        "sort",
    ):
        assert f'name="{name}"' in page, name
    # The page's one script only adds event times in the visitor's zone; the form needs none.
    scripts = re.findall(r"<script[^>]*>", page)
    assert len(scripts) == 1 and 'src="/static/js/local-time.js"' in scripts[0], scripts
    assert 'method="post"' not in page.lower()


def test_the_form_shows_the_filters_that_apply(client, make_initiative, regions):
    make_initiative("Anything", regions=[regions["africa"]])

    response = client.get(LIST_URL, {"region": "africa", "q": "any"})

    # Beside each option, how many of the result it would keep (test_list_charts.py).
    assertContains(response, '<option value="africa" selected>Africa (1)</option>', html=True)
    assertContains(response, 'value="any"')


def test_sub_regions_are_indented_under_their_region_in_the_choices(client, regions):
    response = client.get(LIST_URL)

    assertContains(
        response,
        '<option value="western-africa">\u2003\u2003Western Africa (0)</option>',
        html=True,
    )


@pytest.mark.parametrize(
    ("query", "invalid"),
    [
        ({"theme": "no-such-theme", "modality": "triangular"}, "theme"),
        ({"region": "atlantis", "modality": "triangular"}, "region"),
        ({"year_from": "abc", "modality": "triangular"}, "year_from"),
        ({"year_to": "1800", "modality": "triangular"}, "year_to"),
        ({"sdg": "18", "modality": "triangular"}, "sdg"),
        ({"group": "g77", "modality": "triangular"}, "group"),
        ({"sort": "random", "modality": "triangular"}, "sort"),
    ],
)
def test_an_invalid_filter_is_reported_and_left_out_while_the_valid_ones_apply(
    client, make_initiative, make_theme, sdgs, query, invalid
):
    make_theme("Health")
    make_initiative("Triangular", modality=Modality.TRIANGULAR, start_year=2010, end_year=2012)
    make_initiative("Bilateral", modality=Modality.BILATERAL)

    response = client.get(LIST_URL, query)

    assert response.status_code == 200
    assert titles(response) == {"Triangular"}
    assert set(response.context["filter"].form.errors) == {invalid}
    assertContains(response, "Some filters could not be used and were left out.")
    assertContains(response, 'class="field-errors"', count=1)
    assert set(chips(response)) == {"Modality: Triangular"}


def test_the_extra_filters_are_folded_away_until_one_of_them_is_used(client, make_initiative):
    make_initiative("Anything", modality=Modality.TRIANGULAR)

    plain = client.get(LIST_URL, {"q": "any", "sort": "title"}).content.decode()
    in_use = client.get(LIST_URL, {"modality": "triangular"}).content.decode()
    wrong = client.get(LIST_URL, {"year_from": "abc"}).content.decode()

    assert '<details class="more-filters">' in plain
    assert '<details class="more-filters" open>' in in_use
    assert '<details class="more-filters" open>' in wrong


def test_editors_see_only_published_case_studies_in_the_list(admin_client, make_initiative):
    make_initiative("Published")
    make_initiative("Draft", status=Status.DRAFT)
    make_initiative("Scheduled", published_at=timezone.now() + timedelta(days=1))

    assert titles(admin_client.get(LIST_URL)) == {"Published"}


def test_the_filter_summary_on_an_arabic_list_stays_in_arabic(client, make_initiative, regions):
    make_initiative("Anything", regions=[regions["africa"]], modality=Modality.TRIANGULAR)

    response = client.get("/ar/initiatives/", {"region": "africa", "modality": "triangular"})

    assert response.status_code == 200
    assert sorted(item["remove_url"] for item in response.context["active_filters"]) == [
        "/ar/initiatives/?modality=triangular",
        "/ar/initiatives/?region=africa",
    ]
    assertContains(response, '<a href="/ar/initiatives/">')

"""The public pages make a fixed number of SQL queries, however many case studies there are.

Run with `pytest -s` to see the counts.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import choice_cache
from devtools.samples import count_queries, needs_postgresql
from initiatives.models import CountryRole, OrganisationRole

MAX_QUERIES = 10
FILTERED_LIST = "/initiatives/?region=africa&theme=health&sdg=3&country=SL&sort=title"

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_full_cases(
    make_initiative, make_theme, make_organisation, countries, regions, sdgs, source
):
    """make_full_cases(n): n featured case studies, each with two countries, a region, two themes,
    two goals, an organisation and a source, all matching FILTERED_LIST."""
    themes = [make_theme("Health"), make_theme("Water")]
    organisation = make_organisation("United Nations Development Programme", "UNDP")

    def make(number):
        return [
            make_initiative(
                featured=True,
                countries={
                    countries["sierra_leone"]: CountryRole.BENEFICIARY,
                    countries["kenya"]: CountryRole.PROVIDER,
                },
                organisations={organisation: OrganisationRole.IMPLEMENTING},
                regions=[regions["western_africa"]],
                themes=themes,
                sdgs=[sdgs[3], sdgs[16]],
                sources=[source],
                challenge="A challenge.",
                start_year=2015,
                end_year=2020,
            )
            for _ in range(number)
        ]

    return make


def listed(response, context_name="object_list"):
    return len(response.context[context_name])


@pytest.mark.parametrize("url", ["/initiatives/", FILTERED_LIST], ids=["plain", "filtered"])
def test_the_list_makes_the_same_few_queries_for_one_and_for_fifty_case_studies(
    client, make_full_cases, url
):
    make_full_cases(1)
    with_one, response = count_queries(client, url)
    assert listed(response) == 1
    assert not response.context["filter"].form.errors

    make_full_cases(49)
    with_fifty, response = count_queries(client, url)
    assert listed(response) == 20
    assert response.context["paginator"].count == 50

    print(f"\nlist {url}: {with_one} queries with 1 case study, {with_fifty} with 50")
    assert with_one == with_fifty
    assert with_fifty <= MAX_QUERIES


def test_a_filter_in_use_adds_no_query_beyond_the_unfiltered_list(client, make_full_cases):
    make_full_cases(3)

    unfiltered, _ = count_queries(client, "/initiatives/")
    filtered, _ = count_queries(client, FILTERED_LIST)

    print(f"\nlist: {unfiltered} queries unfiltered, {filtered} filtered")
    assert filtered == unfiltered


def test_filter_choices_are_loaded_once_and_again_after_a_change(
    client, make_full_cases, make_theme
):
    make_full_cases(3)
    choice_cache.content_state()  # the publication moments: loaded once, by any page
    cold, _ = count_queries(client, "/initiatives/", warm=False)
    warm, _ = count_queries(client, "/initiatives/", warm=False)
    # Kept: the choices (regions, countries, themes, goals, targets), the result's figures and
    # count and the cards with their countries and regions; left: the page's case studies.
    assert warm == cold - 9
    assert warm == 1

    make_theme("Fisheries")
    after_change, response = count_queries(client, "/initiatives/", warm=False)

    assert after_change == cold
    assert '<option value="fisheries">Fisheries (0)</option>' in response.content.decode()
    print(f"\nlist: {cold} queries with choices to load, {warm} with choices loaded")
    assert cold <= MAX_QUERIES


def test_the_second_page_makes_as_few_queries_as_the_first(client, make_full_cases):
    make_full_cases(50)

    first, _ = count_queries(client, "/initiatives/")
    second, response = count_queries(client, "/initiatives/?page=2")

    assert listed(response) == 20
    assert second == first


def test_the_case_study_page_makes_the_same_few_queries_for_one_and_for_fifty_case_studies(
    pages_written_afresh, client, make_full_cases
):
    (first,) = make_full_cases(1)
    with_one, response = count_queries(client, first.get_absolute_url())
    assert response.context["related"] == []

    make_full_cases(49)
    with_fifty, response = count_queries(client, first.get_absolute_url())
    assert len(response.context["related"]) == 3

    print(f"\ndetail: {with_one} queries with 1 case study, {with_fifty} with 50")
    assert with_one == with_fifty
    assert with_fifty <= MAX_QUERIES


def test_the_home_page_makes_the_same_few_queries_for_one_and_for_fifty_case_studies(
    client, make_full_cases
):
    make_full_cases(1)
    with_one, response = count_queries(client, "/")
    assert listed(response, "featured") == 1

    make_full_cases(49)
    with_fifty, response = count_queries(client, "/")
    assert listed(response, "featured") == 6

    print(f"\nhome: {with_one} queries with 1 case study, {with_fifty} with 50")
    assert with_one == with_fifty
    assert with_fifty <= MAX_QUERIES


def test_the_countries_with_a_case_study_are_found_once_for_every_language(
    client, make_full_cases, make_initiative, countries
):
    """Which countries have a published case study is kept in the shared cache: a page in
    another language, or another process, reads the countries by id and does not look through
    the case studies again; a change finds them afresh."""
    from initiatives.filters import published_initiative_countries

    make_full_cases(2)
    choice_cache.content_state()
    with CaptureQueriesContext(connection) as first:
        found = {country.iso2 for country in published_initiative_countries()}
    choice_cache.forget_choices()  # as another process
    with CaptureQueriesContext(connection) as again:
        assert {country.iso2 for country in published_initiative_countries()} == found
    assert "initiatives_initiativecountry" in first.captured_queries[0]["sql"]
    assert len(again) == 1
    assert "initiatives_initiativecountry" not in again.captured_queries[0]["sql"]

    assert "ML" not in found
    make_initiative("In Mali", countries={countries["mali"]: CountryRole.BENEFICIARY})
    assert "ML" in {country.iso2 for country in published_initiative_countries()}
    response = client.get("/fr/initiatives/", {"country": "ML"})
    assert response.status_code == 200
    assert "In Mali" in response.content.decode()


@needs_postgresql
@pytest.mark.parametrize("years", [{"year_to": "2010"}, {"year_from": "2030"}])
def test_a_year_filter_is_read_from_the_list_order_index_alone(client, make_initiative, years):
    """The newest-first index holds the projects' years: a year filter whose few matches are
    the oldest case studies reads the index in the list's order, never the table (an index-only
    scan), so that passing over the newer ones costs little."""
    make_initiative("Old", start_year=2008, end_year=2011)
    make_initiative("Ongoing", start_year=2031)
    assert client.get("/initiatives/", years).status_code == 200  # counted, then kept
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/initiatives/", years)
    assert response.status_code == 200
    (page_query,) = [
        q["sql"] for q in queries if '"start_year"' in q["sql"] and "LIMIT" in q["sql"]
    ]
    with connection.cursor() as cursor:
        # The planner's choice for 100,000 rows, without their statistics: no table scan.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + page_query)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using initiative_pub_order_idx" in plan, plan

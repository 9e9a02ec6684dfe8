"""Whatever a visitor or a crawler puts in the address, the public pages answer 200 or 404,
never 500. The test client re-raises any exception a view lets through, so a server error fails
the test."""

import re

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from initiatives.models import CountryRole, Modality

LIST_URL = "/initiatives/"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def some_content(make_initiative, make_theme, countries, regions, sdgs):
    make_initiative(
        "Published case",
        slug="published-case",
        modality=Modality.TRIANGULAR,
        countries={countries["kenya"]: CountryRole.BENEFICIARY},
        regions=[regions["africa"]],
        themes=[make_theme("Health")],
        sdgs=[sdgs[3]],
        start_year=2015,
        end_year=2018,
    )


HOSTILE_QUERIES = [
    # Unknown codes.
    "region=atlantis",
    "region=../../etc/passwd",
    "region=%2e%2e%2f%2e%2e%2fetc",
    "country=ZZ",
    "country=kenya",
    "country=ke",
    "theme=no-such-theme",
    "theme=health%27",
    "sdg=abc",
    "sdg=99",
    "sdg=0",
    "sdg=-3",
    "sdg=3.0",
    "sdg=",
    "group=g77",
    "status=cancelled",
    "modality=unilateral",
    # Years out of range or not numbers.
    "year_from=abc",
    "year_from=99999999999999999999999",
    "year_from=1e4",
    "year_to=-1",
    "year_to=0x7E0",
    "year_from=2020&year_to=2010",
    # Pages.
    "page=0",
    "page=-1",
    "page=abc",
    "page=999999",
    "page=1e9",
    "page=99999999999999999999999999",
    "page=last",
    "page=",
    # Text that databases or templates might choke on.
    "q=%00",
    "q=abc%00def",
    "region=%00",
    "country=%00",
    "year_from=%00",
    "q=%27%20OR%201%3D1%20--",
    "q=1%27%3B%20DROP%20TABLE%20initiatives_initiative%3B%20--",
    "q=%25%25%25_",
    "q=%5C",
    "sdg=1%20OR%201%3D1",
    "region=africa%27%20OR%20%271%27%3D%271",
    "sort=evil",
    "sort=-published_at",
    "sort=title%3BDROP",
    "modality=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    # Repeated, empty and unknown parameters.
    "sdg=1&sdg=2",
    "sdg=3&sdg=3&sdg=abc",
    "region=africa&region=asia",
    "page=1&page=2",
    "q=&region=&country=&sort=",
    "unknown=1&another[]=2",
    "region[]=africa",
    "&&&==&",
    # Unicode, right-to-left and combining text.
    "q=%D8%A7%D9%84%D8%AA%D8%B9%D8%A7%D9%88%D9%86",
    "q=%E2%80%AE%E2%80%8Fevil%E2%80%AC",
    "q=%E5%8D%97%E5%8D%97%E5%90%88%E4%BD%9C",
    "q=%F0%9F%92%A9",
    "q=e%CC%81%CC%81%CC%81",
    "q=%FF%FE",
    "region=%D8%A3%D9%81%D8%B1%D9%8A%D9%82%D9%8A%D8%A7",
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_the_list_answers_hostile_query_strings_without_a_server_error(client, query):
    response = client.get(f"{LIST_URL}?{query}")

    assert response.status_code in (200, 404)


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_the_arabic_list_answers_hostile_query_strings_without_a_server_error(client, query):
    """The language menu rebuilds the address with each query string: it must cope too."""
    response = client.get(f"/ar{LIST_URL}?{query}")

    assert response.status_code in (200, 404)


@pytest.mark.parametrize(
    "query", ["page=0", "page=-1", "page=abc", "page=999999", "page=1e9", "page=2"]
)
def test_a_page_that_does_not_exist_is_not_found(client, query):
    response = client.get(f"{LIST_URL}?{query}")

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("sdg=abc", "sdg"),
        ("sdg=99", "sdg"),
        ("year_from=abc", "year_from"),
        ("year_from=99999999999999999999999", "year_from"),
        ("year_to=-1", "year_to"),
        ("region=../../etc", "region"),
        ("q=" + "a" * 10_000, "q"),
        ("q=%00", "q"),
        ("sort=evil", "sort"),
        ("modality=%3Cscript%3E", "modality"),
    ],
)
def test_an_unusable_value_is_a_form_error_on_an_otherwise_normal_page(client, query, field):
    response = client.get(f"{LIST_URL}?{query}")

    assert response.status_code == 200
    assert field in response.context["filter"].form.errors
    assert [i.title for i in response.context["object_list"]] == ["Published case"]


def test_a_very_long_search_is_refused_as_a_form_error(client):
    response = client.get(LIST_URL, {"q": "solar " * 2000})

    assert response.status_code == 200
    assert "q" in response.context["filter"].form.errors
    assertContains(response, "Ensure this value has at most 200 characters")


def test_a_search_of_sql_text_finds_nothing_and_changes_nothing(client):
    response = client.get(LIST_URL, {"q": "' OR 1=1 --"})

    assert response.status_code == 200
    assert list(response.context["object_list"]) == []
    assert client.get(LIST_URL).context["paginator"].count == 1


def test_percent_and_underscore_in_a_search_are_taken_literally(client):
    assert client.get(LIST_URL, {"q": "%"}).context["paginator"].count == 0
    assert client.get(LIST_URL, {"q": "_"}).context["paginator"].count == 0


def test_the_last_of_repeated_parameters_applies(client):
    response = client.get(f"{LIST_URL}?sdg=2&sdg=3")

    assert response.status_code == 200
    assert [i.title for i in response.context["object_list"]] == ["Published case"]
    assert not response.context["filter"].form.errors


@pytest.mark.parametrize(
    "query",
    [
        "modality=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "q=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "region=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "year_from=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "modality=triangular&x=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    ],
)
def test_markup_in_the_query_string_is_never_reflected_unescaped(client, query):
    for path in (LIST_URL, f"/fr{LIST_URL}"):
        response = client.get(f"{path}?{query}")

        assert response.status_code == 200
        # The only script is the portal's own file; nothing from the address became one.
        scripts = re.findall(rb"<script[^>]*>", response.content)
        assert len(scripts) == 1 and b'src="/static/js/local-time.js"' in scripts[0], scripts
        assertNotContains(response, "alert(1)</")


def test_a_rejected_modality_is_shown_escaped_in_its_error(client):
    response = client.get(LIST_URL, {"modality": "<script>alert(1)</script>"})

    assert response.status_code == 200
    assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")


def test_right_to_left_text_in_a_search_is_kept_and_escaped(client):
    search = "\u202eevil\u202c التعاون"

    response = client.get(LIST_URL, {"q": search})

    assert response.status_code == 200
    assert response.context["filter"].form.cleaned_data["q"] == search
    assertContains(response, f'value="{search}"')


@pytest.mark.parametrize(
    "path",
    [
        "/initiatives/no-such-case/",
        "/initiatives/published-case-/",
        "/initiatives/PUBLISHED-CASE/",
        "/initiatives/published%20case/",
        "/initiatives/published-case%00/",
        "/initiatives/%00/",
        "/initiatives/..%2F..%2Fetc%2Fpasswd/",
        "/initiatives/%2e%2e/",
        "/initiatives/%27%20OR%201%3D1--/",
        "/initiatives/%3Cscript%3E/",
        "/initiatives/%D8%A7%D9%84%D8%AA%D8%B9%D8%A7%D9%88%D9%86/",
        "/initiatives/%F0%9F%92%A9/",
        "/initiatives/%FF%FE/",
        "/initiatives/%E2%80%AEesac-dehsilbup/",
        "/initiatives/published-case/extra/",
        "/initiatives/" + "a" * 5000 + "/",
        "/ar/initiatives/no-such-case/",
        "/zh-hans/initiatives/%00/",
        "/xx/initiatives/published-case/",
    ],
)
def test_an_odd_case_study_address_is_not_found(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assertNotContains(response, "<script>", status_code=404)


def test_the_published_case_study_is_found_for_comparison(client):
    assert client.get("/initiatives/published-case/").status_code == 200


def test_too_many_parameters_are_refused_as_a_bad_request(client):
    query = "&".join(f"q{number}=x" for number in range(2500))

    response = client.get(f"{LIST_URL}?{query}")

    assert response.status_code == 400


def test_a_nul_byte_search_is_refused_before_it_reaches_the_database(client):
    response = client.get(LIST_URL, {"q": "health\x00"})

    assert response.status_code == 200
    assertContains(response, "Null characters are not allowed.")


def test_a_year_that_is_not_a_number_stays_in_its_box_beside_the_error(client):
    response = client.get(LIST_URL, {"year_from": "abc"})

    assert response.status_code == 200
    html = response.content.decode()
    (box,) = re.findall(r'<input[^>]*name="year_from"[^>]*>', html)
    assert 'value="abc"' in box
    assert 'inputmode="numeric"' in box
    assert 'type="text"' in box
    assert "year_from" in response.context["filter"].form.errors
    assert 'type="number"' not in html  # "abc" would be an invalid value of a number input

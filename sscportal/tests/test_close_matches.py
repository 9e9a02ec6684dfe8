"""A search tolerates a typo: when nothing matches the words as typed, PostgreSQL brings the
close matches of a title in any language, or of the name of a case study's country, and the page
says so (publishing/search.py). On the case-study list and in the site search, through the test
client. SQLite has no such fallback: its test checks that it goes on as before."""

import csv
import io

import pytest
from django.db import connection

from devtools.samples import count_queries, needs_postgresql
from initiatives.models import CountryRole

LIST_URL = "/initiatives/"
SEARCH_URL = "/search/"
NOTICE = "showing close matches"
pytestmark = pytest.mark.django_db

needs_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="SQLite has no close matches: run without DATABASE_URL",
)


@pytest.fixture
def cases(make_initiative, make_publication, countries, make_country):
    armenia = make_country("Armenia", "AM")
    return {
        "ebola": make_initiative(
            "Responding to the Ebola outbreak in West Africa",
            countries={countries["sierra_leone"]: CountryRole.BENEFICIARY},
        ),
        # In Kenya, and not saying so in its title.
        "kenya": make_initiative(
            "Electronic health records for rural clinics",
            countries={countries["kenya"]: CountryRole.BENEFICIARY},
        ),
        # "Kenia" is as close to "Armenia" as to "Kenya" by word similarity (0.5 each), not by
        # strict word similarity (0.27 against 0.33): the names' threshold leaves it out.
        "armenia": make_initiative(
            "Dairy value chains in the highlands",
            countries={armenia: CountryRole.BENEFICIARY},
        ),
        "cooperation": make_initiative(
            "Triangular cooperation on rice seed banks",
            countries={countries["colombia"]: CountryRole.PROVIDER},
        ),
        # Found by its Spanish title.
        "cooperacion": make_initiative(
            "Mobile clinics for remote villages",
            title_es="Cooperación Sur-Sur con clínicas móviles",
            countries={countries["chile"]: CountryRole.PROVIDER},
        ),
        "publication": make_publication("Lessons from the Ebola response"),
    }


def listed(client, query):
    response = client.get(LIST_URL, {"q": query})
    assert response.status_code == 200
    return response, [record.title for record in response.context["object_list"]]


def searched(client, query):
    response = client.get(SEARCH_URL, {"q": query})
    assert response.status_code == 200
    return response, [result["object"].title for result in response.context["results"]]


def notice_shown(response):
    html = response.content.decode()
    return NOTICE in html and 'role="status"' in html


@needs_postgresql
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ebolla", ["ebola"]),
        ("Kenia", ["kenya"]),
        ("cooperacion", ["cooperation", "cooperacion"]),
    ],
)
def test_a_misspelt_word_finds_its_case_studies_with_a_notice(client, cases, query, expected):
    response, titles = listed(client, query)

    assert sorted(titles) == sorted(cases[name].title for name in expected)
    assert notice_shown(response)
    assert f"No exact match for “{query}”" in response.content.decode()


@needs_postgresql
def test_the_closest_title_comes_first(client, cases, make_initiative):
    make_initiative("Ebolavirus preparedness in health facilities")

    _response, titles = listed(client, "ebolla")

    assert titles[0] == cases["ebola"].title
    assert "Ebolavirus preparedness in health facilities" in titles


@needs_postgresql
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ebolla", ["ebola", "publication"]),
        ("Kenia", ["kenya"]),
        ("cooperacion", ["cooperation", "cooperacion"]),
    ],
)
def test_the_site_search_finds_close_matches_of_every_kind(client, cases, query, expected):
    response, titles = searched(client, query)

    assert sorted(titles) == sorted(cases[name].title for name in expected)
    assert response.context["paginator"].count == len(expected)
    assert notice_shown(response)


@needs_postgresql
@pytest.mark.parametrize("url", [LIST_URL, SEARCH_URL])
def test_an_exact_word_is_found_by_full_text_without_a_notice(client, cases, url):
    response = client.get(url, {"q": "Ebola"})

    assert response.status_code == 200
    assert cases["ebola"].title in response.content.decode()
    assert not notice_shown(response)


@needs_postgresql
def test_close_matches_wait_while_anything_matches_exactly(client, cases, make_initiative):
    """ "cooperacion" finds a case study that has the word as written: the ones that only come
    close stay out."""
    make_initiative("Red de cooperacion agricola")

    response, titles = listed(client, "cooperacion")

    assert titles == ["Red de cooperacion agricola"]
    assert not notice_shown(response)


@needs_postgresql
@pytest.mark.parametrize("url", [LIST_URL, SEARCH_URL])
def test_nonsense_finds_nothing_and_shows_the_usual_empty_state(client, cases, url):
    response = client.get(url, {"q": "xqzzv"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="empty"' in html
    assert not notice_shown(response)


@needs_postgresql
def test_close_matches_keep_the_other_filters(client, cases, countries):
    _response, titles = listed(client, "ebolla")
    assert titles == [cases["ebola"].title]

    response = client.get(LIST_URL, {"q": "ebolla", "country": "KE"})
    assert response.status_code == 200
    assert list(response.context["object_list"]) == []


@needs_postgresql
@pytest.mark.parametrize("url", [LIST_URL, SEARCH_URL])
def test_close_matches_cost_two_queries_more_only_when_nothing_matches(client, cases, url):
    client.get(url)  # what a process loads once is loaded
    client.get(url, {"q": "xqzzv"})  # the search words are written for this content state
    # The first request for each search: the close matches are looked for after the search
    # found nothing, two queries more (the words close to the query's, and the count of
    # what a search for them finds).
    exact_first, _ = count_queries(client, f"{url}?q=Ebola", warm=False)
    close_first, response = count_queries(client, f"{url}?q=ebolla", warm=False)
    nothing_first, _ = count_queries(client, f"{url}?q=xqzzv", warm=False)
    # Asked again: the lists' counts are kept for the content version (core/choice_cache.py),
    # so that a list knows at once that the search as typed found nothing, and the words close
    # to the query's are kept too: the list makes no query more than for an exact search, the
    # site search one (its counts of what the close words find).
    exact, _ = count_queries(client, f"{url}?q=Ebola")
    close, _ = count_queries(client, f"{url}?q=ebolla")

    assert notice_shown(response)
    assert close_first == exact_first + 2
    assert nothing_first <= exact_first + 1
    assert close == exact + (1 if url == SEARCH_URL else 0)


@pytest.mark.parametrize(
    "query",
    [
        "%",
        "_",
        "%_%",
        "'",
        '"',
        "''; --",
        "a%b_c",
        "ebo%",
        "«»‹›“”",
        "!!! ??? ***",
        "x" * 200,
        "ebolla " * 28,
        "xqzzv\x00",
    ],
)
@pytest.mark.parametrize("url", [LIST_URL, SEARCH_URL])
def test_odd_input_is_answered(client, cases, url, query):
    assert client.get(url, {"q": query}).status_code == 200


@needs_sqlite
def test_sqlite_searches_words_as_typed(client, cases):
    response, titles = listed(client, "ebolla")

    assert titles == []
    assert not notice_shown(response)
    _response, titles = listed(client, "Ebola")
    assert titles == [cases["ebola"].title]


@needs_postgresql
def test_a_download_holds_the_close_matches_the_list_shows(client, cases):
    """A filter means the same on the page and in its download: the records shown instead of
    nothing are the records downloaded."""

    response = client.get("/initiatives/download.csv", {"q": "ebolla"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [row["title"] for row in rows] == [cases["ebola"].title]

    nothing = client.get("/initiatives/download.csv", {"q": "xqzzv"})
    assert len(b"".join(nothing.streaming_content).decode("utf-8-sig").splitlines()) == 1

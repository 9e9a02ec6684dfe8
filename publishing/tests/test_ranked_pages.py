"""A search's pages in the order of relevance (publishing/search.py, PostgreSQL): the records
whose title holds the words first, then the others, newest first in each; read by parts, one
index order each, once the matches are many (RANKED_ALL), in the same order as when every
match is ranked at once."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from devtools.samples import needs_postgresql, titles_found
from publishing import search

LIST_URL = "/initiatives/"
pytestmark = [pytest.mark.django_db, needs_postgresql]


@pytest.fixture
def fisheries(make_initiative):
    """23 case studies about fisheries, 7 with the word in their title, their dates interleaved
    so that relevance and date disagree; 2 about something else. Returns the titles in the
    order of relevance."""
    now = timezone.now()
    in_title, in_body = [], []
    for number in range(23):
        published_at = now - timedelta(days=number + 1)
        if number % 3 == 1:
            title = f"Fisheries registries {number:02}"
            make_initiative(title, published_at=published_at)
            in_title.append(title)
        else:
            title = f"Peer learning {number:02}"
            make_initiative(title, published_at=published_at, results="Fisheries were mapped.")
            in_body.append(title)
    make_initiative("Solar mini-grids", results="Villages were lit.")
    make_initiative("Seed banks", published_at=now - timedelta(days=2))
    return in_title + in_body


def pages(client, query):
    return titles_found(client, LIST_URL, query) + titles_found(client, LIST_URL, query, page=2)


@pytest.mark.parametrize("ranked_all", [0, 10_000], ids=["by-parts", "all-at-once"])
def test_a_search_lists_title_matches_first_then_the_others_newest_first(
    client, fisheries, monkeypatch, ranked_all
):
    monkeypatch.setattr(search, "RANKED_ALL", ranked_all)

    assert pages(client, "fisheries") == fisheries
    # An older record whose title holds the word comes before a newer one whose body does.
    assert fisheries.index("Fisheries registries 22") < fisheries.index("Peer learning 00")


def test_a_page_read_by_parts_is_one_query_that_reads_an_index_order(
    client, fisheries, monkeypatch
):
    monkeypatch.setattr(search, "RANKED_ALL", 0)
    client.get(LIST_URL, {"q": "fisheries", "page": 2})  # the count and the fragments kept

    with CaptureQueriesContext(connection) as queries:
        assert titles_found(client, LIST_URL, "fisheries", page=2) == fisheries[20:]

    (page_query,) = [query["sql"] for query in queries if "initiatives_initiative" in query["sql"]]
    assert "UNION" in page_query
    # Each part reads no further than the page goes: page 2 ends at the 23rd and last record.
    assert page_query.count("LIMIT 23)") == 2
    assert page_query.endswith("LIMIT 3 OFFSET 20")


def test_a_sort_the_reader_chooses_replaces_the_relevance(client, fisheries, monkeypatch):
    monkeypatch.setattr(search, "RANKED_ALL", 0)

    newest = titles_found(client, LIST_URL, "fisheries", sort="newest")

    assert newest[:3] == ["Peer learning 00", "Fisheries registries 01", "Peer learning 02"]


def test_a_search_matching_nothing_in_titles_lists_the_others_newest_first(
    client, fisheries, monkeypatch
):
    monkeypatch.setattr(search, "RANKED_ALL", 0)

    assert titles_found(client, LIST_URL, "mapped")[:3] == [
        "Peer learning 00",
        "Peer learning 02",
        "Peer learning 03",
    ]


def test_the_api_reads_a_search_by_parts_in_the_same_order(client, fisheries, monkeypatch):
    monkeypatch.setattr(search, "RANKED_ALL", 0)

    response = client.get("/api/v1/case-studies/", {"q": "fisheries", "page_size": 10, "page": 2})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(fisheries)
    assert [record["title"] for record in body["results"]] == fisheries[10:20]

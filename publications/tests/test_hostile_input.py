"""Whatever a visitor or a robot puts in the address of the publication pages, the answer is a
page with form errors or a 4xx, never a server error. The test client re-raises any exception a
view lets through, so a server error fails the test."""

import pytest

from publications.models import PublicationKind

pytestmark = pytest.mark.django_db

HOSTILE_QUERIES = [
    {"q": "x" * 10_000},
    {"q": "\x00"},
    {"q": "report\x00; DROP TABLE publications_publication;"},
    {"q": "' OR 1=1 --"},
    {"q": "%_\\"},
    {"q": "a & b | !c <-> d:* 'e'"},
    {"q": "()):*&|!"},
    {"q": "«التعاون» 南南合作 Сотрудничество"},
    {"q": "\u202e\ufeff\u2028"},
    {"q": ["one", "two"]},
    {"kind": "<script>alert(1)</script>"},
    {"kind": ["report", "resolution"]},
    {"year_from": "99999999999999999999999"},
    {"year_from": "-1"},
    {"year_from": "1e5"},
    {"year_from": "2021.5"},
    {"year_to": "٢٠٢١"},
    {"year_to": "NaN"},
    {"year_from": "2030", "year_to": "1990"},
    {"publisher": "' OR 1=1 --"},
    {"publisher": "\x00"},
    {"publisher": "a" * 5000},
    {"theme": "../../etc/passwd"},
    {"sdg": "0"},
    {"sdg": "1.5"},
    {"sdg": "99999999999999999999999"},
    {"language": "xx"},
    {"language": "EN"},
    {"unknown": "parameter"},
]


@pytest.fixture
def some_publications(make_publication, make_organisation):
    unossc = make_organisation("UNOSSC")
    make_publication("A compendium", kind=PublicationKind.COMPENDIUM, publishers=[unossc])
    make_publication("A resolution", kind=PublicationKind.RESOLUTION, document_symbol="A/RES/1")


@pytest.mark.parametrize(
    "query", HOSTILE_QUERIES, ids=[str(i) for i in range(len(HOSTILE_QUERIES))]
)
def test_a_hostile_query_string_gets_a_normal_page(client, some_publications, query):
    response = client.get("/publications/", query)

    assert response.status_code == 200


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999", "1e9", "9" * 40, "\x00"])
def test_a_page_number_out_of_range_is_a_404(client, some_publications, page):
    response = client.get("/publications/", {"page": page})

    assert response.status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/publications/%00/",
        "/publications/..%2f..%2fetc%2fpasswd/",
        "/publications/%E2%80%AE/download/",
        "/publications/" + "a" * 2000 + "/",
        "/publications/a%0d%0aSet-Cookie:x/download/",
    ],
)
def test_a_hostile_address_is_not_found(client, db, path):
    assert client.get(path).status_code == 404

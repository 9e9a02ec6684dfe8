"""The site search (/search/): case studies, events and publications in one list; what it finds,
in what order, with what snippet, at what cost, and how it takes hostile input.

PostgreSQL-only tests (ranking, highlighting, the vectors) skip elsewhere; SQLite-only tests
(its plain matching and snippets) skip on PostgreSQL. Run the file on both."""

import itertools
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.text import slugify

from events.models import Event, EventKind
from events.search import build_search_text as event_search_text
from publications.models import Publication, PublicationKind
from publishing.models import Status
from publishing.site_search import PAGE_SIZE, highlighted, marked
from taxonomy.models import Country, Organisation, Theme

URL = "/search/"
MAX_QUERIES = 10
pytestmark = pytest.mark.django_db

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL full-text search (ranking, ts_headline, vectors): run with DATABASE_URL "
    "pointing at PostgreSQL",
)
needs_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="the SQLite fallback (plain matching, summary snippets): run without DATABASE_URL",
)

_numbers = itertools.count(1)


def _published(status, published_at, number):
    if published_at is None and status == Status.PUBLISHED:
        return timezone.now() - timedelta(days=1, minutes=number)
    return published_at


@pytest.fixture
def make_event(db):
    def make(title, *, status=Status.PUBLISHED, published_at=None, **fields):
        number = next(_numbers)
        starts_at = fields.pop("starts_at", timezone.now() + timedelta(days=30))
        fields.setdefault("summary", f"About the meeting number {number}.")
        return Event.objects.create(
            title=title,
            slug=f"{slugify(title)[:40]}-{number}",
            kind=EventKind.CONFERENCE,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            status=status,
            published_at=_published(status, published_at, number),
            **fields,
        )

    return make


@pytest.fixture
def make_publication(db):
    def make(title, *, status=Status.PUBLISHED, published_at=None, **fields):
        number = next(_numbers)
        fields.setdefault("summary", f"A document, number {number}.")
        fields.setdefault("kind", PublicationKind.REPORT)
        fields.setdefault("year", 2021)
        return Publication.objects.create(
            title=title,
            slug=f"{slugify(title)[:40]}-{number}",
            status=status,
            published_at=_published(status, published_at, number),
            **fields,
        )

    return make


@pytest.fixture
def make(make_initiative, make_event, make_publication):
    """make["initiative" | "event" | "publication"](title, body=..., **fields): `body` goes in
    the type's main text beyond the summary (challenge or description)."""

    def initiative(title, body="", **fields):
        return make_initiative(title, challenge=body, **fields)

    def event(title, body="", **fields):
        return make_event(title, description=body, **fields)

    def publication(title, body="", **fields):
        return make_publication(title, description=body, **fields)

    return {"initiative": initiative, "event": event, "publication": publication}


TYPES = ["initiative", "event", "publication"]


def search(client, query, **params):
    response = client.get(URL, {"q": query, **params})
    assert response.status_code == 200
    return response


def found(client, query, **params):
    response = search(client, query, **params)
    return [(result["type"].code, result["object"].title) for result in response.context["results"]]


# --- What it finds ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", TYPES)
def test_finds_each_type_by_a_word_of_its_title(client, make, kind):
    make[kind]("Mangrove nurseries for coastal villages")
    make[kind]("Something else entirely")

    assert found(client, "mangrove") == [(kind, "Mangrove nurseries for coastal villages")]


@pytest.mark.parametrize("kind", TYPES)
def test_finds_each_type_by_its_body_text(client, make, kind):
    make[kind]("Coastal villages", body="Fishers replanted the mangroves along the estuary.")

    assert found(client, "estuary") == [(kind, "Coastal villages")]


@pytest.mark.parametrize("kind", TYPES)
def test_finds_each_type_by_its_summary(client, make, kind):
    make[kind]("Coastal villages", summary="Seed banks kept by women farmers.")

    assert found(client, "seed banks") == [(kind, "Coastal villages")]


def test_every_word_must_match(client, make):
    make["event"]("Rice seed fair")
    make["event"]("Rice harvest festival")

    assert found(client, "rice seed") == [("event", "Rice seed fair")]


def test_the_three_types_come_in_one_list_with_their_counts(client, make):
    for kind in TYPES:
        make[kind](f"Solar energy {kind}")
    make["event"]("Solar cookers")

    response = search(client, "solar")

    assert sorted(code for code, _title in found(client, "solar")) == [
        "event",
        "event",
        "initiative",
        "publication",
    ]
    counts = {tab["type"].code: tab["count"] for tab in response.context["tabs"]}
    assert counts == {"initiative": 1, "event": 2, "publication": 1}
    assert response.context["paginator"].count == 4
    html = response.content.decode()
    assert "4 results for “solar”" in html
    assert 'Events <span class="count">(2)</span>' in html


@pytest.mark.parametrize("kind", TYPES)
def test_the_type_filter_keeps_one_type_and_the_counts_of_all(client, make, kind):
    for each in TYPES:
        make[each](f"Solar energy {each}")

    response = search(client, "solar", type=kind)

    assert found(client, "solar", type=kind) == [(kind, f"Solar energy {kind}")]
    assert response.context["paginator"].count == 1
    assert {tab["type"].code: tab["count"] for tab in response.context["tabs"]} == {
        "initiative": 1,
        "event": 1,
        "publication": 1,
    }
    # A new search from the page stays with the type chosen.
    assert f'<input type="hidden" name="type" value="{kind}">' in response.content.decode()


@pytest.mark.parametrize("kind", TYPES)
def test_only_published_records_are_found(client, make, kind):
    make[kind]("Drought insurance published")
    make[kind]("Drought insurance draft", status=Status.DRAFT)
    make[kind]("Drought insurance in review", status=Status.IN_REVIEW)
    make[kind](
        "Drought insurance scheduled",
        published_at=timezone.now() + timedelta(days=2),
    )

    assert found(client, "drought") == [(kind, "Drought insurance published")]
    response = search(client, "drought")
    assert sum(tab["count"] for tab in response.context["tabs"]) == 1


def test_each_result_links_to_its_page_with_its_type_and_date(client, make):
    initiative = make["initiative"]("Teacher exchange")
    event = make["event"]("Teacher exchange forum")
    publication = make["publication"](
        "Teacher exchange report", year=2019, issued_on=date(2019, 5, 17)
    )

    html = search(client, "teacher").content.decode()

    for record in (initiative, event, publication):
        assert f'href="{record.get_absolute_url()}"' in html
    assert '<span class="tag">Case study</span>' in html
    assert '<span class="tag">Event</span>' in html
    assert '<span class="tag">Publication</span>' in html
    assert f'<time datetime="{timezone.localtime(initiative.published_at):%Y-%m-%d}">' in html
    assert f'<time datetime="{event.local_start:%Y-%m-%d}">' in html
    assert f'<time datetime="{publication.issued_on:%Y-%m-%d}">' in html


def test_an_event_is_found_by_its_place_organisers_and_themes(client, make_event, regions):
    country = Country.objects.create(
        name="Senegal", slug="senegal", iso2="SN", iso3="SEN", m49_code="686"
    )
    organisation = Organisation.objects.create(
        name="Islamic Development Bank", slug="isdb", acronym="IsDB"
    )
    theme = Theme.objects.create(name="Agriculture", slug="agriculture")
    event = make_event("Annual meeting", venue="King Fahd Palace", city="Dakar", country=country)
    event.organisers.add(organisation)
    event.themes.add(theme)

    text = Event.objects.get(pk=event.pk).search_text
    assert text == event_search_text(event)
    for query in ["Fahd", "Dakar", "Senegal", "IsDB", "Islamic Development", "agriculture"]:
        assert found(client, query) == [("event", "Annual meeting")], query


def test_an_event_follows_edits_to_itself_and_what_it_names(client, make_event):
    organisation = Organisation.objects.create(name="Old Name Agency", slug="ona")
    theme = Theme.objects.create(name="Fisheries", slug="fisheries")
    event = make_event("Regional dialogue", city="Lima")
    assert found(client, "agency") == []

    event.organisers.add(organisation)
    assert found(client, "agency") == [("event", "Regional dialogue")]

    organisation.name = "Renamed Institute"
    organisation.save()
    assert found(client, "agency") == []
    assert found(client, "institute") == [("event", "Regional dialogue")]

    theme.events.add(event)  # from the theme's side
    assert found(client, "fisheries") == [("event", "Regional dialogue")]
    theme.events.clear()
    assert found(client, "fisheries") == []

    event.organisers.clear()
    assert found(client, "institute") == []

    event.city = "Quito"
    event.save()
    assert found(client, "lima") == []
    assert found(client, "quito") == [("event", "Regional dialogue")]


@pytest.mark.parametrize("kind", TYPES)
def test_an_edit_is_searchable_at_once(client, make, kind):
    """Save, then search: the index (the vector on PostgreSQL) follows the new words."""
    record = make[kind]("Solar pumps", summary="Energy for villages.")
    assert found(client, "pumps") == [(kind, "Solar pumps")]

    record.title = "Wind turbines"
    record.summary = "Electricity for schools."
    record.save()

    assert found(client, "turbines") == [(kind, "Wind turbines")]
    assert found(client, "schools") == [(kind, "Wind turbines")]
    assert found(client, "pumps") == []
    assert found(client, "villages") == []


def test_saving_registration_settings_alone_leaves_the_index_alone(
    make_event, django_assert_num_queries
):
    event = make_event("Side event")
    event.capacity = 40
    with django_assert_num_queries(1):  # the UPDATE, and no refresh
        event.save(update_fields=["capacity"])


# --- PostgreSQL: ranking, prefixes, highlighting -----------------------------------------------


@needs_postgresql
def test_a_title_match_ranks_above_a_body_only_match(client, make):
    make["initiative"]("Village savings groups", body="Irrigation canals were dug by hand.")
    make["event"]("Irrigation for smallholders")
    make["publication"]("Water and farming", body="On irrigation in dry lands.")

    results = found(client, "irrigation")

    assert results[0] == ("event", "Irrigation for smallholders")
    assert sorted(results[1:]) == [
        ("initiative", "Village savings groups"),
        ("publication", "Water and farming"),
    ]


@needs_postgresql
def test_a_summary_match_ranks_above_a_description_match(client, make):
    make["publication"]("Report one", body="Remittances in the corridor.")
    make["publication"]("Report two", summary="Remittances and development.")

    assert found(client, "remittances") == [
        ("publication", "Report two"),
        ("publication", "Report one"),
    ]


@needs_postgresql
def test_words_are_stemmed_and_match_as_prefixes(client, make):
    make["event"]("Irrigation workshop", summary="For farmers and their cooperatives.")

    assert found(client, "irrigated") == [("event", "Irrigation workshop")]
    assert found(client, "farm coop") == [("event", "Irrigation workshop")]
    assert found(client, "farmer's") == [("event", "Irrigation workshop")]


@needs_postgresql
def test_the_snippet_highlights_the_words_found(client, make):
    make["event"](
        "Regional dialogue",
        summary="Ministers met to talk about trade.",
        body="They agreed a plan for irrigation in the Sahel.",
    )

    response = search(client, "irrigation")
    snippet = response.context["results"][0]["snippet"]

    assert "<mark>irrigation</mark>" in snippet
    assert "<mark>irrigation</mark>" in response.content.decode()


@needs_postgresql
@pytest.mark.parametrize("kind", TYPES)
def test_markup_in_content_is_escaped_around_the_highlights(client, make, kind):
    make[kind](
        "Harmless title",
        summary='Before <script>alert("x")</script> Irrigation <b>bold</b> & <mark>fake</mark> '
        "after",
    )

    response = search(client, "irrigation")
    snippet = str(response.context["results"][0]["snippet"])
    html = response.content.decode()

    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in snippet
    assert "<mark>Irrigation</mark>" in snippet
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;mark&gt;fake&lt;/mark&gt;" in snippet
    assert "<script>alert" not in html
    assert "<b>bold</b>" not in html
    assert snippet.count("<mark>") == snippet.count("</mark>") == 1


@needs_postgresql
def test_a_title_only_match_shows_the_start_of_the_summary(client, make):
    make["event"]("Irrigation workshop", summary="Engineers from <three> regions met in Niamey.")

    snippet = str(search(client, "irrigation").context["results"][0]["snippet"])

    assert snippet.startswith("Engineers from &lt;three&gt; regions")
    assert "<mark>" not in snippet


# --- SQLite: the plain fallback ------------------------------------------------------------------


@needs_sqlite
def test_sqlite_matches_any_case_anywhere_and_snips_the_summary(client, make):
    long_summary = "Cooperatives <em>grow</em> coffee & cocoa. " + "More words here. " * 30
    yesterday = timezone.now() - timedelta(days=1)
    make["initiative"]("Coffee cooperatives", summary=long_summary, published_at=yesterday)
    make["publication"](
        "Trade report", body="On COFFEE exports.", published_at=yesterday - timedelta(hours=1)
    )

    response = search(client, "coffee")
    results = response.context["results"]

    # Newest first.
    assert [(r["type"].code, r["object"].title) for r in results] == [
        ("initiative", "Coffee cooperatives"),
        ("publication", "Trade report"),
    ]
    snippet = str(results[0]["snippet"])
    assert snippet.startswith("Cooperatives &lt;em&gt;grow&lt;/em&gt; <mark>coffee</mark> &amp;")
    assert snippet.endswith("…")
    assert len(snippet.split()) < 50
    assert "<em>grow</em>" not in response.content.decode()
    # The second was found by its description: its snippet is its summary, with no marks.
    assert "<mark>" not in str(results[1]["snippet"])


def test_highlighting_in_python_escapes_everything_but_the_marks():
    assert (
        str(highlighted("<b>Rice</b> & rice-fields", ["rice"]))
        == "&lt;b&gt;<mark>Rice</mark>&lt;/b&gt; &amp; <mark>rice</mark>-fields"
    )
    # A word that is also an escape sequence does not break the escaping.
    assert str(highlighted("a & b", ["amp"])) == "a &amp; b"


def test_headline_marks_become_balanced_mark_elements():
    start, stop = "\ue000", "\ue001"
    assert str(marked(f"<i>{start}rice{stop}</i>")) == "&lt;i&gt;<mark>rice</mark>&lt;/i&gt;"
    # Stray or doubled marks (content holding the same characters) stay balanced.
    assert str(marked(f"{stop}a {start}{start}b{stop}{stop} {start}c")) == (
        "a <mark>b</mark> <mark>c</mark>"
    )


# --- Cost ---------------------------------------------------------------------------------------


def queries_for(client, query, **params):
    with CaptureQueriesContext(connection) as context:
        response = client.get(URL, {"q": query, **params})
    assert response.status_code == 200
    return len(context.captured_queries), response


def test_the_number_of_queries_does_not_grow_with_the_results(client, make):
    """Two queries, and one per type on the page: types interleaved by date, so that the first
    page holds all three with 1 or 50 of each."""
    start = timezone.now() - timedelta(days=1)

    def make_each(number):
        for offset, kind in enumerate(TYPES):
            when = start - timedelta(minutes=3 * number + offset)
            make[kind](f"Water {kind} {number}", summary=f"Notes {number}.", published_at=when)

    make_each(0)
    one_each, response = queries_for(client, "water")
    assert response.context["paginator"].count == 3

    for number in range(1, 50):
        make_each(number)
    fifty_each, response = queries_for(client, "water")
    assert response.context["paginator"].count == 150
    assert len(response.context["results"]) == PAGE_SIZE
    last_page, response = queries_for(client, "water", page=8)
    assert len(response.context["results"]) == 150 - 7 * PAGE_SIZE
    one_type, response = queries_for(client, "water", type="event")
    assert response.context["paginator"].count == 50

    assert {r["type"].code for r in response.context["results"]} == {"event"}

    assert one_each == fifty_each == 2 + len(TYPES)
    assert max(last_page, one_type) <= one_each <= MAX_QUERIES


def test_pages_hold_twenty_results_each_and_none_twice(client, make):
    for number in range(45):
        make[TYPES[number % 3]](f"Harvest {number}")

    seen = []
    for page in (1, 2, 3):
        response = search(client, "harvest", page=page)
        seen += [(r["type"].code, r["object"].pk) for r in response.context["results"]]
    assert len(seen) == len(set(seen)) == 45
    assert 'rel="next"' in search(client, "harvest", page=2).content.decode()


# --- The page, and hostile input ----------------------------------------------------------------


def test_the_page_is_titled_search_and_not_indexed(client, make):
    make["event"]("Water forum")

    html = search(client, "water").content.decode()

    assert "<title>Search · " in html
    assert '<meta name="robots" content="noindex">' in html
    assert 'role="search"' in html
    assert '<label for="id_q">' in html
    assert '<h2 id="results-title" class="results-count">1 result for “water”</h2>' in html
    # The header's own search form gives way to the page's.
    assert 'id="site-search-q"' not in html


def test_every_page_has_the_search_form_in_its_header(client):
    html = client.get("/about/").content.decode()

    assert '<form class="site-search" role="search"' in html
    assert 'action="/search/"' in html
    assert '<label class="visually-hidden" for="site-search-q">Search the portal</label>' in html
    assert 'name="q"' in html


@pytest.mark.parametrize("query", [None, "", "   ", "!!!", "% _ ' -- ;", "&|!:*()"])
def test_an_empty_or_punctuation_query_runs_no_search(client, query, django_assert_num_queries):
    params = {} if query is None else {"q": query}
    with django_assert_num_queries(0):
        response = client.get(URL, params)

    assert response.status_code == 200
    assert "results" not in response.context
    html = response.content.decode()
    assert "results for" not in html
    if query and query.strip():
        assert "Type a word or two to search for" in html
    else:
        assert "Search the case studies, events and publications" in html


def test_an_overlong_query_is_a_form_error(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(URL, {"q": "water " * 40})

    assert response.status_code == 200
    assert response.context["form"].errors["q"]
    assert "at most 200 characters" in response.content.decode()
    assert 'role="alert"' in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"q": "wa\x00ter"},
        {"q": "water", "type": "bogus"},
        {"q": "water", "type": "\x00"},
        {"q": "water", "page": "abc"},
        {"q": "water", "page": "999999999999999999999"},
        {"q": "water", "page": "-1"},
        {"q": ["water", "rice"]},
        {"q": "'water':* | !rice & (x"},
        {"q": "\\ \\\\ 'a' \"b\""},
        {"q": "word " * 39},
        {"q": "التعاون 南南合作 Côte d'Ivoire"},
        {"q": "<script>alert(1)</script>"},
        {"q": "a" * 200},
        {"q": "\ue000water\ue001"},
    ],
)
def test_hostile_input_never_fails(client, make, params):
    make["event"]("Water forum", summary="Rice and water.")

    response = client.get(URL, params)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html


@pytest.mark.parametrize("query", ["wa\x00ter", "wa\x01ter\x7f", "water\ufffe"])
def test_characters_html_cannot_hold_are_not_shown_back(client, make, query):
    make["event"]("Water forum")

    html = client.get(URL, {"q": query}).content.decode()

    for character in "\x00\x01\x7f\ufffe":
        assert character not in html


def test_raw_bytes_in_the_address_never_fail(client, make):
    make["event"]("Water forum")
    for query_string in [
        "q=%ff%fe",
        "q=%ED%A0%80",
        "q=%00",
        "q=wat%C3%28er",
        "q=water&page=%00",
        "type=event",
    ]:
        response = client.get(f"{URL}?{query_string}")
        assert response.status_code == 200, query_string


def test_tsquery_syntax_is_searched_as_words(client, make):
    make["event"]("Water forum", summary="Rice and water.")

    assert found(client, "water:* & !rice") == [("event", "Water forum")]
    assert found(client, "'water' | 'nothing'") == []


def test_the_query_is_shown_escaped(client):
    html = search(client, '<img src=x onerror="alert(1)">').content.decode()

    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


def test_search_is_in_every_language(client, make):
    make["event"]("Water forum")

    response = client.get("/fr/search/", {"q": "water"})

    assert response.status_code == 200
    assert response.context["paginator"].count == 1
    assert 'action="/fr/search/"' in response.content.decode()

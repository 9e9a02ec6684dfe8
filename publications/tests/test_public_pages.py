"""The public publication pages: what the list shows and how it filters, what a publication's
page says, and how few queries both make."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import timezone, translation
from pytest_django.asserts import assertContains, assertNotContains

from devtools.samples import count_queries, pdf_bytes, titles
from publications.models import Language, PublicationKind
from publishing.models import Status

LIST_URL = "/publications/"
MAX_QUERIES = 10

pytestmark = pytest.mark.django_db


# --- The list -------------------------------------------------------------------------------


def test_the_list_shows_published_publications_only(client, make_publication):
    make_publication("Public report")
    make_publication("Draft report", status=Status.DRAFT)
    make_publication("Report in review", status=Status.IN_REVIEW)
    make_publication("Scheduled report", published_at=timezone.now() + timedelta(days=1))

    response = client.get(LIST_URL)

    assert titles(response) == ["Public report"]
    assertContains(response, "1 publication")
    assertNotContains(response, "Draft report")
    assertNotContains(response, "Scheduled report")


def test_the_list_is_newest_first_and_twenty_to_a_page(client, make_publication):
    for year in range(1990, 2015):
        make_publication(f"Report of {year}", year=year)

    first = client.get(LIST_URL)
    second = client.get(LIST_URL, {"page": 2})

    assert titles(first)[:2] == ["Report of 2014", "Report of 2013"]
    assert len(titles(first)) == 20
    assert titles(second)[-1] == "Report of 1990"
    assertContains(first, 'rel="next"')


def test_a_card_gives_kind_date_symbol_and_publishers(client, make_publication, make_organisation):
    make_publication(
        "Resolution 58/220",
        kind=PublicationKind.RESOLUTION,
        document_symbol="A/RES/58/220",
        year=2003,
        issued_on=date(2003, 12, 23),
        publishers=[make_organisation("United Nations General Assembly")],
    )

    response = client.get(LIST_URL)

    assertContains(response, "Resolution")
    assertContains(response, '<time datetime="2003-12-23">23 December 2003</time>', html=True)
    assertContains(response, "A/RES/58/220")
    assertContains(response, "Published by United Nations General Assembly")


@pytest.fixture
def varied(make_publication, make_organisation, make_theme, sdgs):
    unossc = make_organisation("United Nations Office for South-South Cooperation", "UNOSSC")
    assembly = make_organisation("United Nations General Assembly")
    health = make_theme("Health")
    make_publication(
        "Buenos Aires Plan of Action",
        kind=PublicationKind.PLAN_OF_ACTION,
        year=1978,
        publishers=[assembly],
    )
    make_publication(
        "Resolution on the UN Day",
        kind=PublicationKind.RESOLUTION,
        document_symbol="A/RES/58/220",
        year=2003,
        publishers=[assembly],
    )
    make_publication(
        "Compendium of good practices",
        kind=PublicationKind.COMPENDIUM,
        year=2018,
        publishers=[unossc],
        themes=[health],
        sdgs=[sdgs[3]],
        description="Cuba's support to West Africa against Ebola, among a hundred others.",
    )
    make_publication(
        "Rapport en français",
        kind=PublicationKind.REPORT,
        year=2016,
        language=Language.FRENCH,
        authors=[unossc],  # an author, not a publisher
    )
    make_publication(
        "Draft strategy",
        kind=PublicationKind.STRATEGY,
        year=2020,
        status=Status.DRAFT,
        publishers=[make_organisation("Unpublished Agency")],
        themes=[health],
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "resolution"}, ["Resolution on the UN Day"]),
        ({"kind": "strategy"}, []),
        (
            {"year_from": "2003"},
            ["Compendium of good practices", "Rapport en français", "Resolution on the UN Day"],
        ),
        ({"year_to": "2003"}, ["Resolution on the UN Day", "Buenos Aires Plan of Action"]),
        ({"year_from": "2004", "year_to": "2017"}, ["Rapport en français"]),
        (
            {"publisher": "united-nations-general-assembly"},
            ["Resolution on the UN Day", "Buenos Aires Plan of Action"],
        ),
        (
            {"publisher": "united-nations-office-for-south-south-cooperation"},
            ["Compendium of good practices"],
        ),
        ({"theme": "health"}, ["Compendium of good practices"]),
        ({"sdg": "3"}, ["Compendium of good practices"]),
        ({"language": "fr"}, ["Rapport en français"]),
        ({"q": "ebola"}, ["Compendium of good practices"]),
        ({"q": "buenos aires"}, ["Buenos Aires Plan of Action"]),
        ({"q": "A/RES/58/220"}, ["Resolution on the UN Day"]),
        ({"q": "58/220"}, ["Resolution on the UN Day"]),
        ({"q": "unossc"}, ["Compendium of good practices", "Rapport en français"]),
        ({"q": "nothing matches this"}, []),
    ],
)
def test_each_filter_narrows_the_list(client, varied, query, expected):
    response = client.get(LIST_URL, query)

    assert not response.context["filter"].form.errors
    assert sorted(titles(response)) == sorted(expected)


def test_the_publisher_filter_offers_publishers_of_published_publications_only(client, varied):
    response = client.get(LIST_URL)

    publishers = [
        label for _value, label in response.context["filter"].form.fields["publisher"].choices
    ]
    assert publishers == [
        "All publishers",
        "United Nations General Assembly",
        "United Nations Office for South-South Cooperation (UNOSSC)",
    ]


def test_a_new_publisher_is_offered_once_its_publication_is_published(
    client, make_publication, make_organisation
):
    publication = make_publication("Later report", status=Status.DRAFT)
    publication.publishers.add(make_organisation("Late Agency"))
    assert "late-agency" not in client.get(LIST_URL).content.decode()

    publication.status = Status.PUBLISHED
    publication.save()

    assertContains(client.get(LIST_URL), 'value="late-agency"')


def test_a_wrong_filter_value_is_a_form_error_and_the_other_filters_still_apply(client, varied):
    response = client.get(
        LIST_URL, {"kind": "resolution", "year_from": "abc", "publisher": "nobody"}
    )

    assert response.status_code == 200
    assert set(response.context["filter"].form.errors) == {"year_from", "publisher"}
    assert titles(response) == ["Resolution on the UN Day"]
    assertContains(response, "Some filters could not be used")
    assertContains(response, 'aria-invalid="true"')


def test_the_active_filters_can_be_removed_one_by_one(client, varied):
    response = client.get(LIST_URL, {"kind": "resolution", "language": "en"})

    removals = {item["label"]: item["remove_url"] for item in response.context["active_filters"]}
    assert removals["Kind of publication"] == f"{LIST_URL}?language=en"
    assert removals["Language"] == f"{LIST_URL}?kind=resolution"


# --- A publication's page ---------------------------------------------------------------------


@pytest.fixture
def full_publication(
    make_publication, make_organisation, make_theme, make_initiative, make_event, sdgs, source
):
    return make_publication(
        "Good practices: Made-in-Africa solutions",
        slug="made-in-africa",
        kind=PublicationKind.COMPENDIUM,
        document_symbol="UNOSSC/2021/1",
        year=2021,
        issued_on=date(2021, 9, 14),
        description="Solutions developed in Africa.",
        publishers=[
            make_organisation("United Nations Office for South-South Cooperation", "UNOSSC")
        ],
        authors=[make_organisation("Southern Think Tank")],
        initiatives=[
            make_initiative("A published case study"),
            make_initiative("A draft case study", status=Status.DRAFT),
        ],
        events=[
            make_event("The launch event"),
            make_event("A draft event", status=Status.DRAFT),
        ],
        themes=[make_theme("Health")],
        sdgs=[sdgs[3]],
        sources=[source],
        source_note="The source gives the title only.",
        document=pdf_bytes(),
        external_url="https://www.example.org/made-in-africa.pdf",
        language=Language.ENGLISH,
    )


def test_the_page_gives_the_facts_of_the_publication(client, full_publication):
    response = client.get(full_publication.get_absolute_url())

    assert response.status_code == 200
    assertContains(response, "<h1>Good practices: Made-in-Africa solutions</h1>", html=True)
    assertContains(response, "UNOSSC/2021/1")
    assertContains(response, '<time datetime="2021-09-14">14 September 2021</time>', html=True)
    assertContains(response, "United Nations Office for South-South Cooperation (UNOSSC)")
    assertContains(response, "Southern Think Tank")
    assertContains(response, "English")
    assertContains(response, "Solutions developed in Africa.")
    assertContains(response, 'href="/publications/?theme=health"')
    assertContains(response, 'href="/publications/?sdg=3"')
    assertContains(response, "A source document")
    assertContains(response, "The source gives the title only.")
    assertContains(response, 'href="https://www.example.org/made-in-africa.pdf"')


def test_the_page_offers_the_download_with_the_file_size(client, full_publication):
    response = client.get(full_publication.get_absolute_url())

    size = len(pdf_bytes())
    assertContains(response, 'href="/publications/made-in-africa/download/"')
    assertContains(response, f"Download the PDF ({size}\xa0bytes)")


def test_the_page_lists_published_related_case_studies_and_events_only(client, full_publication):
    response = client.get(full_publication.get_absolute_url())

    assertContains(response, "A published case study")
    assertContains(response, "The launch event")
    assertNotContains(response, "A draft case study")
    assertNotContains(response, "A draft event")


def test_without_a_file_the_page_says_why(client, make_publication):
    publication = make_publication(
        "Old plan", year=1978, document_note="The portal holds no copy of this document."
    )

    response = client.get(publication.get_absolute_url())

    assertContains(response, "The portal holds no copy of this document.")
    assertNotContains(response, "/download/")
    # Staff write the note in English: on a page in another language it is marked so.
    with translation.override("ar"):
        in_arabic = client.get(publication.get_absolute_url())
    assertContains(response, "<p>The portal holds no copy of this document.</p>", html=True)
    assertContains(
        in_arabic,
        '<p lang="en" dir="ltr">The portal holds no copy of this document.</p>',
        html=True,
    )


def test_a_publication_known_by_its_year_only_shows_the_year(client, make_publication):
    publication = make_publication("Strategy", year=2020)

    response = client.get(publication.get_absolute_url())

    assertContains(response, '<time datetime="2020">2020</time>', html=True)


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW])
def test_an_unpublished_publication_is_not_found_by_visitors(client, make_publication, status):
    publication = make_publication("Not yet", status=status)

    assert client.get(publication.get_absolute_url()).status_code == 404


def test_an_unknown_slug_is_not_found(client, db):
    assert client.get("/publications/no-such-thing/").status_code == 404


def test_staff_who_may_change_publications_preview_a_draft(client, make_publication):
    publication = make_publication("Draft", status=Status.DRAFT, document=pdf_bytes())
    editor = User.objects.create_user("editor", password="x", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="change_publication"))
    client.force_login(editor)

    response = client.get(publication.get_absolute_url())

    assert response.status_code == 200
    assertContains(response, "This publication is not public yet")
    assert "no-cache" in response["Cache-Control"]
    # The file itself stays private until the publication is public.
    assertNotContains(response, "/download/")
    assert client.get(f"/publications/{publication.slug}/download/").status_code == 404


def test_staff_without_the_permission_get_404_for_a_draft(client, make_publication):
    publication = make_publication("Draft", status=Status.DRAFT)
    client.force_login(User.objects.create_user("viewer", password="x", is_staff=True))

    assert client.get(publication.get_absolute_url()).status_code == 404


# --- Queries ----------------------------------------------------------------------------------


@pytest.fixture
def make_full_publications(make_publication, make_organisation, make_theme, sdgs, source):
    """make_full_publications(n): n published publications with publishers, authors, themes,
    goals, a source and a file."""
    publishers = [make_organisation("UNOSSC office", "UNOSSC"), make_organisation("UNDP office")]
    themes = [make_theme("Health"), make_theme("Water")]

    def make(number):
        return [
            make_publication(
                kind=PublicationKind.COMPENDIUM,
                publishers=publishers,
                authors=publishers[:1],
                themes=themes,
                sdgs=[sdgs[3]],
                sources=[source],
                document=pdf_bytes(),
            )
            for _ in range(number)
        ]

    return make


@pytest.mark.parametrize(
    "url",
    [
        LIST_URL,
        f"{LIST_URL}?kind=compendium&year_from=2000&year_to=2030&publisher=unossc-office"
        "&theme=health&sdg=3&language=en&q=publication",
    ],
    ids=["plain", "filtered"],
)
def test_the_list_makes_the_same_few_queries_for_one_and_for_fifty_publications(
    client, make_full_publications, url
):
    make_full_publications(1)
    with_one, response = count_queries(client, url)
    assert len(titles(response)) == 1
    assert not response.context["filter"].form.errors

    make_full_publications(49)
    with_fifty, response = count_queries(client, url)
    assert len(titles(response)) == 20
    assert response.context["paginator"].count == 50

    print(f"\npublication list: {with_one} queries with 1 publication, {with_fifty} with 50")
    assert with_one == with_fifty
    assert with_fifty <= MAX_QUERIES


def test_a_publication_page_makes_the_same_queries_for_one_and_for_fifty_related_records(
    pages_written_afresh,
    client,
    make_publication,
    make_organisation,
    make_initiative,
    make_event,
    make_theme,
    sdgs,
):
    publication = make_publication("Big compendium", document=pdf_bytes(), sdgs=[sdgs[3]])
    numbers = iter(range(1000))

    def relate(count):
        for _ in range(count):
            number = next(numbers)
            publication.publishers.add(make_organisation(f"Publisher {number}"))
            publication.authors.add(make_organisation(f"Author {number}"))
            publication.themes.add(make_theme(f"Theme {number}"))
            publication.initiatives.add(make_initiative())
            publication.events.add(make_event())

    relate(1)
    with_one, response = count_queries(client, publication.get_absolute_url())
    assert len(response.context["publication"].initiatives.all()) == 1

    relate(49)
    with_fifty, response = count_queries(client, publication.get_absolute_url())
    assert len(response.context["publication"].initiatives.all()) == 50
    assert len(response.context["publication"].events.all()) == 50

    print(f"\npublication page: {with_one} queries with 1 related record, {with_fifty} with 50")
    assert with_one == with_fifty
    assert with_fifty <= MAX_QUERIES

"""The publication search index: what a publication is found by, how the index follows edits
made in code and in the admin, and, on PostgreSQL, stemming, prefixes, symbols and ranking.
Quoted operators and the GIN index: publishing/tests/test_search.py."""

from datetime import date

import pytest
from django.urls import reverse

from devtools.samples import needs_postgresql, titles_found
from publications.models import Publication, PublicationKind
from publications.search import build_search_text
from publishing.models import Status
from publishing.search import refresh_search_index, search

LIST_URL = "/publications/"
pytestmark = pytest.mark.django_db


def found(client, query, **params):
    return titles_found(client, LIST_URL, query, **params)


def test_search_text_holds_the_description_symbol_kind_organisations_and_themes(
    make_publication, make_organisation, make_theme
):
    publication = make_publication(
        "The UN Day",
        kind=PublicationKind.RESOLUTION,
        document_symbol="A/RES/58/220",
        description="Proclaims a day for cooperation among developing countries.",
        publishers=[make_organisation("United Nations General Assembly", "UNGA")],
        authors=[make_organisation("Second Committee")],
        themes=[make_theme("Trade and investment")],
    )

    text = Publication.objects.get(pk=publication.pk).search_text

    for words in [
        "Proclaims a day",
        "A/RES/58/220",
        "A RES 58 220",
        "Resolution",
        "United Nations General Assembly",
        "UNGA",
        "Second Committee",
        "Trade and investment",
    ]:
        assert words in text
    assert build_search_text(publication) == text


def test_a_publisher_added_later_makes_the_publication_findable_by_it(
    client, make_publication, make_organisation
):
    publication = make_publication("A report")
    assert found(client, "Zanzibar") == []

    publication.publishers.add(make_organisation("Zanzibar Institute"))

    assert found(client, "Zanzibar") == ["A report"]


def test_a_publication_added_from_the_organisations_side_is_findable(
    client, make_publication, make_organisation
):
    publication = make_publication("A report")
    organisation = make_organisation("Zanzibar Institute")

    organisation.publications_authored.add(publication)

    assert found(client, "Zanzibar") == ["A report"]


def test_a_renamed_organisation_is_found_by_its_new_name(
    client, make_publication, make_organisation
):
    organisation = make_organisation("Old Name Agency")
    make_publication("A report", publishers=[organisation])

    organisation.name = "Renamed Agency"
    organisation.save()

    assert found(client, "Renamed") == ["A report"]
    assert found(client, "Old Name") == []


def test_saving_in_the_admin_indexes_the_related_records_it_saves(
    admin_client, make_publication, make_organisation, source
):
    publication = make_publication("A report", sources=[source])
    organisation = make_organisation("Zanzibar Institute")
    data = {
        "title": "A report",
        "slug": publication.slug,
        "kind": PublicationKind.REPORT,
        "summary": "About it.",
        "year": "2021",
        "language": "en",
        "document_note": "Not shared.",
        "publishers": [organisation.pk],
        "sources": [source.pk],
        "status": Status.PUBLISHED,
        "published_at_0": "2021-01-01",
        "published_at_1": "00:00:00",
        "editions-TOTAL_FORMS": "0",  # the language editions' inline, left empty
        "editions-INITIAL_FORMS": "0",
        # A published record: the change is made public at once, as a publisher may.
        "_publish_now": "Save and publish now",
    }

    response = admin_client.post(
        reverse("admin:publications_publication_change", args=[publication.pk]), data
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert "Zanzibar Institute" in Publication.objects.get(pk=publication.pk).search_text


def test_refresh_rebuilds_a_stale_index(make_publication):
    publication = make_publication("A report", description="Fisheries.")
    Publication.objects.filter(pk=publication.pk).update(search_text="stale")

    assert refresh_search_index(Publication.objects.all()) == 1

    assert "Fisheries." in Publication.objects.get(pk=publication.pk).search_text


def test_the_search_finds_symbols_whole_and_in_parts(client, make_publication):
    make_publication("Resolution on the Day", document_symbol="A/RES/58/220", year=2003)
    make_publication("Draft", document_symbol="A/C.2/66/L.48", year=2011)

    assert found(client, "A/RES/58/220") == ["Resolution on the Day"]
    assert found(client, "a/res/58/220") == ["Resolution on the Day"]
    assert found(client, "58/220") == ["Resolution on the Day"]
    assert found(client, "A/C.2/66/L.48") == ["Draft"]
    assert found(client, "L.48") == ["Draft"]


def test_a_search_of_only_punctuation_finds_nothing(client, make_publication):
    make_publication("Anything")

    assert found(client, "%%% ---") == []
    assert found(client, "") == ["Anything"]


def test_search_keeps_to_the_queryset_it_is_given(make_publication):
    make_publication("Fisheries report")
    make_publication("Fisheries draft", status=Status.DRAFT)

    results = search(Publication.objects.published(), "fisheries")

    assert [publication.title for publication in results] == ["Fisheries report"]


# --- PostgreSQL ---------------------------------------------------------------------------------


@needs_postgresql
def test_words_match_after_stemming_and_as_prefixes(client, make_publication):
    make_publication("Institutionalization of triangular cooperation")

    assert found(client, "institutionalized") == ["Institutionalization of triangular cooperation"]
    assert found(client, "triang") == ["Institutionalization of triangular cooperation"]


@needs_postgresql
def test_a_title_match_ranks_above_a_match_in_the_description(client, make_publication):
    make_publication("Peer learning", description="Fisheries registries were shared.", year=2024)
    make_publication("Fisheries registries", year=2001, issued_on=date(2001, 1, 1))

    assert found(client, "fisheries") == ["Fisheries registries", "Peer learning"]

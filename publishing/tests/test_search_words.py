"""The words a mistyped search word is corrected to (publishing/search.py, PostgreSQL): taken
from every title in every language and from the names records are found by, written afresh
once per content state, so that a title saved or changed in the admin is at once what a typo
finds. Through the list page, and the words table itself."""

import pytest

from devtools.samples import needs_postgresql, titles_found
from publishing.models import SearchWord
from publishing.search import corrections, refresh_search_words

LIST_URL = "/initiatives/"
pytestmark = [pytest.mark.django_db, needs_postgresql]


def test_the_words_come_from_titles_in_every_language_and_from_names(
    make_initiative, make_event, countries
):
    make_initiative("Mangrove restoration in Kenya", title_fr="Restauration des mangroves")
    make_event("Forum on blue economy")

    refresh_search_words()

    words = {word.word: (word.in_title, word.in_name) for word in SearchWord.objects.all()}
    assert words["mangrove"] == (True, False)
    assert words["mangroves"] == (True, False)
    assert words["restauration"] == (True, False)
    assert words["forum"] == (True, False)
    assert words["kenya"] == (True, True)  # in a title and a country's name
    assert words["colombia"] == (False, True)
    # Too short to be compared by their trigrams.
    assert "in" not in words
    assert "on" not in words


def test_a_typo_is_corrected_to_the_closest_words(make_initiative, countries):
    make_initiative("Mangrove restoration")
    make_initiative("Mangroves and mango value chains")

    # The closest first; "mango" is not close enough (word similarity 0.4, the threshold 0.5).
    assert corrections(["mangrovve"]) == [["mangrove", "mangroves"]]
    # Every word of the query must have a close word.
    assert corrections(["mangrovve", "xqzzv"]) is None


def test_a_title_saved_is_found_by_its_typo_at_once(client, make_initiative):
    record = make_initiative("Mangrove restoration")
    assert titles_found(client, LIST_URL, "mangrovve") == ["Mangrove restoration"]

    # Renamed: the save changes the content state, and the words follow it.
    record.title = "Coral reef restoration"
    record.save()

    assert titles_found(client, LIST_URL, "mangrovve") == []
    assert titles_found(client, LIST_URL, "corall") == ["Coral reef restoration"]


def test_the_close_matches_have_pages(client, make_initiative):
    for number in range(23):
        make_initiative(f"Mangrove nursery {number:02}")

    first = client.get(LIST_URL, {"q": "mangrovve"})
    second = client.get(LIST_URL, {"q": "mangrovve", "page": 2})

    assert len(first.context["object_list"]) == 20
    assert second.status_code == 200
    assert len(second.context["object_list"]) == 3
    assert "showing close matches" in second.content.decode()
    assert client.get(LIST_URL, {"q": "mangrovve", "page": 3}).status_code == 404
    # A page past the end of what the search as typed finds is still past the end.
    assert client.get(LIST_URL, {"q": "mangrove", "page": 3}).status_code == 404

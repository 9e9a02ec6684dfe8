"""The publications admin, used through its own URLs as staff would."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from devtools.samples import pdf_bytes
from publications.models import Publication, PublicationKind
from publishing.models import Status

# The action's confirmation page, answered: the step is taken with this comment.
CONFIRMED = {"post": "yes", "comment": "Checked against the sources."}
CHANGELIST = "admin:publications_publication_changelist"
pytestmark = pytest.mark.django_db


def test_the_list_shows_kind_symbol_year_language_status_and_file(admin_client, make_publication):
    make_publication(
        "Resolution 58/220",
        kind=PublicationKind.RESOLUTION,
        document_symbol="A/RES/58/220",
        year=2003,
        document=pdf_bytes(),
    )

    response = admin_client.get(reverse(CHANGELIST))

    assert response.status_code == 200
    assertContains(response, "Resolution 58/220")
    assertContains(response, "A/RES/58/220")
    assertContains(response, "2003")
    assertContains(response, "icon-yes.svg")  # has a file


@pytest.mark.parametrize(
    "query",
    [
        {"q": "A/RES/58/220"},
        {"status__exact": "published"},
        {"kind__exact": "resolution"},
        {"year": "2003"},
        {"language__exact": "en"},
    ],
)
def test_the_list_searches_and_filters(admin_client, make_publication, query):
    make_publication(
        "Wanted", kind=PublicationKind.RESOLUTION, document_symbol="A/RES/58/220", year=2003
    )
    make_publication(
        "Other", kind=PublicationKind.REPORT, year=2010, status=Status.DRAFT, language="fr"
    )

    response = admin_client.get(reverse(CHANGELIST), query)

    assert [p.title for p in response.context["cl"].result_list] == ["Wanted"]


def test_the_add_form_has_checkboxes_autocomplete_and_a_collapsed_advanced_part(admin_client, db):
    response = admin_client.get(reverse("admin:publications_publication_add"))

    assert response.status_code == 200
    form = response.context["adminform"].form
    for name in ["publishers", "authors", "initiatives", "events", "sources"]:
        assert "admin-autocomplete" in str(form[name]), name
    for name in ["themes", "sdgs"]:
        assert 'type="checkbox"' in str(form[name]) or not form.fields[name].queryset.exists()
    assertContains(response, 'accept=".pdf,application/pdf"')
    assertContains(response, "collapse")


def test_the_publish_action_publishes_the_selected_drafts(admin_client, make_publication):
    draft = make_publication("Draft", status=Status.DRAFT)

    admin_client.post(
        reverse(CHANGELIST), {"action": "publish", "_selected_action": [draft.pk], **CONFIRMED}
    )

    draft.refresh_from_db()
    assert draft.is_published()
    assert Publication.objects.published().count() == 1

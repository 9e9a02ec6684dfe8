"""The starting content (fixtures/40_publications.json) loads, cites its sources and is found."""

from datetime import date

import pytest
from django.core.management import call_command

from publications.models import Publication

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(db):
    call_command("load_portal_content", verbosity=0)


def test_the_starting_publications_load_published_with_their_sources(content):
    publications = Publication.objects.published().prefetch_related("sources", "publishers")

    assert publications.count() == 8
    for publication in publications:
        assert publication.sources.all(), publication.slug
        assert publication.document or publication.document_note or publication.external_url
        publication.full_clean()


def test_the_plan_of_action_notes_the_disputed_date(content):
    plan = Publication.objects.get(slug="buenos-aires-plan-of-action-1978")

    assert plan.issued_on == date(1978, 9, 12)
    assert "18 September" in plan.source_note


def test_the_compendium_links_the_case_studies_it_holds(content):
    compendium = Publication.objects.get(slug="unossc-good-practices-compendium-2018")

    assert set(compendium.initiatives.values_list("slug", flat=True)) == {
        "cuba-ebola-west-africa",
        "mexico-kenya-corn-diversification",
        "colombia-mesoamerica-hunger-reduction",
        "chile-caribbean-food-labelling",
    }


@pytest.mark.parametrize(
    ("slug", "event"),
    [
        (
            "south-south-ideas-institutionalization-impact-assessment",
            "launch-south-south-ideas-institutionalization-impact-assessment",
        ),
        (
            "good-practices-made-in-africa-solutions",
            "launch-good-practices-made-in-africa-solutions",
        ),
    ],
)
def test_the_papers_launched_in_2021_link_their_launch(content, slug, event):
    publication = Publication.objects.get(slug=slug)

    assert list(publication.events.values_list("slug", flat=True)) == [event]


def test_the_starting_publications_are_indexed_and_shown(client, content):
    assert not Publication.objects.filter(search_text="").exists()

    response = client.get("/publications/", {"q": "A/RES/58/220"})
    assert [p.slug for p in response.context["object_list"]] == [
        "general-assembly-resolution-58-220"
    ]
    for publication in Publication.objects.all():
        assert client.get(publication.get_absolute_url()).status_code == 200


def test_loading_again_creates_nothing_twice(content):
    call_command("load_portal_content", verbosity=0)

    assert Publication.objects.count() == 8

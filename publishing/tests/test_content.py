"""The content-type declarations (publishing/content.py): each registered type's index follows
its data, and `content_changed` is sent for every change the public could see, and only then."""

import pytest
from django.apps import apps
from django.contrib.postgres.search import SearchVectorField
from django.db import connection
from django.db.migrations.state import ProjectState
from django.test.utils import CaptureQueriesContext

from core.signals import content_changed
from events.models import Event
from initiatives.models import CountryRole, Initiative, InitiativeCountry
from publications.models import Publication
from publishing.content import content_for, registered

pytestmark = pytest.mark.django_db


@pytest.fixture
def changes():
    """The senders of every content_changed sent while the test runs."""
    sent = []

    def record(sender, **kwargs):
        sent.append(sender)

    content_changed.connect(record, dispatch_uid="test-content-changes")
    yield sent
    content_changed.disconnect(dispatch_uid="test-content-changes")


def test_the_three_content_types_are_declared_in_the_order_of_the_site_search_tabs():
    assert [content.model for content in registered()] == [Initiative, Event, Publication]
    assert [content.code for content in registered()] == ["initiative", "event", "publication"]
    for content in registered():
        assert content_for(content.model) is content
        assert isinstance(content.model._meta.get_field("search_vector"), SearchVectorField)
        assert content.model._meta.get_field("search_text")


def test_a_migration_model_finds_the_declaration_of_its_live_model():
    historical = ProjectState.from_apps(apps).apps.get_model("initiatives", "Initiative")
    assert historical is not Initiative
    assert content_for(historical).model is Initiative


def test_renaming_a_country_refreshes_the_index_of_the_case_studies_naming_it(
    client, make_initiative, countries
):
    kenya = countries["kenya"]
    make_initiative("Geothermal training", countries={kenya: CountryRole.BENEFICIARY})
    make_initiative("Elsewhere", countries={countries["chile"]: CountryRole.PROVIDER})

    kenya.name = "Republic of Kenya"
    kenya.save()

    assert "Republic of Kenya" in Initiative.objects.get(title="Geothermal training").search_text
    response = client.get("/initiatives/", {"q": "Republic"})
    assert [case.title for case in response.context["object_list"]] == ["Geothermal training"]


def test_renaming_a_region_refreshes_the_case_studies_that_name_it(make_initiative, regions):
    case = make_initiative("Across the Sahel", regions=[regions["western_africa"]])
    region = regions["western_africa"]
    region.name = "West Africa"
    region.save()

    case.refresh_from_db()
    assert "West Africa" in case.search_text


def test_saving_or_deleting_a_record_or_what_its_pages_show_says_content_changed(
    changes, make_initiative, make_theme, make_organisation, sdgs
):
    case = make_initiative("Seeds")
    assert Initiative in changes

    changes.clear()
    theme = make_theme("Food security")
    assert changes  # a new theme is a new filter choice

    changes.clear()
    case.themes.add(theme)
    assert changes

    changes.clear()
    case.sdgs.remove(sdgs[2])
    case.sdgs.add(sdgs[2])
    assert len(changes) == 2  # one for each change of links, none for the pre_ actions

    changes.clear()
    make_organisation("Islamic Development Bank", "IsDB").delete()
    assert len(changes) == 2

    changes.clear()
    case.delete()
    assert Initiative in changes


def test_a_country_role_saved_on_its_own_says_content_changed_and_refreshes_the_index(
    changes, make_initiative, countries
):
    case = make_initiative("Solar pumps")
    changes.clear()

    InitiativeCountry.objects.create(
        initiative=case, country=countries["mali"], role=CountryRole.BENEFICIARY
    )

    assert changes == [InitiativeCountry]
    case.refresh_from_db()
    assert "Mali" in case.search_text


def test_saving_only_fields_outside_an_events_index_leaves_its_index_alone(
    make_event, django_assert_num_queries
):
    event = make_event("Expo", summary="About the expo.")
    event.capacity = 40
    with django_assert_num_queries(1):  # the UPDATE, and no index refresh
        event.save(update_fields=["capacity"])


def test_saving_what_a_case_study_names_without_renaming_it_leaves_the_index_alone(
    make_initiative, make_theme
):
    theme = make_theme("Health")
    make_initiative("Clinics", themes=[theme])

    theme.sort_order = 3
    with CaptureQueriesContext(connection) as queries:
        theme.save()

    touched = [query["sql"] for query in queries if "initiatives_initiative" in query["sql"]]
    assert touched == []

    theme.name = "Health and well-being"
    theme.save()
    assert "Health and well-being" in Initiative.objects.get(title="Clinics").search_text

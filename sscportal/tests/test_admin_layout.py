"""The case-study and event change forms in the order their story is told, with their inlines
between the fieldsets (templates/admin/includes/fieldsets_and_inlines.html)."""

from django.urls import reverse

from devtools.html_forms import as_post_data, form_fields
from events.models import RegistrationStatus
from initiatives.models import CountryRole, InitiativeCountry, OrganisationRole


def positions(page, *markers):
    """Where each marker first appears in the page; an inline's management form must appear
    exactly once (rendered twice, its rows would be posted twice)."""
    for marker in markers:
        expected = 1 if "TOTAL_FORMS" in marker else None
        assert marker in page and page.count(marker) == (expected or page.count(marker)), marker
    return [page.index(marker) for marker in markers]


def test_case_study_form_has_countries_and_organisations_with_where_and_who(
    admin_client, make_initiative, countries, make_organisation, source
):
    initiative = make_initiative(
        countries={countries["colombia"]: CountryRole.PROVIDER},
        organisations={make_organisation("UNOSSC"): OrganisationRole.SUPPORTING},
        sources=[source],
    )
    url = reverse("admin:initiatives_initiative_change", args=[initiative.pk])
    page = admin_client.get(url).content.decode()
    order = positions(
        page,
        'name="title"',
        'name="modality"',
        ">Where and who</h2>",
        'name="regions"',
        'name="country_roles-TOTAL_FORMS"',
        'name="organisation_roles-TOTAL_FORMS"',
        ">The good practice</h2>",
        'name="challenge"',
        'name="replication"',
        'name="replicates-TOTAL_FORMS"',
        'name="replicated_in-TOTAL_FORMS"',
        ">Topics</h2>",
        ">Project</h2>",
        ">Image</h2>",
        ">Sources</h2>",
        ">Publishing</h2>",
        ">Advanced</h2>",
    )
    assert order == sorted(order)
    # The inline templates keep what their JavaScript looks for.
    assert page.count("js-inline-admin-formset") == 4


def test_case_study_form_saves_as_a_browser_sends_it(
    admin_client, make_initiative, countries, source
):
    initiative = make_initiative(countries={countries["colombia"]: CountryRole.PROVIDER})
    initiative.sources.set([source])
    url = reverse("admin:initiatives_initiative_change", args=[initiative.pk])
    fields = form_fields(admin_client.get(url).content.decode(), form_id="initiative_form")
    data = as_post_data(
        fields,
        **{
            "title": "Renamed",
            "country_roles-1-country": countries["chile"].pk,
            "country_roles-1-role": CountryRole.BENEFICIARY,
            "_publish_now": "Save and publish now",  # the case study is live
        },
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    initiative.refresh_from_db()
    assert initiative.title == "Renamed"
    assert sorted(
        InitiativeCountry.objects.filter(initiative=initiative).values_list("country__iso2", "role")
    ) == [("CL", CountryRole.BENEFICIARY), ("CO", CountryRole.PROVIDER)]


def test_event_form_shows_who_registered_after_the_registration_settings(
    admin_client, make_event, make_registration
):
    event = make_event("Conference", registration_enabled=True, capacity=10)
    make_registration(event, RegistrationStatus.CONFIRMED, name="Amina Diallo")
    page = admin_client.get(reverse("admin:events_event_change", args=[event.pk])).content
    order = positions(
        page.decode(),
        ">When</h2>",
        ">Where</h2>",
        ">About</h2>",
        ">Registration</h2>",
        'name="capacity"',
        'name="registrations-TOTAL_FORMS"',
        ">Topics and related case studies</h2>",
        ">Image</h2>",
        ">Publishing</h2>",
    )
    assert order == sorted(order)
    assert "Amina Diallo" in page.decode()


def test_publication_form_tells_who_before_the_document(admin_client, make_publication):
    publication = make_publication("A report")
    url = reverse("admin:publications_publication_change", args=[publication.pk])
    page = admin_client.get(url).content.decode()
    order = positions(
        page,
        'name="summary"',
        ">Who</h2>",
        ">The document</h2>",
        ">File</h2>",
        ">Topics</h2>",
        ">Related case studies and events</h2>",
        ">Cover</h2>",
        ">Sources</h2>",
    )
    assert order == sorted(order)


def test_controls_without_a_label_of_their_own_are_named(admin_client, make_initiative, countries):
    """The date and time of a date-and-time field and a tabular inline's cells (whose <label>
    Django leaves out) carry an aria-label; hidden inputs carry none (core/admin_labels.py)."""
    initiative = make_initiative(countries={countries["colombia"]: CountryRole.PROVIDER})
    url = reverse("admin:initiatives_initiative_change", args=[initiative.pk])
    page = admin_client.get(url).content.decode()
    assert 'aria-label="Publication date: date"' in page
    assert 'aria-label="Publication date: time"' in page
    assert 'name="country_roles-0-role" aria-label="Role"' in page
    assert 'name="country_roles-0-DELETE" aria-label="Delete"' in page
    assert 'type="hidden" name="country_roles-0-initiative" value' in page
    assert 'aria-label="Initiative"' not in page

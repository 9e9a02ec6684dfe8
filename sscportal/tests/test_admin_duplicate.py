"""The admin's "Duplicate" (publishing/duplicate.py) on the three content types, through the
list's action and the change form's button, as staff use them."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.urls import reverse
from django.utils import timezone

from devtools.html_forms import as_post_data, form_fields
from events.models import Event, Registration, RegistrationStatus
from initiatives.models import CountryRole, Initiative, OrganisationRole
from publications.models import Publication
from publishing.models import Status


def admin_url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def run_action(client, model, *records):
    return client.post(
        admin_url(model, "changelist"),
        {
            "action": "duplicate_selected",
            "_selected_action": [record.pk for record in records],
            "index": 0,
        },
    )


def the_copy(model, original):
    return model.objects.exclude(pk=original.pk).get(title__startswith=original.title)


def linked(record, name):
    return sorted(getattr(record, name).values_list("pk", flat=True))


@pytest.fixture
def case_study(make_initiative, countries, regions, make_organisation, make_theme, sdgs, source):
    initiative = make_initiative(
        "Demining experts",
        countries={
            countries["colombia"]: CountryRole.PROVIDER,
            countries["cambodia"]: CountryRole.BENEFICIARY,
        },
        organisations={
            make_organisation("UNOSSC"): OrganisationRole.SUPPORTING,
            make_organisation("APC Colombia"): OrganisationRole.IMPLEMENTING,
        },
        regions=[regions["south_east_asia"]],
        themes=[make_theme("Peace and security")],
        sdgs=[sdgs[16]],
        sources=[source],
        challenge="Landmines.",
        featured=True,
    )
    return initiative


def test_duplicating_a_case_study_copies_its_links_and_roles_as_a_new_draft(
    admin_client, admin_user, case_study
):
    response = run_action(admin_client, Initiative, case_study)

    copy = the_copy(Initiative, case_study)
    assert response.status_code == 302
    assert response.url == admin_url(Initiative, "change", copy.pk)
    assert copy.title == "Demining experts (copy)"
    assert copy.slug == f"{case_study.slug}-copy"
    assert (copy.status, copy.published_at) == (Status.DRAFT, None)
    assert (copy.challenge, copy.featured, copy.modality) == ("Landmines.", True, "bilateral")
    for name in ["regions", "themes", "sdgs", "cooperation_forms", "sources"]:
        assert linked(copy, name) == linked(case_study, name), name
    assert sorted(copy.country_roles.values_list("country__iso2", "role")) == [
        ("CO", CountryRole.PROVIDER),
        ("KH", CountryRole.BENEFICIARY),
    ]
    assert sorted(copy.organisation_roles.values_list("organisation__name", "role")) == [
        ("APC Colombia", OrganisationRole.IMPLEMENTING),
        ("UNOSSC", OrganisationRole.SUPPORTING),
    ]
    # The original keeps its own rows, and is still published.
    case_study.refresh_from_db()
    assert case_study.is_published() and case_study.country_roles.count() == 2
    # The copy opens in its change form, and is among my drafts on the dashboard.
    page = admin_client.get(response.url)
    assert page.status_code == 200
    assert "copied from “Demining experts”" in page.content.decode()
    assert LogEntry.objects.get(object_id=str(copy.pk)).action_flag == ADDITION
    dashboard = admin_client.get(reverse("admin:index"))
    assert [row["title"] for row in dashboard.context["my_drafts"]] == [copy.title]


def test_duplicating_an_event_leaves_its_registrations_and_side_events_with_it(
    admin_client, make_event, make_registration, make_organisation, make_initiative, source
):
    main = make_event("Expo")
    event = make_event(
        "Panel",
        parent=main,
        organisers=[make_organisation("UNOSSC")],
        sources=[source],
        capacity=30,
        registration_enabled=True,
    )
    event.initiatives.set([make_initiative()])
    make_event("Side event of the panel", parent=event)
    make_registration(event, RegistrationStatus.CONFIRMED)

    response = run_action(admin_client, Event, event)

    copy = the_copy(Event, event)
    assert response.url == admin_url(Event, "change", copy.pk)
    assert (copy.title, copy.status, copy.published_at) == ("Panel (copy)", Status.DRAFT, None)
    assert (copy.parent, copy.capacity, copy.starts_at) == (main, 30, event.starts_at)
    for name in ["organisers", "initiatives", "themes", "sdgs", "sources"]:
        assert linked(copy, name) == linked(event, name), name
    assert not Registration.objects.filter(event=copy).exists()
    assert Registration.objects.filter(event=event).count() == 1
    assert not copy.side_events.exists() and event.side_events.count() == 1
    assert admin_client.get(response.url).status_code == 200


def test_duplicating_a_publication_copies_its_publishers_and_relations(
    admin_client, make_publication, make_organisation, make_initiative, make_event, source
):
    publication = make_publication(
        "Good practices",
        publishers=[make_organisation("UNOSSC")],
        authors=[make_organisation("South Centre")],
        initiatives=[make_initiative()],
        events=[make_event()],
        sources=[source],
        document_symbol="SSC/20/1",
        published_at=timezone.now() - timedelta(days=3),
    )

    response = run_action(admin_client, Publication, publication)

    copy = the_copy(Publication, publication)
    assert response.url == admin_url(Publication, "change", copy.pk)
    assert (copy.status, copy.published_at, copy.document_symbol) == (
        Status.DRAFT,
        None,
        "SSC/20/1",
    )
    for name in ["publishers", "authors", "initiatives", "events", "themes", "sdgs", "sources"]:
        assert linked(copy, name) == linked(publication, name), name
    assert admin_client.get(response.url).status_code == 200


def test_duplicating_a_publication_copies_its_language_editions(admin_client, make_publication):
    publication = make_publication("Good practices")
    publication.editions.create(
        language="fr", title="Bonnes pratiques", external_url="https://example.org/fr.pdf"
    )
    publication.editions.create(
        language="es", title="Buenas prácticas", external_url="https://example.org/es.pdf"
    )

    run_action(admin_client, Publication, publication)

    copy = the_copy(Publication, publication)
    editions = [(e.language, e.title, e.external_url) for e in copy.editions.order_by("language")]
    assert editions == [
        ("es", "Buenas prácticas", "https://example.org/es.pdf"),
        ("fr", "Bonnes pratiques", "https://example.org/fr.pdf"),
    ]
    assert publication.editions.count() == 2  # the original keeps its own


def test_each_copy_gets_a_slug_of_its_own(admin_client, case_study):
    run_action(admin_client, Initiative, case_study)
    run_action(admin_client, Initiative, case_study)
    slugs = sorted(Initiative.objects.values_list("slug", flat=True))
    assert slugs == sorted(
        [case_study.slug, f"{case_study.slug}-copy", f"{case_study.slug}-copy-2"]
    )


def test_duplicating_several_records_goes_back_to_the_list(admin_client, make_initiative):
    first, second = make_initiative("First"), make_initiative("Second")
    response = run_action(admin_client, Initiative, first, second)
    assert response.status_code == 302
    assert response.url == admin_url(Initiative, "changelist")
    assert sorted(
        Initiative.objects.filter(status=Status.DRAFT).values_list("title", flat=True)
    ) == [
        "First (copy)",
        "Second (copy)",
    ]


def test_the_change_forms_duplicate_button_posts_the_action(admin_client, case_study):
    page = admin_client.get(admin_url(Initiative, "change", case_study.pk)).content.decode()
    fields = form_fields(page, action=admin_url(Initiative, "changelist"))
    assert dict(fields)["action"] == "duplicate_selected"

    response = admin_client.post(admin_url(Initiative, "changelist"), as_post_data(fields))

    copy = the_copy(Initiative, case_study)
    assert response.url == admin_url(Initiative, "change", copy.pk)


@pytest.mark.parametrize("model", [Initiative, Event, Publication])
def test_staff_who_may_not_add_cannot_duplicate(
    staff_client, model, make_initiative, make_event, make_publication
):
    name = model._meta.model_name
    client = staff_client(f"view_{name}", f"change_{name}")
    record = {Initiative: make_initiative, Event: make_event, Publication: make_publication}[
        model
    ]()
    page = client.get(admin_url(model, "change", record.pk)).content.decode()
    assert "duplicate_selected" not in page

    run_action(client, model, record)

    assert model.objects.count() == 1

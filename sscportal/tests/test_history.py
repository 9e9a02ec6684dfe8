"""The history of changes, through the admin's own pages: the change form records versions, the
History page says what each changed, and any version can be restored."""

import json
import re
from datetime import timedelta
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from core.signals import content_changed
from devtools.html_forms import as_post_data, form_fields
from devtools.samples import management_form
from events.models import Event, RegistrationStatus
from initiatives.models import CountryRole, Initiative, InitiativeCountry
from initiatives.tests.admin_forms import case_study_form, country_row
from publications.models import Publication, PublicationKind
from publishing.history import record_baseline
from publishing.models import Status


def admin_url(record, view, *args):
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[record.pk, *args])


def versions(record):
    return list(Version.objects.get_for_object(record).order_by("pk"))


def change_form(client, record, **changes):
    """Post the record's change form as a browser would, with `changes`; returns the response."""
    page = client.get(admin_url(record, "change"))
    assert page.status_code == 200
    form_id = f"{record._meta.model_name}_form"
    data = as_post_data(form_fields(page.content.decode(), form_id=form_id), **changes)
    data.pop("_saveasnew", None)
    data.pop("_addanother", None)
    # A published record's change goes live at once only with "Save and publish now".
    data.setdefault("_publish_now", "Save and publish now")
    return client.post(admin_url(record, "change"), data)


def text(response):
    """The page's text, tags taken out, spaces collapsed."""
    content = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", unescape(content))


def version_section(response, version):
    """The HTML of the History page's section on `version`."""
    html = response.content.decode()
    start = html.index(f'id="version-{version.pk}"')
    end = html.find('<section class="history-version', start)
    return html[start : end if end != -1 else len(html)]


def roles(initiative):
    return {
        (row.country.name, row.role)
        for row in InitiativeCountry.objects.filter(initiative=initiative).select_related("country")
    }


# --- A case study's countries ------------------------------------------------------------------


@pytest.fixture
def case_study(make_initiative, countries, source):
    return make_initiative(
        "Seed banks in the Sahel",
        status=Status.DRAFT,
        countries={
            countries["kenya"]: CountryRole.BENEFICIARY,
            countries["colombia"]: CountryRole.PROVIDER,
        },
        sources=[source],
        challenge="Farmers lost their seeds to drought every other year.",
    )


def change_countries(client, case_study, countries):
    """Add Chile as provider, make Kenya a facilitator, take Colombia out."""
    page = client.get(admin_url(case_study, "change"))
    fields = form_fields(page.content.decode(), form_id="initiative_form")
    rows = {
        value: name.removesuffix("-id")
        for name, value in fields
        if name.startswith("country_roles-") and name.endswith("-id") and value
    }
    kenya = rows[str(InitiativeCountry.objects.get(country=countries["kenya"]).pk)]
    colombia = rows[str(InitiativeCountry.objects.get(country=countries["colombia"]).pk)]
    data = as_post_data(
        fields,
        **{
            f"{kenya}-role": CountryRole.FACILITATOR,
            f"{colombia}-DELETE": "on",
            "country_roles-2-country": str(countries["chile"].pk),
            "country_roles-2-role": CountryRole.PROVIDER,
            "challenge": "Farmers lost their seeds to drought every third year.",
            "_publish_now": "Save and publish now",  # live at once if the record is published
        },
    )
    response = client.post(admin_url(case_study, "change"), data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""


def test_changing_a_case_studys_countries_records_a_version_with_its_country_rows(
    admin_client, case_study, countries
):
    change_countries(admin_client, case_study, countries)

    recorded = versions(case_study)
    # The record as it was (it had no version yet), then as it became.
    assert len(recorded) == 2
    assert recorded[0].revision.comment == "First recorded version."
    assert recorded[1].revision.user.username == "admin"
    rows = Version.objects.filter(revision=recorded[1].revision).exclude(pk=recorded[1].pk)
    assert sorted(row.object_repr for row in rows) == ["Chile (Provider)", "Kenya (Facilitator)"]


def test_adding_a_case_study_records_its_first_version_with_its_countries(
    admin_client, countries, source
):
    data = case_study_form(
        source,
        **management_form("country_roles", 1),
        **country_row(0, countries["mali"], CountryRole.BENEFICIARY),
    )
    response = admin_client.post(reverse("admin:initiatives_initiative_add"), data)
    assert response.status_code == 302

    case_study = Initiative.objects.get(slug=data["slug"])
    (first,) = versions(case_study)
    assert first.revision.get_comment() == "Added. Added country and role “Mali (Beneficiary)”."
    rows = Version.objects.filter(revision=first.revision).exclude(pk=first.pk)
    assert [row.object_repr for row in rows] == ["Mali (Beneficiary)"]
    section = text(admin_client.get(admin_url(case_study, "history")))
    assert "Countries and roles Mali (Beneficiary)" in section


def test_history_page_shows_the_countries_and_roles_before_and_after(
    admin_client, case_study, countries
):
    change_countries(admin_client, case_study, countries)
    latest = versions(case_study)[-1]

    response = admin_client.get(admin_url(case_study, "history"))

    assert response.status_code == 200
    section = version_section(response, latest)
    assert "Countries and roles" in section
    assert '<del><span class="visually-hidden">removed: </span>Colombia (Provider)</del>' in section
    assert '<del><span class="visually-hidden">removed: </span>Kenya (Beneficiary)</del>' in section
    assert '<ins><span class="visually-hidden">added: </span>Chile (Provider)</ins>' in section
    assert '<ins><span class="visually-hidden">added: </span>Kenya (Facilitator)</ins>' in section
    # A long text as a word diff, under its label.
    assert "Challenge" in section
    assert '<del><span class="visually-hidden">removed: </span>other</del>' in section
    assert '<ins><span class="visually-hidden">added: </span>third</ins>' in section
    # The change form's "History" button leads here.
    change_page = admin_client.get(admin_url(case_study, "change"))
    assert f'href="{admin_url(case_study, "history")}"' in change_page.content.decode()


def test_restoring_the_earlier_version_brings_the_countries_and_roles_back(
    admin_client, case_study, countries
):
    change_countries(admin_client, case_study, countries)
    assert roles(case_study) == {("Chile", "provider"), ("Kenya", "facilitator")}
    first = versions(case_study)[0]
    restore_url = admin_url(case_study, "restore", first.pk)

    confirm = admin_client.get(restore_url)
    assert confirm.status_code == 200
    assert 'value="Yes, restore this version"' in confirm.content.decode()
    assert "Colombia (Provider)" in text(confirm)
    told = []
    content_changed.connect(receiver := lambda sender, **kwargs: told.append(sender))
    try:
        response = admin_client.post(restore_url)
    finally:
        content_changed.disconnect(receiver)

    assert response.status_code == 302
    assert response["Location"] == admin_url(case_study, "change")
    assert roles(case_study) == {("Colombia", "provider"), ("Kenya", "beneficiary")}
    case_study.refresh_from_db()
    assert case_study.challenge == "Farmers lost their seeds to drought every other year."
    # Found by the country it has again, and the caches told.
    assert "Colombia" in case_study.search_text
    assert Initiative in told
    recorded = versions(case_study)
    assert len(recorded) == 3
    assert recorded[-1].revision.comment.startswith("Restored the version of ")
    assert recorded[-1].revision.comment.endswith(" by the portal")
    assert recorded[-1].revision.user.username == "admin"
    history = admin_client.get(admin_url(case_study, "history"))
    assert "Restored the version of" in text(history)


# --- An event and a publication: fields and many-to-many links ------------------------------


def test_an_events_fields_and_links_are_recorded_shown_and_restored(
    admin_client, make_event, make_organisation, make_theme, source
):
    unfpa, undp = make_organisation("UN Population Fund", "UNFPA"), make_organisation("UNDP")
    health, climate = make_theme("Health"), make_theme("Climate")
    event = make_event(
        "Expo on health",
        status=Status.DRAFT,
        organisers=[unfpa],
        themes=[health],
        sources=[source],
        venue="Hall A",
    )

    response = change_form(
        admin_client,
        event,
        title="Expo on climate",
        venue="Hall B",
        organisers=[str(undp.pk)],
        themes=[str(climate.pk)],
        format="online",
    )
    assert response.status_code == 302

    history = admin_client.get(admin_url(event, "history"))
    section = text(history)
    for shown in ["Title", "Expo on health", "Expo on climate", "Venue", "Hall A", "Hall B"]:
        assert shown in section
    assert "Organisers removed: UN Population Fund (UNFPA)" in section
    assert "added: UNDP" in section
    assert "Themes removed: Health" in section
    # A choice by its label, not its stored value.
    assert "In person" in section and "Online" in section

    first = versions(event)[0]
    assert admin_client.post(admin_url(event, "restore", first.pk)).status_code == 302
    event = Event.objects.get(pk=event.pk)
    assert (event.title, event.venue, event.format) == ("Expo on health", "Hall A", "in-person")
    assert list(event.organisers.all()) == [unfpa]
    assert list(event.themes.all()) == [health]
    assert len(versions(event)) == 3


def test_restoring_an_events_larger_capacity_gives_the_places_to_the_waiting_list(
    admin_client, make_event, make_registration, source
):
    event = make_event(
        "Panel", registration_enabled=True, capacity=2, waiting_list=True, sources=[source]
    )
    assert change_form(admin_client, event, capacity="1").status_code == 302
    make_registration(event, RegistrationStatus.CONFIRMED)
    waiting = make_registration(event, RegistrationStatus.WAITLISTED)
    first = versions(event)[0]
    assert first.field_dict["capacity"] == 2

    admin_client.post(admin_url(event, "restore", first.pk))

    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert Event.objects.get(pk=event.pk).capacity == 2


def test_a_publications_fields_and_links_are_recorded_shown_and_restored(
    admin_client, make_publication, make_organisation, sdgs, source
):
    unctad, oecd = make_organisation("UNCTAD"), make_organisation("OECD")
    publication = make_publication(
        "Trade in the South",
        status=Status.DRAFT,
        publishers=[unctad],
        sdgs=[sdgs[2]],
        sources=[source],
        year=2019,
    )

    response = change_form(
        admin_client,
        publication,
        kind=PublicationKind.POLICY_PAPER,
        year="2020",
        publishers=[str(oecd.pk)],
        sdgs=[str(sdgs[16].pk)],
    )
    assert response.status_code == 302

    section = text(admin_client.get(admin_url(publication, "history")))
    assert "Kind Report Policy paper" in section
    assert "Year 2019 2020" in section
    assert "Publishers removed: UNCTAD added: OECD" in section
    assert "removed: Goal 2: Goal name 2" in section
    assert "added: Goal 16: Goal name 16" in section

    first = versions(publication)[0]
    assert admin_client.post(admin_url(publication, "restore", first.pk)).status_code == 302
    publication = Publication.objects.get(pk=publication.pk)
    assert (publication.kind, publication.year) == (PublicationKind.REPORT, 2019)
    assert list(publication.publishers.all()) == [unctad]
    assert list(publication.sdgs.all()) == [sdgs[2]]


# --- The publish and unpublish actions, and the right to publish ---------------------------


def run_action(client, record, action, comment="Checked."):
    """The list action with its confirmation page answered, as a publisher takes the step."""
    opts = record._meta
    return client.post(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        {"action": action, "_selected_action": [record.pk], "post": "yes", "comment": comment},
    )


def test_publish_and_unpublish_actions_record_versions(admin_client, case_study):
    run_action(admin_client, case_study, "publish", "Checked the figures.")
    run_action(admin_client, case_study, "unpublish", "A source is missing.")

    recorded = versions(case_study)
    assert [version.revision.comment for version in recorded] == [
        "First recorded version.",
        "Publish: Checked the figures.",
        "Unpublish: A source is missing.",
    ]
    assert [version.field_dict["status"] for version in recorded] == [
        "draft",
        "published",
        "draft",
    ]
    section = text(admin_client.get(admin_url(case_study, "history")))
    assert "Status Draft Published" in section


def test_staff_who_may_not_publish_restore_all_but_the_status_and_publication_date(
    admin_client, staff_client, case_study
):
    run_action(admin_client, case_study, "publish")
    published = versions(case_study)[-1]
    change_form(admin_client, case_study, status=Status.DRAFT, title="A new title")
    case_study.refresh_from_db()
    assert case_study.status == Status.DRAFT
    client = staff_client("view_initiative", "change_initiative")

    confirm = client.get(admin_url(case_study, "restore", published.pk))
    assert "the status and the publication date stay as they are now" in text(confirm)
    client.post(admin_url(case_study, "restore", published.pk))

    case_study.refresh_from_db()
    assert case_study.title == "Seed banks in the Sahel"
    assert case_study.status == Status.DRAFT


def test_staff_who_may_publish_restore_the_status_too(admin_client, staff_client, case_study):
    run_action(admin_client, case_study, "publish")
    published = versions(case_study)[-1]
    run_action(admin_client, case_study, "unpublish")
    client = staff_client("view_initiative", "change_initiative")
    # The right another part of the admin grants; here made for the test if it is not there.
    permission, _created = Permission.objects.get_or_create(
        codename="publish_initiative",
        content_type=ContentType.objects.get_for_model(Initiative),
        defaults={"name": "Can publish case study"},
    )
    client_user = get_user_model().objects.get(username="staff")
    client_user.user_permissions.add(permission)

    client.post(admin_url(case_study, "restore", published.pk))

    case_study.refresh_from_db()
    assert case_study.status == Status.PUBLISHED


# --- Who may restore, and bad input ------------------------------------------------------------


def test_staff_who_may_only_view_see_the_history_but_may_not_restore(
    admin_client, staff_client, case_study, countries
):
    change_countries(admin_client, case_study, countries)
    first = versions(case_study)[0]
    client = staff_client("view_initiative")

    history = client.get(admin_url(case_study, "history"))
    assert history.status_code == 200
    assert "Restore this version" not in text(history)
    assert client.get(admin_url(case_study, "restore", first.pk)).status_code == 403
    assert client.post(admin_url(case_study, "restore", first.pk)).status_code == 403
    assert roles(case_study) == {("Chile", "provider"), ("Kenya", "facilitator")}


def test_staff_without_any_right_on_the_type_get_403(admin_client, staff_client, case_study):
    run_action(admin_client, case_study, "publish")
    first = versions(case_study)[0]
    client = staff_client("view_event", "change_event")

    assert client.get(admin_url(case_study, "history")).status_code == 403
    assert client.post(admin_url(case_study, "restore", first.pk)).status_code == 403


def test_unknown_or_foreign_versions_and_records_get_404(admin_client, case_study, make_initiative):
    other = make_initiative("Another case study")
    run_action(admin_client, case_study, "publish")
    run_action(admin_client, other, "unpublish")
    own, foreign = versions(case_study)[0], versions(other)[0]
    missing = Version.objects.order_by("-pk").first().pk + 100

    assert admin_client.get(admin_url(case_study, "restore", own.pk)).status_code == 200
    assert admin_client.get(admin_url(case_study, "restore", missing)).status_code == 404
    assert admin_client.post(admin_url(case_study, "restore", missing)).status_code == 404
    assert admin_client.get(admin_url(case_study, "restore", foreign.pk)).status_code == 404
    assert admin_client.post(admin_url(case_study, "restore", foreign.pk)).status_code == 404
    huge = admin_url(case_study, "restore", 10**30)
    assert admin_client.get(huge).status_code == 404
    unknown = reverse("admin:initiatives_initiative_restore", args=[999999, own.pk])
    assert admin_client.post(unknown).status_code == 404
    unknown_history = reverse("admin:initiatives_initiative_history", args=["no-such-record"])
    assert admin_client.get(unknown_history).status_code == 404
    odd = admin_url(case_study, "history") + "abc/restore/"
    assert admin_client.post(odd).status_code < 500
    assert admin_client.get(admin_url(case_study, "history"), {"p": "x'"}).status_code == 200
    other.refresh_from_db()
    assert other.title == "Another case study"


def test_restore_needs_the_forms_csrf_token(admin_user, case_study):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    record_baseline([case_study])
    version = versions(case_study)[0]

    assert client.post(admin_url(case_study, "restore", version.pk)).status_code == 403

    confirm = client.get(admin_url(case_study, "restore", version.pk))
    data = as_post_data(form_fields(confirm.content.decode(), action=""))
    assert client.post(admin_url(case_study, "restore", version.pk), data).status_code == 302


def test_history_page_makes_as_many_queries_for_many_versions_as_for_one(
    admin_client, case_study, countries
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(admin_url(case_study, "history")).status_code == 200
        return len(captured)

    run_action(admin_client, case_study, "publish")
    few = queries()
    change_countries(admin_client, case_study, countries)
    for title in ["One", "Two", "Three", "Four"]:
        change_form(admin_client, case_study, title=title)
    assert len(versions(case_study)) == 7

    assert queries() == few


# --- The starting content ----------------------------------------------------------------------


def test_loading_the_starting_content_records_one_first_version_of_each_record(db):
    call_command("load_portal_content", verbosity=0)
    call_command("load_portal_content", verbosity=0)

    for model in (Initiative, Event, Publication):
        records = list(model.objects.all())
        assert records
        for record in records:
            assert len(versions(record)) == 1, record
    case_study = Initiative.objects.filter(country_roles__isnull=False).first()
    revision = versions(case_study)[0].revision
    assert revision.comment.startswith("First recorded version")
    held = set(Version.objects.filter(revision=revision).values_list("object_repr", flat=True))
    assert {str(row) for row in case_study.country_roles.all()} <= held


# --- Versions from before a change of the model, or naming what is gone ---------------------


def test_a_field_the_version_does_not_hold_keeps_its_current_value(admin_client, case_study):
    record_baseline([case_study])
    first = versions(case_study)[0]
    # As a version stored before the model had the field.
    data = json.loads(first.serialized_data)
    del data[0]["fields"]["contact_name"]
    first.serialized_data = json.dumps(data)
    first.save()
    change_form(admin_client, case_study, contact_name="Ana Silva", title="Changed")

    admin_client.post(admin_url(case_study, "restore", first.pk))

    case_study.refresh_from_db()
    assert (case_study.title, case_study.contact_name) == ("Seed banks in the Sahel", "Ana Silva")


def test_a_theme_deleted_since_is_left_out_and_named(admin_client, make_event, make_theme, source):
    gone, kept = make_theme("Gone theme"), make_theme("Kept theme")
    event = make_event("Forum", status=Status.DRAFT, themes=[gone, kept], sources=[source])
    record_baseline([event])
    first = versions(event)[0]
    change_form(admin_client, event, themes=[])
    gone.delete()

    history = admin_client.get(admin_url(event, "history"))
    assert history.status_code == 200
    assert "Theme " in text(history) and "(deleted since)" in text(history)
    response = admin_client.post(admin_url(event, "restore", first.pk), follow=True)

    assert response.status_code == 200
    assert list(Event.objects.get(pk=event.pk).themes.all()) == [kept]
    assert "Left out, deleted since: theme" in text(response)


def test_a_save_that_changes_only_line_endings_or_seconds_shows_only_the_real_change(
    admin_client, make_event, source
):
    published_at = timezone.now().replace(second=13, microsecond=456789) - timedelta(days=1)
    event = make_event(
        "Forum",
        published_at=published_at,
        description="First paragraph.\n\nSecond paragraph.",
        sources=[source],
    )
    page = admin_client.get(admin_url(event, "change"))
    fields = as_post_data(form_fields(page.content.decode(), form_id="event_form"))
    # A browser posts a textarea's lines with CR LF, and the admin shows times to the second.
    fields["description"] = fields["description"].replace("\n", "\r\n")
    fields["venue"] = "Hall C"
    fields["_publish_now"] = "Save and publish now"
    assert admin_client.post(admin_url(event, "change"), fields).status_code == 302
    latest = versions(event)[-1]

    section = version_section(admin_client.get(admin_url(event, "history")), latest)

    assert '<th scope="row">Venue</th>' in section
    assert '<th scope="row">Description</th>' not in section
    assert '<th scope="row">Publication date</th>' not in section


def test_an_editor_may_not_restore_a_live_page_which_a_publisher_may(
    role_client, make_initiative, source
):
    live = make_initiative("Seed banks in the Sahel", sources=[source])
    assert live.status == Status.PUBLISHED
    from publishing.history import versions_of

    record_baseline([live])
    (version,) = versions_of(live)
    url = reverse("admin:initiatives_initiative_restore", args=[live.pk, version.pk])
    history_url = reverse("admin:initiatives_initiative_history", args=[live.pk])
    editor, publisher = role_client("Editors"), role_client("Publishers")

    page = editor.get(history_url)
    assert page.status_code == 200
    assert "a publisher restores its earlier versions" in page.content.decode()
    assert url not in page.content.decode()
    assert editor.get(url).status_code == 403
    assert editor.post(url).status_code == 403

    assert "a publisher restores" not in publisher.get(history_url).content.decode()
    assert publisher.get(url).status_code == 200

"""The staff roles (migration 0004_staff_roles): exactly these permissions, and what each role
can and cannot open in the admin."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.urls import reverse

from events.models import RegistrationStatus
from publishing.models import Status

EDITORS = {
    "initiatives.add_initiative",
    "initiatives.change_initiative",
    "initiatives.view_initiative",
    "initiatives.add_initiativecountry",
    "initiatives.change_initiativecountry",
    "initiatives.delete_initiativecountry",
    "initiatives.view_initiativecountry",
    "initiatives.add_initiativeorganisation",
    "initiatives.change_initiativeorganisation",
    "initiatives.delete_initiativeorganisation",
    "initiatives.view_initiativeorganisation",
    "initiatives.view_cooperationform",
    "events.add_event",
    "events.change_event",
    "events.view_event",
    "publications.add_publication",
    "publications.change_publication",
    "publications.view_publication",
    "taxonomy.view_country",
    "taxonomy.view_region",
    "taxonomy.view_theme",
    "taxonomy.view_sdg",
    "taxonomy.add_organisation",
    "taxonomy.view_organisation",
    "taxonomy.add_source",
    "taxonomy.view_source",
}
PUBLISHERS = EDITORS | {
    "initiatives.publish_initiative",
    "events.publish_event",
    "publications.publish_publication",
    "events.view_registration",
    "events.change_registration",
    "events.export_registration",
}


def permissions_of(name):
    group = Group.objects.get(name=name)
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_editors_hold_exactly_the_editing_permissions(staff_roles):
    assert permissions_of("Editors") == EDITORS


def test_publishers_hold_the_editors_permissions_publishing_and_registrations(staff_roles):
    assert permissions_of("Publishers") == PUBLISHERS


def test_the_publish_permissions_have_names_staff_can_read(staff_roles):
    group = Group.objects.get(name="Publishers")
    names = set(group.permissions.filter(codename__startswith="publish_").values_list("name"))
    assert names == {
        ("Can publish, unpublish and schedule case studies",),
        ("Can publish, unpublish and schedule events",),
        ("Can publish, unpublish and schedule publications",),
    }


def test_the_role_users_hold_their_groups_permissions(role_user):
    editor, publisher = role_user("Editors"), role_user("Publishers")

    assert editor.get_all_permissions() == EDITORS
    assert publisher.get_all_permissions() == PUBLISHERS


@pytest.mark.parametrize(
    "url",
    [
        "admin:initiatives_initiative_changelist",
        "admin:initiatives_initiative_add",
        "admin:events_event_changelist",
        "admin:events_event_add",
        "admin:publications_publication_changelist",
        "admin:publications_publication_add",
        "admin:taxonomy_source_add",
        "admin:taxonomy_organisation_add",
        "admin:taxonomy_country_changelist",
    ],
)
def test_an_editor_opens_the_content_lists_and_forms(role_client, url):
    response = role_client("Editors").get(reverse(url))

    assert response.status_code == 200


def test_an_editor_cannot_open_the_registrations(role_client, make_event, make_registration):
    registration = make_registration(make_event())
    client = role_client("Editors")

    assert client.get(reverse("admin:events_registration_changelist")).status_code == 403
    change = reverse("admin:events_registration_change", args=[registration.pk])
    assert client.get(change).status_code == 403


def test_an_editor_sees_no_registrants_on_the_event_form(
    role_client, make_event, make_registration
):
    event = make_event(registration_enabled=True)
    make_registration(event, RegistrationStatus.CONFIRMED, name="Ana Secret")

    response = role_client("Editors").get(reverse("admin:events_event_change", args=[event.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Ana Secret" not in html
    assert "registrations-TOTAL_FORMS" not in html


def test_an_editor_cannot_export_registrants(role_client, make_event, make_registration):
    registration = make_registration(make_event(), name="Ana Secret")

    response = role_client("Editors").post(
        reverse("admin:events_registration_changelist"),
        {"action": "export_csv", "_selected_action": [registration.pk]},
    )

    assert response.status_code == 403
    assert "Ana Secret" not in response.content.decode()


def test_a_publisher_sees_and_exports_registrants(role_client, make_event, make_registration):
    event = make_event(registration_enabled=True)
    registration = make_registration(event, RegistrationStatus.CONFIRMED, name="Ana Visible")
    client = role_client("Publishers")

    form = client.get(reverse("admin:events_event_change", args=[event.pk]))
    export = client.post(
        reverse("admin:events_registration_changelist"),
        {"action": "export_csv", "_selected_action": [registration.pk]},
    )

    assert "Ana Visible" in form.content.decode()
    assert export.status_code == 200
    assert export["Content-Type"].startswith("text/csv")
    assert "Ana Visible" in export.content.decode()


def test_an_editor_is_offered_only_the_submission_step(role_client, make_initiative):
    make_initiative(status=Status.DRAFT)

    response = role_client("Editors").get(reverse("admin:initiatives_initiative_changelist"))

    choices = [value for value, _label in response.context["action_form"].fields["action"].choices]
    assert "submit_for_review" in choices
    assert not {"publish", "unpublish", "send_back"} & set(choices)


def test_a_publisher_is_offered_every_step(role_client, make_initiative):
    make_initiative(status=Status.DRAFT)

    response = role_client("Publishers").get(reverse("admin:initiatives_initiative_changelist"))

    choices = [value for value, _label in response.context["action_form"].fields["action"].choices]
    assert {"submit_for_review", "publish", "send_back", "unpublish"} <= set(choices)


def test_the_roles_migration_sets_the_groups_back_to_exactly_their_permissions(staff_roles):
    editors = Group.objects.get(name="Editors")
    editors.permissions.add(*Group.objects.get(name="Publishers").permissions.all())
    migration = importlib.import_module("sscportal.migrations.0004_staff_roles")

    migration.create_roles(django_apps, None)

    assert permissions_of("Editors") == EDITORS

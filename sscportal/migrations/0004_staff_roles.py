"""The two staff roles, as groups with exactly these permissions.

Editors write case studies, events and publications and submit them for review; they cannot
publish, unpublish or schedule, and see nothing of the people who registered for events.
Publishers have everything editors have, publish, and manage registrations.

Django creates content types and permissions only after all migrations have run, so on a new
database none exist yet: this migration creates those it names (with the names Django would
give them). Running it again sets the groups back to exactly these permissions.
"""

from django.db import migrations

# (app label, model, verbose name): the names of the permissions Django would create.
MODELS = {
    ("initiatives", "initiative"): "case study",
    ("initiatives", "initiativecountry"): "country and role",
    ("initiatives", "initiativeorganisation"): "organisation and role",
    ("initiatives", "cooperationform"): "form of cooperation",
    ("events", "event"): "event",
    ("events", "registration"): "registration",
    ("publications", "publication"): "publication",
    ("taxonomy", "country"): "country or area",
    ("taxonomy", "region"): "region",
    ("taxonomy", "theme"): "theme",
    ("taxonomy", "sdg"): "Sustainable Development Goal",
    ("taxonomy", "organisation"): "organisation",
    ("taxonomy", "source"): "source",
}

CUSTOM_NAMES = {
    "publish_initiative": "Can publish, unpublish and schedule case studies",
    "publish_event": "Can publish, unpublish and schedule events",
    "publish_publication": "Can publish, unpublish and schedule publications",
    "export_registration": "Can export registrants to CSV",
}

EDITORS = {
    "initiatives": [
        "add_initiative",
        "change_initiative",
        "view_initiative",
        # A case study's country and organisation rows are part of its form.
        "add_initiativecountry",
        "change_initiativecountry",
        "delete_initiativecountry",
        "view_initiativecountry",
        "add_initiativeorganisation",
        "change_initiativeorganisation",
        "delete_initiativeorganisation",
        "view_initiativeorganisation",
        "view_cooperationform",
    ],
    "events": ["add_event", "change_event", "view_event"],
    "publications": ["add_publication", "change_publication", "view_publication"],
    "taxonomy": [
        "view_country",
        "view_region",
        "view_theme",
        "view_sdg",
        # Every record cites its sources and names organisations: a new one must not wait.
        "add_organisation",
        "view_organisation",
        "add_source",
        "view_source",
    ],
}

PUBLISHERS_ALSO = {
    "initiatives": ["publish_initiative"],
    "events": [
        "publish_event",
        "view_registration",
        "change_registration",
        "export_registration",
    ],
    "publications": ["publish_publication"],
}


def permission(apps, app_label, codename):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    action, model = codename.split("_", 1)
    content_type, _created = ContentType.objects.get_or_create(app_label=app_label, model=model)
    if codename in CUSTOM_NAMES:
        name = CUSTOM_NAMES[codename]
    else:
        name = f"Can {action} {MODELS[app_label, model]}"
    found, _created = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return found


def permissions(apps, codenames_by_app):
    return [
        permission(apps, app_label, codename)
        for app_label, codenames in codenames_by_app.items()
        for codename in codenames
    ]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    editors = permissions(apps, EDITORS)
    publishers = editors + permissions(apps, PUBLISHERS_ALSO)
    Group.objects.get_or_create(name="Editors")[0].permissions.set(editors)
    Group.objects.get_or_create(name="Publishers")[0].permissions.set(publishers)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Publishers"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sscportal", "0003_seeded_record"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("initiatives", "0004_publish_permission"),
        ("events", "0004_publish_permission"),
        ("publications", "0002_publish_permission"),
        ("taxonomy", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]

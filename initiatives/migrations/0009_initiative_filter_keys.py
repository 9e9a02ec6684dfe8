"""The case studies' filter keys (what the list's filters read on PostgreSQL), behind a GIN
index there, filled for the case studies already stored."""

import django.contrib.postgres.indexes
from django.db import migrations

import core.fields
from core.migration_operations import AddFieldInPlace, AddIndexOnPostgreSQL


def fill_filter_keys(apps, schema_editor):
    from publishing.search import refresh_search_index

    Initiative = apps.get_model("initiatives", "Initiative")
    refresh_search_index(Initiative._base_manager.using(schema_editor.connection.alias).all())


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0008_trigram_search"),
        ("taxonomy", "0006_trigram_search"),
    ]

    operations = [
        AddFieldInPlace(
            model_name="initiative",
            name="filter_keys",
            field=core.fields.KeysField(),
        ),
        AddIndexOnPostgreSQL(
            model_name="initiative",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["filter_keys"], name="initiative_filter_keys_idx"
            ),
        ),
        migrations.RunPython(fill_filter_keys, migrations.RunPython.noop),
    ]

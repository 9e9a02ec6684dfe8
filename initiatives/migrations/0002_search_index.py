import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

from publishing.migration_operations import AddIndexOnPostgreSQL


def build_search_index(apps, schema_editor):
    from publishing.search import refresh_search_index

    Initiative = apps.get_model("initiatives", "Initiative")
    refresh_search_index(Initiative._base_manager.using(schema_editor.connection.alias).all())


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0001_initial"),
        ("taxonomy", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="initiative",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="initiative",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        AddIndexOnPostgreSQL(
            model_name="initiative",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="initiative_search_idx"
            ),
        ),
        migrations.RunPython(build_search_index, migrations.RunPython.noop),
    ]

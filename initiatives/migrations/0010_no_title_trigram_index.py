"""The trigram index of the case-study titles in every language goes (PostgreSQL only): a mistyped
search word is corrected through the search words' own index (publishing 0004)."""

from django.db import migrations

from core.migration_operations import RemoveIndexOnPostgreSQL


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0009_initiative_filter_keys"),
    ]

    operations = [
        RemoveIndexOnPostgreSQL(
            model_name="initiative",
            name="initiative_title_trgm_idx",
        ),
    ]

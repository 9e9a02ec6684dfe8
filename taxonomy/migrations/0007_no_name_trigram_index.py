"""The trigram index of the country names in every language goes (PostgreSQL only): a mistyped
search word is corrected through the search words' own index (publishing 0004)."""

from django.db import migrations

from core.migration_operations import RemoveIndexOnPostgreSQL


class Migration(migrations.Migration):
    dependencies = [
        ("taxonomy", "0006_trigram_search"),
    ]

    operations = [
        RemoveIndexOnPostgreSQL(
            model_name="country",
            name="country_name_trgm_idx",
        ),
    ]

"""The trigram index of the publication titles in every language goes (PostgreSQL only): a mistyped
search word is corrected through the search words' own index (publishing 0004)."""

from django.db import migrations

from core.migration_operations import RemoveIndexOnPostgreSQL


class Migration(migrations.Migration):
    dependencies = [
        ("publications", "0005_trigram_search"),
    ]

    operations = [
        RemoveIndexOnPostgreSQL(
            model_name="publication",
            name="publication_title_trgm_idx",
        ),
    ]

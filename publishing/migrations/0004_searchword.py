"""The words a mistyped search word is corrected to, with their trigram index (PostgreSQL only)."""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models

from core.migration_operations import AddIndexOnPostgreSQL


class Migration(migrations.Migration):
    dependencies = [
        ("publishing", "0003_spreadsheet_import"),
        ("taxonomy", "0006_trigram_search"),  # pg_trgm
    ]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                ("word", models.CharField(max_length=100, primary_key=True, serialize=False)),
                ("in_title", models.BooleanField(default=False)),
                ("in_name", models.BooleanField(default=False)),
            ],
        ),
        AddIndexOnPostgreSQL(
            model_name="searchword",
            index=GinIndex(
                fields=["word"], opclasses=["gin_trgm_ops"], name="search_word_trgm_idx"
            ),
        ),
    ]

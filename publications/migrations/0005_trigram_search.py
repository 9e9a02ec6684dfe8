"""The trigram index of publications' titles in every language (PostgreSQL only)."""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations, models
from django.db.models.functions import Concat

from core.migration_operations import AddIndexOnPostgreSQL


class Migration(migrations.Migration):
    dependencies = [
        ("publications", "0004_publication_editions"),
        ("taxonomy", "0006_trigram_search"),
    ]

    operations = [
        AddIndexOnPostgreSQL(
            model_name="publication",
            index=GinIndex(
                OpClass(
                    Concat(
                        models.F("title"),
                        models.Value(" "),
                        models.F("title_ar"),
                        models.Value(" "),
                        models.F("title_zh_hans"),
                        models.Value(" "),
                        models.F("title_fr"),
                        models.Value(" "),
                        models.F("title_ru"),
                        models.Value(" "),
                        models.F("title_es"),
                        output_field=models.TextField(),
                    ),
                    name="gin_trgm_ops",
                ),
                name="publication_title_trgm_idx",
            ),
        ),
    ]

"""The trigram index of case studies' titles in every language (PostgreSQL only)."""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations, models
from django.db.models.functions import Concat

from core.migration_operations import AddIndexOnPostgreSQL


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0007_replication"),
        ("taxonomy", "0006_trigram_search"),
    ]

    operations = [
        AddIndexOnPostgreSQL(
            model_name="initiative",
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
                name="initiative_title_trgm_idx",
            ),
        ),
    ]

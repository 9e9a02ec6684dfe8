"""pg_trgm, for close matches of titles and names ("Kenia", "ebolla"), and the trigram index of
the names of countries in every language. Both on PostgreSQL only."""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models
from django.db.models.functions import Concat

from core.migration_operations import AddIndexOnPostgreSQL


class Migration(migrations.Migration):
    dependencies = [
        ("taxonomy", "0005_source_details"),
    ]

    operations = [
        # Does nothing on a database other than PostgreSQL.
        TrigramExtension(),
        AddIndexOnPostgreSQL(
            model_name="country",
            index=GinIndex(
                OpClass(
                    Concat(
                        models.F("name"),
                        models.Value(" "),
                        models.F("name_ar"),
                        models.Value(" "),
                        models.F("name_zh_hans"),
                        models.Value(" "),
                        models.F("name_fr"),
                        models.Value(" "),
                        models.F("name_ru"),
                        models.Value(" "),
                        models.F("name_es"),
                        output_field=models.TextField(),
                    ),
                    name="gin_trgm_ops",
                ),
                name="country_name_trgm_idx",
            ),
        ),
    ]

"""The list's three orders (newest first, by title, by the project's start) each read from an
index alone, so that a page far into the list costs little more than the first; the index of
published ids becomes the first of them. The order by start puts the case studies with no start
year last, which SQLite cannot say in an index: PostgreSQL only."""

from django.db import migrations, models

from core.migration_operations import AddIndexOnPostgreSQL


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0011_theme_filter_keys"),
        ("taxonomy", "0007_no_name_trigram_index"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="initiative",
            name="initiative_pub_id_idx",
        ),
        migrations.AddIndex(
            model_name="initiative",
            index=models.Index(
                fields=["status", "-published_at", "title", "id"], name="initiative_pub_order_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="initiative",
            index=models.Index(
                fields=["status", "title", "published_at", "id"], name="initiative_title_order_idx"
            ),
        ),
        AddIndexOnPostgreSQL(
            model_name="initiative",
            index=models.Index(
                models.F("status"),
                models.OrderBy(models.F("start_year"), descending=True, nulls_last=True),
                models.OrderBy(models.F("published_at"), descending=True),
                models.F("id"),
                name="initiative_start_order_idx",
            ),
        ),
    ]

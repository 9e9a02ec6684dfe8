"""The list's newest-first index also holds each project's start and end years and its status, so
that the year filters ("active from", "active until") are read in the index alone, in the list's
order, without the table."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0012_list_order_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="initiative",
            name="initiative_pub_order_idx",
        ),
        migrations.AddIndex(
            model_name="initiative",
            index=models.Index(
                fields=[
                    "status",
                    "-published_at",
                    "title",
                    "id",
                    "start_year",
                    "end_year",
                    "project_status",
                ],
                name="initiative_pub_order_idx",
            ),
        ),
    ]

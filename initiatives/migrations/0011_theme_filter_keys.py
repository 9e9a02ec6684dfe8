"""The case studies' filter keys gain their themes ("theme:<id>"): the theme filter and the
related case studies read them on PostgreSQL. Only the keys are rewritten here, a batch at a
time; the search texts and vectors are as they were."""

from django.db import migrations

BATCH = 2000


def add_theme_keys(apps, schema_editor):
    from initiatives.search import build_filter_keys, filter_key_reads

    Initiative = apps.get_model("initiatives", "Initiative")
    manager = Initiative._base_manager.using(schema_editor.connection.alias)
    pks = list(manager.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        records = filter_key_reads(
            manager.filter(pk__in=pks[start : start + BATCH]).only("pk", "filter_keys")
        )
        changed = []
        for record in records:
            keys = sorted(build_filter_keys(record))
            if keys != record.filter_keys:
                record.filter_keys = keys
                changed.append(record)
        manager.bulk_update(changed, ["filter_keys"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0010_no_title_trigram_index"),
    ]

    operations = [
        migrations.RunPython(add_theme_keys, migrations.RunPython.noop),
    ]

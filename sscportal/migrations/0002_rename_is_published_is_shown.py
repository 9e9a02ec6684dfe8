from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("sscportal", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(
            model_name="aboutsection", old_name="is_published", new_name="is_shown"
        ),
        migrations.RenameField(
            model_name="keyfigure", old_name="is_published", new_name="is_shown"
        ),
    ]

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaxonomyConfig(AppConfig):
    name = "taxonomy"
    verbose_name = _("Reference data")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from publishing.choices import content_changed

        # Filter choices are built from these: a change makes every process reload them.
        for model_name in ("Region", "Country", "SDG", "Theme"):
            model = self.get_model(model_name)
            post_save.connect(content_changed, sender=model, dispatch_uid=f"choices-{model_name}")
            post_delete.connect(
                content_changed, sender=model, dispatch_uid=f"choices-{model_name}-delete"
            )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "publishing"
    verbose_name = _("Publishing")

    def ready(self):
        from core.choice_cache import register_due_moments

        from .models import publication_moments

        # What is kept for the content version changes when a scheduled record comes due.
        register_due_moments(publication_moments)

from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class CoreConfig(AppConfig):
    default = True
    name = "core"
    verbose_name = _("Building blocks")

    def ready(self):
        # The choice cache and the page cache connect their invalidation to `content_changed`.
        # An operator class (the trigram indexes' gin_trgm_ops of the earlier migrations) goes
        # after an indexed expression's parentheses, not inside them: what django.contrib.postgres
        # does when installed, which the portal is not (it needs none of the rest).
        from django.contrib.postgres.indexes import OpClass
        from django.db.models import OrderBy
        from django.db.models.functions import Collate
        from django.db.models.indexes import IndexExpression

        from . import choice_cache, page_cache  # noqa: F401

        IndexExpression.register_wrappers(OrderBy, OpClass, Collate)


class SignInAttemptsConfig(AxesAppConfig):
    """django-axes, under a name staff recognise in the admin's index."""

    verbose_name = _("Sign-in attempts and lockouts")


class BackgroundTasksConfig(TasksAppConfig):
    """django-tasks' database backend: the e-mails and clean-ups waiting for the worker."""

    verbose_name = _("Background tasks")

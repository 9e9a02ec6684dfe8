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
        from . import choice_cache, page_cache  # noqa: F401


class SignInAttemptsConfig(AxesAppConfig):
    """django-axes, under a name staff recognise in the admin's index."""

    verbose_name = _("Sign-in attempts and lockouts")


class BackgroundTasksConfig(TasksAppConfig):
    """django-tasks' database backend: the e-mails and clean-ups waiting for the worker."""

    verbose_name = _("Background tasks")

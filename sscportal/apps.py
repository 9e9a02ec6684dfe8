from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class SSCPortalConfig(AppConfig):
    default = True
    name = "sscportal"
    # What staff find here in the admin: the home page's key figures and the About page.
    verbose_name = _("Site pages")


class PortalAdminConfig(admin_apps.AdminConfig):
    """The Django admin with the portal's own site (admin_site.py) as `admin.site`, so that every
    `@admin.register` lands on it."""

    default = False  # INSTALLED_APPS names it; "sscportal" alone means SSCPortalConfig
    default_site = "sscportal.admin_site.PortalAdminSite"

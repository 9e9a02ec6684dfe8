"""The admin site: Django's, with the newsroom dashboard (dashboard.py) as its home page.

It is `admin.site` (PortalAdminConfig.default_site), so the apps register their admins on it as
usual. This module is imported while the apps' admin modules load: it imports no models.
"""

from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _


class PortalAdminSite(admin.AdminSite):
    site_header = _("SSC Portal administration")
    site_title = _("SSC Portal")
    index_title = _("Newsroom")
    index_template = "admin/dashboard.html"

    def get_urls(self):
        from .staff_guide import example_view, guide_view

        return [
            path("guide/", self.admin_view(guide_view), name="staff_guide"),
            path("guide/examples/<str:name>", self.admin_view(example_view), name="staff_example"),
            *super().get_urls(),
        ]

    def index(self, request, extra_context=None):
        from .dashboard import dashboard

        context = {**dashboard(self, request), **(extra_context or {})}
        return super().index(request, context)

"""/api/v1/: the records, the OpenAPI schema (JSON and YAML) and its interactive documentation."""

from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularJSONAPIView,
    SpectacularSwaggerSplitView,
    SpectacularYAMLAPIView,
)
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"

router = DefaultRouter()
router.register("case-studies", views.CaseStudyViewSet, basename="case-study")
router.register("events", views.EventViewSet, basename="event")
router.register("publications", views.PublicationViewSet, basename="publication")
router.register("countries", views.CountryViewSet, basename="country")
router.register("regions", views.RegionViewSet, basename="region")
router.register("sdgs", views.SDGViewSet, basename="sdg")
router.register("sdg-targets", views.TargetViewSet, basename="sdg-target")
router.register("themes", views.ThemeViewSet, basename="theme")
router.register("organisations", views.OrganisationViewSet, basename="organisation")

# Swagger UI, from the portal's own static files: its page fetches the schema, and its
# stylesheet draws icons from data: addresses.
docs = csp_update({"connect-src": ["'self'"], "img-src": ["'self'", "data:"]})(
    SpectacularSwaggerSplitView.as_view(url_name="api:schema")
)

urlpatterns = [
    path("schema/", SpectacularJSONAPIView.as_view(), name="schema"),
    path("schema.yaml", SpectacularYAMLAPIView.as_view(), name="schema-yaml"),
    path("docs/", docs, name="docs"),
    path("", include(router.urls)),
]

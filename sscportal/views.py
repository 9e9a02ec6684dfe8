"""Pages that compose several apps, and the health endpoint."""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from initiatives.models import Initiative
from initiatives.views import COUNTRY_ROLES


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        published = Initiative.objects.published()
        featured = list(
            published.filter(featured=True)
            .prefetch_related(COUNTRY_ROLES, "regions")
            .only("title", "slug", "summary", "modality", "start_year", "end_year")[:6]
        )
        context["featured"] = featured
        return context


class AboutView(TemplateView):
    template_name = "about.html"


@never_cache
def health(request):
    """For load balancers and monitoring: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok"})

"""Pages that compose several apps, and the health endpoint."""

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe
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


@require_safe
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    """Everything public may be crawled; the admin, in every language, may not."""
    lines = ["User-agent: *", "Disallow: /admin/"]
    lines += [f"Disallow: /{code}/admin/" for code, _name in settings.LANGUAGES]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")

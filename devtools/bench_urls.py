"""The portal's addresses plus the benchmark ceiling (only under devtools.bench_settings)."""

from django.http import HttpResponse
from django.urls import path

from sscportal import urls as portal_urls


def ceiling(request):
    """Through the whole middleware stack, but no database, template or session: the most a
    Django page can be served at on this machine."""
    return HttpResponse(b"ceiling\n", content_type="text/plain")


urlpatterns = [path("bench/ceiling/", ceiling), *portal_urls.urlpatterns]
handler500 = portal_urls.handler500

"""How pages are served: robots.txt, compression, static files, and the benchmark ceiling."""

import gzip
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.http import HttpResponse
from django.test import RequestFactory
from whitenoise.middleware import WhiteNoiseMiddleware


def test_robots_txt_keeps_crawlers_out_of_the_admin_in_every_language(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines
    for code, _name in settings.LANGUAGES:
        assert f"Disallow: /{code}/admin/" in lines
    assert "Disallow: /" not in lines  # the public pages stay open
    assert "max-age=86400" in response["Cache-Control"]


def test_robots_txt_answers_only_reads(client):
    assert client.post("/robots.txt").status_code == 405
    assert client.head("/robots.txt").status_code == 200


@pytest.mark.django_db
def test_pages_are_gzip_compressed_for_clients_that_accept_it(client):
    plain = client.get("/about/")
    packed = client.get("/about/", headers={"accept-encoding": "gzip, br"})

    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 2


def test_the_benchmark_ceiling_is_not_an_address_of_the_portal(client):
    assert client.get("/bench/ceiling/").status_code == 404


@pytest.mark.urls("devtools.bench_urls")
@pytest.mark.django_db
def test_the_benchmark_addresses_are_the_portals_plus_a_bare_ceiling(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/bench/ceiling/")
    assert response.status_code == 200
    assert response.content == b"ceiling\n"
    assert client.get("/about/").status_code == 200


def test_static_files_are_served_hashed_compressed_and_cached_for_good(db, settings, tmp_path):
    """As in production: collectstatic writes content-hashed names with gzip and Brotli copies,
    and WhiteNoise answers them compressed with far-future cache headers."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = False
    call_command("collectstatic", "--noinput", verbosity=0)
    url = staticfiles_storage.url("css/site.css")
    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", url)
    hashed = settings.STATIC_ROOT / url.removeprefix("/static/")
    assert hashed.with_name(hashed.name + ".gz").exists()
    assert hashed.with_name(hashed.name + ".br").exists()

    serve = WhiteNoiseMiddleware(get_response=lambda request: HttpResponse(status=404))
    for accepted, encoding in (("br, gzip", "br"), ("gzip", "gzip")):
        response = serve(RequestFactory().get(url, HTTP_ACCEPT_ENCODING=accepted))
        assert response.status_code == 200
        assert response["Content-Encoding"] == encoding
        assert "max-age=315360000" in response["Cache-Control"]
        assert "immutable" in response["Cache-Control"]
        response.close()
    plain = serve(RequestFactory().get("/static/css/site.css"))
    assert plain.status_code == 200  # the unhashed name too, but only briefly cached
    assert "max-age=315360000" not in plain["Cache-Control"]
    plain.close()

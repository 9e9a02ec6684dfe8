"""How pages are served: robots.txt, compression, and the benchmark ceiling."""

import gzip

import pytest
from django.conf import settings


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

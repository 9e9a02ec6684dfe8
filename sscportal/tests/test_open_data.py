"""The open-data page: what is published, under which licence, how to cite it, where the API and
its documentation are; robots.txt keeps crawlers out of the API's lists but not its documentation;
the page is in the sitemap in every language."""

import re

import pytest

from publishing.models import Status

pytestmark = pytest.mark.django_db


def test_the_page_states_the_licence_the_attributions_and_the_api(client, make_initiative):
    make_initiative("Shown")
    make_initiative("Hidden", status=Status.DRAFT)

    page = client.get("/open-data/").content.decode()

    assert "<li>1 case study of South-South and triangular cooperation</li>" in page
    assert 'href="https://creativecommons.org/licenses/by/4.0/" rel="license"' in page
    assert "CC BY 4.0" in page
    assert "United Nations Statistics Division" in page and "resolution 70/1" in page
    assert 'href="/api/v1/docs/"' in page and 'href="/api/v1/schema.yaml"' in page
    assert "open data, http://testserver/open-data/, accessed" in page
    assert '<a href="/open-data/iati-activities.xml"><code>iati-activities.xml</code></a>' in page
    assert '<a href="/initiatives/download.csv" rel="nofollow">CSV</a>' in page
    assert '<a href="/publications/download.json" rel="nofollow">JSON</a>' in page
    assert re.search(r"<dt><bdi dir=\"ltr\">1\.0\.0</bdi>, \d+ \w+ 20\d\d</dt>", page)


def test_every_page_links_to_it(client):
    assert '<a href="/open-data/">Open data</a>' in client.get("/").content.decode()
    assert '<a href="/fr/open-data/">' in client.get("/fr/").content.decode()


def test_robots_keep_crawlers_out_of_the_api_lists_but_not_its_documentation(client):
    robots = client.get("/robots.txt").content.decode().splitlines()

    assert "Disallow: /api/" in robots
    assert robots.index("Allow: /api/v1/docs/") < robots.index("Disallow: /api/")
    assert robots.index("Allow: /api/v1/schema/") < robots.index("Disallow: /api/")


def test_the_page_is_in_the_sitemap_in_every_language(client):
    sitemap = client.get("/sitemap-pages.xml").content.decode()

    assert "<loc>http://testserver/open-data/</loc>" in sitemap
    assert 'hreflang="zh-hans" href="http://testserver/zh-hans/open-data/"' in sitemap

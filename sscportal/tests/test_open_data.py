"""The open-data page: what is published, under which licence, how to cite it, where the API and
its documentation are; robots.txt keeps crawlers out of the API's lists but not its documentation;
the page is in the sitemap in every language."""

import csv
import datetime
import io
import json
import re

import openpyxl
import pytest
from django.utils import timezone
from lxml import etree

from initiatives.models import OrganisationRole, ProjectStatus
from publishing.models import Status
from taxonomy.models import Organisation

pytestmark = pytest.mark.django_db


def test_the_page_states_the_licence_the_attributions_and_the_api(
    client, make_initiative, make_organisation
):
    ministry = make_organisation("Ministry of Health", kind=Organisation.Kind.GOVERNMENT)
    make_initiative(
        "Shown",
        project_status=ProjectStatus.COMPLETED,
        start_year=2014,
        organisations={ministry: OrganisationRole.IMPLEMENTING},
    )
    make_initiative("Hidden", status=Status.DRAFT)

    page = client.get("/open-data/").content.decode()

    assert "<li>1 case study of South-South and triangular cooperation</li>" in page
    assert 'href="https://creativecommons.org/licenses/by/4.0/" rel="license"' in page
    assert "CC BY 4.0" in page
    assert "United Nations Statistics Division" in page and "resolution 70/1" in page
    assert 'href="/api/v1/docs/"' in page and 'href="/api/v1/schema.yaml"' in page
    assert "open data, http://testserver/open-data/, accessed" in page
    assert '<a href="/open-data/iati-activities.xml"><code>iati-activities.xml</code></a>' in page
    assert "1 case study gives all three and is in the file" in page
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


def test_without_a_case_study_iati_can_take_the_page_does_not_link_the_file(
    client, make_initiative
):
    make_initiative("No status, no years, no organisation")

    page = client.get("/open-data/").content.decode()

    assert "iati-activities.xml" not in page
    assert "None does yet." in page


def slugs_in_download(client, path, file_format):
    response = client.get(f"/{path}/download.{file_format}")
    assert response.status_code == 200, (path, file_format)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if file_format == "csv":
        rows = csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline=""))
        return {row["slug"] for row in rows}
    if file_format == "json":
        return {row["slug"] for row in json.loads(body)}
    sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).active
    header, *rows = sheet.iter_rows(values_only=True)
    return {row[header.index("slug")] for row in rows}


def test_a_record_not_yet_public_is_in_no_api_answer_download_or_iati_file(
    client, settings, make_initiative, make_event, make_publication, make_organisation
):
    """Drafts, records in review and scheduled records of every type, each as complete as a
    public one (a case study with all IATI asks), against every open-data door."""
    settings.DOWNLOAD_LIMIT_PER_CLIENT = 100
    ministry = make_organisation("Ministry of Health", kind=Organisation.Kind.GOVERNMENT)
    complete = {
        "project_status": ProjectStatus.ONGOING,
        "start_year": 2020,
        "organisations": {ministry: OrganisationRole.IMPLEMENTING},
    }
    later = timezone.now() + datetime.timedelta(days=3)
    kinds = {
        "initiatives": ("case-studies", lambda title, **f: make_initiative(title, **complete, **f)),
        "events": ("events", make_event),
        "publications": ("publications", make_publication),
    }
    shown, hidden = {}, {}
    for path, (_api_path, make) in kinds.items():
        shown[path] = {make("Public").slug}
        hidden[path] = {
            make("Draft", status=Status.DRAFT).slug,
            make("In review", status=Status.IN_REVIEW).slug,
            make("Scheduled", published_at=later).slug,
        }

    for path, (api_path, _make) in kinds.items():
        listed = client.get(f"/api/v1/{api_path}/?page_size=100").json()["results"]
        assert {item["slug"] for item in listed} == shown[path], api_path
        for slug in hidden[path]:
            assert client.get(f"/api/v1/{api_path}/{slug}/").status_code == 404, slug
        for file_format in ("csv", "xlsx", "json"):
            assert slugs_in_download(client, path, file_format) == shown[path]

    iati = etree.fromstring(client.get("/open-data/iati-activities.xml").content)
    pages = {
        link.get("url").rstrip("/").rsplit("/", 1)[-1]
        for link in iati.iterfind("iati-activity/document-link")
    }
    assert pages == shown["initiatives"]

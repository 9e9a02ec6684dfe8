"""The read API through its addresses: what it lists, in which language, filtered as the pages
filter, trimmed, paged, cached by clients, and never anything the public may not see."""

import datetime
import json
from email.utils import parsedate_to_datetime
from io import StringIO

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.signals import send_content_changed
from devtools.samples import pdf_bytes
from initiatives.models import CountryRole, Initiative, Modality
from publications.models import PublicationEdition
from publishing.models import Status

pytestmark = pytest.mark.django_db

BASE = "http://testserver"


def get(client, url, **headers):
    response = client.get(url, **headers)
    assert response["Content-Type"].startswith("application/json"), response.content[:300]
    return response, json.loads(response.content)


@pytest.fixture
def portal_content(db):
    call_command("load_portal_content", stdout=StringIO())


def test_the_root_names_every_list(client):
    response, body = get(client, "/api/v1/")

    assert response.status_code == 200
    assert set(body) == {
        "case-studies",
        "events",
        "publications",
        "countries",
        "regions",
        "sdgs",
        "sdg-targets",
        "themes",
        "organisations",
    }
    assert body["case-studies"] == f"{BASE}/api/v1/case-studies/"


def test_a_case_study_lists_with_links_roles_and_iso_dates(
    client, make_initiative, countries, sdgs
):
    initiative = make_initiative(
        "Solar pumps",
        countries={
            countries["kenya"]: CountryRole.BENEFICIARY,
            countries["chile"]: CountryRole.PROVIDER,
        },
        sdgs=[sdgs[3]],
    )

    response, body = get(client, "/api/v1/case-studies/")

    assert response.status_code == 200
    assert body["count"] == 1
    (item,) = body["results"]
    assert item["url"] == f"{BASE}/api/v1/case-studies/{initiative.slug}/"
    assert item["page"] == f"{BASE}/initiatives/{initiative.slug}/"
    assert item["title"] == "Solar pumps"
    assert {(c["iso2"], c["role"]) for c in item["countries"]} == {
        ("KE", "beneficiary"),
        ("CL", "provider"),
    }
    assert item["countries"][0]["url"].startswith(f"{BASE}/api/v1/countries/")
    assert item["sdgs"] == [
        {"url": f"{BASE}/api/v1/sdgs/3/", "number": 3, "short_name": sdgs[3].short_name}
    ]
    published = datetime.datetime.fromisoformat(item["published_at"])
    assert published.utcoffset() is not None


def test_drafts_in_review_and_scheduled_records_are_never_served(
    client, make_initiative, make_event, make_publication
):
    later = timezone.now() + datetime.timedelta(days=3)
    hidden = []
    for make, path in (
        (make_initiative, "case-studies"),
        (make_event, "events"),
        (make_publication, "publications"),
    ):
        shown = make("Shown")
        hidden += [
            (path, make("Draft", status=Status.DRAFT).slug),
            (path, make("In review", status=Status.IN_REVIEW).slug),
            (path, make("Scheduled", published_at=later).slug),
        ]
        _response, body = get(client, f"/api/v1/{path}/?page_size=100")
        assert [item["slug"] for item in body["results"]] == [shown.slug], path

    for path, slug in hidden:
        response, _body = get(client, f"/api/v1/{path}/{slug}/")
        assert response.status_code == 404, (path, slug)


def test_the_filters_are_the_public_list_s(client, make_initiative, countries):
    make_initiative(
        "Bilateral one",
        modality=Modality.BILATERAL,
        countries={countries["kenya"]: CountryRole.BENEFICIARY},
    )
    make_initiative("Regional one", modality=Modality.REGIONAL)

    _r, by_modality = get(client, "/api/v1/case-studies/?modality=regional")
    _r, by_country = get(client, "/api/v1/case-studies/?country=KE")
    _r, by_words = get(client, "/api/v1/case-studies/?q=bilateral")
    page = client.get("/initiatives/?modality=regional").content.decode()

    assert [item["title"] for item in by_modality["results"]] == ["Regional one"]
    assert "Regional one" in page and "Bilateral one" not in page
    assert [item["title"] for item in by_country["results"]] == ["Bilateral one"]
    assert [item["title"] for item in by_words["results"]] == ["Bilateral one"]


@pytest.mark.parametrize(
    "query",
    [
        "modality=sideways",
        "country=ZZ",
        "year_from=abc",
        "sort=random",
        "page=999",
        "page_size=x",
        "page_size=1000",
    ],
)
def test_a_value_a_filter_cannot_take_is_a_4xx_that_names_it(client, make_initiative, query):
    make_initiative("Any")

    response, body = get(client, f"/api/v1/case-studies/?{query}")

    assert 400 <= response.status_code < 500
    assert body


def test_texts_come_in_the_language_asked_for_else_in_english(client, make_initiative):
    initiative = make_initiative(
        "Clean cookstoves", summary="Stoves for schools.", title_fr="Des foyers améliorés"
    )
    url = f"/api/v1/case-studies/{initiative.slug}/"

    _r, by_parameter = get(client, f"{url}?lang=fr")
    response, by_header = get(client, url, HTTP_ACCEPT_LANGUAGE="fr-CH, fr;q=0.9")
    _r, english = get(client, url)

    for body in (by_parameter, by_header):
        assert body["title"] == "Des foyers améliorés"
        assert body["summary"] == "Stoves for schools."
        assert body["languages"]["title"] == "fr"
        assert body["languages"]["summary"] == "en"
        assert body["page"] == f"{BASE}/fr/initiatives/{initiative.slug}/"
    assert response["Content-Language"] == "fr"
    assert "Accept-Language" in response["Vary"]
    assert english["title"] == "Clean cookstoves"
    bad, body = get(client, f"{url}?lang=xx")
    assert bad.status_code == 400 and "lang" in body


def test_fields_trims_each_record_and_an_unknown_field_is_refused(client, make_initiative):
    make_initiative("Trimmed")

    _r, body = get(client, "/api/v1/case-studies/?fields=title,url")
    bad, error = get(client, "/api/v1/case-studies/?fields=title,secret")

    assert body["results"] == [{"url": body["results"][0]["url"], "title": "Trimmed"}]
    assert bad.status_code == 400 and "secret" in json.dumps(error)


def test_pages_are_stable_and_complete(client, make_initiative):
    now = timezone.now()
    for number in range(7):
        # Several published at the same moment: the order still holds, by a unique key.
        make_initiative(f"Case {number}", published_at=now - datetime.timedelta(days=number // 3))

    slugs = []
    url = "/api/v1/case-studies/?page_size=3"
    while url:
        _r, body = get(client, url)
        slugs += [item["slug"] for item in body["results"]]
        url = body["next"]
    _r, again = get(client, "/api/v1/case-studies/?page_size=100")

    assert len(slugs) == len(set(slugs)) == 7
    assert slugs == [item["slug"] for item in again["results"]]


def test_an_unchanged_answer_is_a_304(client, make_initiative):
    make_initiative("Cached")
    first = client.get("/api/v1/case-studies/")

    again = client.get("/api/v1/case-studies/", HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200 and first["ETag"]
    assert again.status_code == 304
    make_initiative("Another")
    assert client.get("/api/v1/case-studies/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_an_answer_says_when_content_last_changed_and_is_a_304_since(client, make_initiative):
    make_initiative("First")
    first = client.get("/api/v1/case-studies/")
    since = first["Last-Modified"]

    assert client.get("/api/v1/case-studies/", HTTP_IF_MODIFIED_SINCE=since).status_code == 304
    assert client.get("/api/v1/themes/", HTTP_IF_MODIFIED_SINCE=since).status_code == 304
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=2), tick=False):
        make_initiative("Another")
        again = client.get("/api/v1/case-studies/", HTTP_IF_MODIFIED_SINCE=since)
    assert again.status_code == 200
    assert parsedate_to_datetime(again["Last-Modified"]) > parsedate_to_datetime(since)


def test_a_record_out_at_its_scheduled_time_moves_last_modified(client, make_initiative):
    moment = timezone.now().replace(microsecond=0) + datetime.timedelta(days=2)
    make_initiative("Out already")
    make_initiative("Scheduled", published_at=moment)
    before = client.get("/api/v1/case-studies/")

    with time_machine.travel(moment + datetime.timedelta(seconds=1), tick=False):
        after = client.get("/api/v1/case-studies/", HTTP_IF_MODIFIED_SINCE=before["Last-Modified"])

    assert after.status_code == 200
    assert parsedate_to_datetime(after["Last-Modified"]) == moment


def test_any_origin_may_read_it(client, make_initiative):
    make_initiative("Shared")

    response = client.get("/api/v1/case-studies/", HTTP_ORIGIN="https://dashboard.example.org")
    preflight = client.options(
        "/api/v1/case-studies/",
        HTTP_ORIGIN="https://dashboard.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )

    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert "POST" not in preflight["Access-Control-Allow-Methods"]


def test_writing_is_refused(client, make_initiative):
    initiative = make_initiative("Read only")

    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(
            f"/api/v1/case-studies/{initiative.slug}/", data="{}", content_type="application/json"
        )
        assert response.status_code == 405, method


def test_too_many_requests_get_a_429_with_retry_after(client, settings, make_initiative):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    make_initiative("Popular")

    statuses = [client.get("/api/v1/themes/").status_code for _ in range(5)]
    refused = client.get("/api/v1/themes/")

    assert statuses[:3] == [200, 200, 200]
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60


@pytest.mark.parametrize(
    ("path", "make_count"),
    [("case-studies", "initiative"), ("events", "event"), ("publications", "publication")],
)
def test_a_list_costs_the_same_queries_for_one_record_or_thirty(
    client,
    path,
    make_count,
    make_initiative,
    make_event,
    make_publication,
    countries,
    sdgs,
    make_theme,
):
    make = {"initiative": make_initiative, "event": make_event, "publication": make_publication}[
        make_count
    ]
    theme = make_theme("Health")

    def make_one(number):
        if make_count == "initiative":
            return make(
                f"Record {number}",
                countries={countries["kenya"]: CountryRole.BENEFICIARY},
                sdgs=[sdgs[3]],
                themes=[theme],
            )
        if make_count == "publication":
            return make(f"Record {number}", themes=[theme], sdgs=[sdgs[3]])
        return make(f"Record {number}", themes=[theme])

    def queries(url):
        """The queries of `url` asked right after a content change, and asked again."""
        send_content_changed(Initiative)
        with CaptureQueriesContext(connection) as cold:
            response, body = get(client, url)
        with CaptureQueriesContext(connection) as warm:
            assert get(client, url)[1] == body
        return body, len(cold), len(warm)

    url = f"/api/v1/{path}/?page_size=50"
    make_one(0)
    client.get(url)  # what a process loads once (the publication moments) is loaded
    body, cold_one, warm_one = queries(url)
    assert body["count"] == 1
    for number in range(1, 30):
        make_one(number)
    body, cold_thirty, warm_thirty = queries(url)
    assert body["count"] == 30
    assert cold_thirty == cold_one
    # Asked again, the count and every record are kept: the page's keys are the one query.
    assert warm_one == warm_thirty == 1


def test_reference_data_in_six_languages(client, portal_content):
    _r, kenya = get(client, "/api/v1/countries/KE/?lang=ru")
    _r, goal = get(client, "/api/v1/sdgs/8/?lang=zh-hans")
    _r, target = get(client, "/api/v1/sdg-targets/8.2/?lang=fr")
    _r, ldcs = get(client, "/api/v1/countries/?is_ldc=true&region=202&page_size=100")
    _r, regions = get(client, "/api/v1/regions/?level=1")

    assert kenya["name"] == "Кения"
    assert kenya["region"]["m49_code"] == "014"
    assert goal["number"] == 8 and len(goal["targets"]) == 12
    assert goal["short_name"] and all(ord(char) > 0x2E80 for char in goal["short_name"][:1])
    assert target["goal"] == f"{BASE}/api/v1/sdgs/8/"
    assert target["text"].startswith("Maintenir") or "productivité" in target["text"]
    assert ldcs["count"] > 20 and all(country["is_ldc"] for country in ldcs["results"])
    assert {region["m49_code"] for region in regions["results"]} == {
        "002",
        "009",
        "019",
        "142",
        "150",
    }


def test_the_schema_comes_as_json_and_yaml_and_the_docs_are_the_portal_s_own(client):
    json_schema = client.get("/api/v1/schema/")
    yaml_schema = client.get("/api/v1/schema.yaml")
    docs = client.get("/api/v1/docs/")

    schema = json.loads(json_schema.content)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/case-studies/" in schema["paths"]
    assert "/api/v1/case-studies/{key}/" in schema["paths"]
    assert yaml_schema.status_code == 200 and b"openapi:" in yaml_schema.content
    page = docs.content.decode()
    assert docs.status_code == 200
    assert "cdn" not in page.lower() and "unpkg" not in page and "jsdelivr" not in page
    assert "/static/drf_spectacular_sidecar/" in page
    policy = docs["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_an_event_never_gives_its_online_link(client, make_event):
    event = make_event("Webinar", online_url="https://meet.example.org/secret-room")

    response = client.get(f"/api/v1/events/{event.slug}/")

    assert response.status_code == 200
    assert b"secret-room" not in response.content


def test_a_publication_lists_its_editions_with_where_to_read_them(client, make_publication):
    publication = make_publication("Made in Africa", slug="made-in-africa")
    PublicationEdition.objects.create(
        publication=publication,
        language="fr",
        title="Fabriqué en Afrique",
        external_url="https://example.org/fr/",
    )
    PublicationEdition.objects.create(
        publication=publication,
        language="ar",
        title="صنع في أفريقيا",
        document=ContentFile(pdf_bytes(), name="a.pdf"),
    )

    response = client.get("/api/v1/publications/made-in-africa/")

    assert response.status_code == 200
    assert response.json()["editions"] == [
        {
            "language": "ar",
            "title": "صنع في أفريقيا",
            "url": "http://testserver/publications/made-in-africa/editions/ar/download/",
        },
        {"language": "fr", "title": "Fabriqué en Afrique", "url": "https://example.org/fr/"},
    ]


def test_every_value_the_schema_offers_a_filter_is_accepted(client, settings, portal_content):
    """A choice list grouped on the page (targets under their goals) offers its values, never the
    group's own name, and the API takes each of them, in English and in Arabic."""
    settings.API_RATE_LIMIT_PER_MINUTE = 100_000
    schema = json.loads(client.get("/api/v1/schema/").content)
    checked = 0
    for path, operations in schema["paths"].items():
        if "{" in path:
            continue
        for parameter in operations["get"].get("parameters", []):
            values = parameter.get("schema", {}).get("enum")
            if parameter["in"] != "query" or not values or parameter["name"] == "fields":
                continue
            for value in values:
                for lang in ("en", "ar"):
                    response = client.get(path, {parameter["name"]: value, "lang": lang})
                    assert response.status_code == 200, (path, parameter["name"], value, lang)
                    checked += 1
    assert checked > 200
    targets = schema["paths"]["/api/v1/case-studies/"]["get"]["parameters"]
    target_values = next(p for p in targets if p["name"] == "target")["schema"]["enum"]
    assert "8.2" in target_values and not any("Goal" in value for value in target_values)


def test_past_the_limit_the_docs_page_is_a_429_page_too(client, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 2
    for _ in range(2):
        client.get("/api/v1/schema/")

    refused = client.get("/api/v1/docs/", HTTP_ACCEPT="text/html")

    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert '<h1 id="error-title">Too many requests</h1>' in refused.content.decode()

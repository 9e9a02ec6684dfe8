"""The API keeps what it says of each record, and each list's count, for the content state:
asked again, a list is one query and a record none, and every change shows on the next request."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from publishing.models import Status

pytestmark = pytest.mark.django_db

MOMENT = timezone.now().replace(microsecond=0) + timedelta(days=10)


def body(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, response.content[:300]
    return json.loads(response.content)


def titles(client, url, **headers):
    return [record["title"] for record in body(client, url, **headers)["results"]]


@pytest.mark.parametrize("path", ["case-studies", "events", "publications"])
def test_a_record_asked_again_costs_no_query_and_is_the_same(
    client, path, make_initiative, make_event, make_publication
):
    make = {"case-studies": make_initiative, "events": make_event}.get(path, make_publication)
    record = make("Solar pumps")
    url = f"/api/v1/{path}/{record.slug}/"
    first = body(client, url)

    with CaptureQueriesContext(connection) as queries:
        again = body(client, url)

    assert again == first
    assert len(queries) == 0


def test_a_change_shows_on_the_next_request_of_a_list_and_a_record(client, make_initiative):
    record = make_initiative("Solar pumps")
    url = f"/api/v1/case-studies/{record.slug}/"
    assert titles(client, "/api/v1/case-studies/") == ["Solar pumps"]
    assert body(client, url)["title"] == "Solar pumps"

    record.title = "Solar water pumps"
    record.save()

    assert titles(client, "/api/v1/case-studies/") == ["Solar water pumps"]
    assert body(client, url)["title"] == "Solar water pumps"

    record.status = Status.DRAFT
    record.save()

    listed = body(client, "/api/v1/case-studies/")
    assert (listed["count"], listed["results"]) == (0, [])
    assert client.get(url).status_code == 404


def test_a_scheduled_record_is_listed_and_served_from_its_moment(client, make_initiative):
    with time_machine.travel(MOMENT - timedelta(days=1), tick=False):
        make_initiative("Already out")
        scheduled = make_initiative("Scheduled", published_at=MOMENT)
    url = f"/api/v1/case-studies/{scheduled.slug}/"

    with time_machine.travel(MOMENT - timedelta(seconds=1), tick=False):
        listed = body(client, "/api/v1/case-studies/")
        assert (listed["count"], titles(client, "/api/v1/case-studies/")) == (1, ["Already out"])
        assert client.get(url).status_code == 404

    with time_machine.travel(MOMENT, tick=False):
        listed = body(client, "/api/v1/case-studies/")
        assert listed["count"] == 2
        assert [record["title"] for record in listed["results"]] == ["Scheduled", "Already out"]
        assert body(client, url)["title"] == "Scheduled"


def test_kept_records_keep_their_language_and_their_host_apart(client, make_initiative):
    make_initiative("Solar pumps", title_fr="Pompes solaires")

    assert titles(client, "/api/v1/case-studies/?lang=fr") == ["Pompes solaires"]
    assert titles(client, "/api/v1/case-studies/") == ["Solar pumps"]
    assert titles(client, "/api/v1/case-studies/", HTTP_ACCEPT_LANGUAGE="fr") == ["Pompes solaires"]

    one = body(client, "/api/v1/case-studies/")["results"][0]
    other = body(client, "/api/v1/case-studies/", HTTP_HOST="localhost")["results"][0]
    assert one["url"].startswith("http://testserver/")
    assert other["url"].startswith("http://localhost/")
    assert other["page"].startswith("http://localhost/")


def test_fields_trims_what_is_kept_and_each_filter_has_its_own_count(
    client, make_initiative, countries, sdgs
):
    make_initiative("Solar pumps", sdgs=[sdgs[16]])
    make_initiative("Clinics", sdgs=[sdgs[3]])
    full = body(client, "/api/v1/case-studies/")

    trimmed = body(client, "/api/v1/case-studies/?fields=title,url")
    filtered = body(client, "/api/v1/case-studies/?sdg=3")

    assert full["count"] == 2
    assert [set(record) for record in trimmed["results"]] == [{"title", "url"}] * 2
    assert [record["title"] for record in trimmed["results"]] == [
        record["title"] for record in full["results"]
    ]
    assert (filtered["count"], [record["title"] for record in filtered["results"]]) == (
        1,
        ["Clinics"],
    )
    # The full records were kept as they are: fields trimmed a copy.
    assert body(client, "/api/v1/case-studies/") == full

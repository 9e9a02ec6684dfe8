"""A case study's or a publication's page keeps the parts that show its record alone (title,
description, metadata, the article) per record, language, host and content version: the next
visitor's page is the same page, written around them without a query, and any change of
content writes it afresh. Staff and previews always get the page written afresh."""

import re

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import RegistrationStatus
from initiatives.models import CountryRole
from publishing.models import Status

pytestmark = pytest.mark.django_db


def fetch(client, url, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    return response, len(queries)


@pytest.fixture
def records(make_initiative, make_publication, countries, sdgs, make_theme):
    health = make_theme("Health")
    initiative = make_initiative(
        "Community health workers",
        countries={countries["kenya"]: CountryRole.BENEFICIARY},
        sdgs=[sdgs[3]],
        themes=[health],
        title_fr="Agents de santé communautaires",
    )
    make_initiative("Malaria nets", countries={countries["kenya"]: CountryRole.PROVIDER})
    publication = make_publication("A report on health", initiatives=[initiative])
    return {"initiative": initiative, "publication": publication}


@override_settings(PAGE_CACHE_SECONDS=0)
@pytest.mark.parametrize("kind", ["initiative", "publication"])
def test_the_next_visitor_gets_the_same_page_without_a_query(client, records, kind):
    url = records[kind].get_absolute_url()
    fresh, fresh_queries = fetch(client, url)
    kept, kept_queries = fetch(client, url)

    assert fresh.status_code == kept.status_code == 200
    assert fresh.templates[0].name.endswith("_detail.html")
    assert kept.templates[0].name == "kept_detail.html"
    assert kept.content.decode() == fresh.content.decode()
    assert fresh_queries >= 3
    assert kept_queries == 0


@override_settings(PAGE_CACHE_SECONDS=0)
def test_each_language_and_host_is_kept_apart(client, records, settings):
    settings.ALLOWED_HOSTS = ["testserver", "portal.example.org"]
    url = records["initiative"].get_absolute_url()
    for _round in range(2):
        english = client.get(url)
        french = client.get("/fr" + url)
        other_host = client.get(url, HTTP_HOST="portal.example.org")
        assert "<h1>Community health workers</h1>" in english.content.decode()
        assert "Agents de santé communautaires</h1>" in french.content.decode()
        assert 'lang="fr"' in french.content.decode()[:200]
        assert "http://portal.example.org/" in other_host.content.decode()
        assert "http://portal.example.org/" not in english.content.decode()


@override_settings(PAGE_CACHE_SECONDS=0)
def test_a_change_is_on_the_next_page_and_an_unpublished_record_is_gone(client, records):
    initiative = records["initiative"]
    url = initiative.get_absolute_url()
    client.get(url)
    client.get(url)

    initiative.title = "Community health workers, second phase"
    initiative.save()
    changed = client.get(url).content.decode()
    assert "<h1>Community health workers, second phase</h1>" in changed
    assert re.search(r"<title>Community health workers, second phase ·", changed)

    initiative.status = Status.DRAFT
    initiative.save()
    assert client.get(url).status_code == 404


@override_settings(PAGE_CACHE_SECONDS=0)
def test_staff_get_the_page_written_afresh_and_their_previews_are_never_kept(staff_client, records):
    initiative = records["initiative"]
    url = initiative.get_absolute_url()
    visitor = Client()
    visitor.get(url)
    staff = staff_client("change_initiative")

    seen_by_staff, queries = fetch(staff, url)
    assert seen_by_staff.templates[0].name == "initiatives/initiative_detail.html"
    assert queries > 0

    initiative.status = Status.DRAFT
    initiative.save()
    preview = staff.get(url)
    assert preview.status_code == 200 and "preview" in preview.content.decode().lower()
    assert visitor.get(url).status_code == 404
    assert staff.get(url).templates[0].name == "initiatives/initiative_detail.html"


@override_settings(PAGE_CACHE_SECONDS=0)
def test_an_event_page_keeps_all_but_its_registration_which_is_written_for_each_visitor(
    client, make_event, make_registration
):
    event = make_event(
        "Open workshop", registration_enabled=True, capacity=3, description="A long programme."
    )
    url = event.get_absolute_url()
    fresh, _queries = fetch(client, url)
    kept, kept_queries = fetch(Client(), url)

    names = [template.name for template in kept.templates]
    assert "kept_detail.html" in names and "events/event_detail.html" not in names
    assert kept_queries == 1  # the event's registration fields and its places taken
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub("", kept.content.decode()) == token.sub("", fresh.content.decode())
    assert token.search(kept.content.decode())
    assert "3 places left." in kept.content.decode()
    assert 'type="text/calendar"' in kept.content.decode()
    assert "A long programme." in kept.content.decode()

    # A confirmed place changes the count, and no other part of the page.
    make_registration(event, RegistrationStatus.CONFIRMED)
    assert "2 places left." in client.get(url).content.decode()
    make_registration(event, RegistrationStatus.CONFIRMED)
    make_registration(event, RegistrationStatus.CONFIRMED)
    full = client.get(url).content.decode()
    assert "All places are taken" in full and "Join the waiting list" in full


@override_settings(PAGE_CACHE_SECONDS=0)
def test_a_registration_sent_back_with_errors_is_never_kept(client, make_event):
    event = make_event("Open workshop", registration_enabled=True, capacity=3)
    url = event.get_absolute_url()
    client.get(url)
    refused = client.post(reverse("events:register", args=[event.slug]), {"name": "Ana"})
    assert refused.status_code == 400 and "field-invalid" in refused.content.decode()

    again = Client().get(url).content.decode()
    assert "field-invalid" not in again and 'value="Ana"' not in again


@override_settings(PAGE_CACHE_SECONDS=0)
def test_a_live_section_cannot_be_forged_by_a_text(client, make_initiative):
    initiative = make_initiative(
        "Forged", summary="<!--live-hole:registration--> and <!--live:x:y-->text<!--/live:x:y-->"
    )
    url = initiative.get_absolute_url()
    client.get(url)
    kept = client.get(url)
    assert kept.templates[0].name == "kept_detail.html"
    assert "&lt;!--live-hole:registration--&gt;" in kept.content.decode()

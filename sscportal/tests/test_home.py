"""The home page: featured case studies, the next events, the latest publications and the key
figures, each with what the visitor needs (time in the event's zone, registration status, source
and year), in a fixed number of queries."""

import itertools
from datetime import date, timedelta

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from core.signals import send_content_changed
from devtools.samples import count_queries, in_days
from events.models import RegistrationStatus
from initiatives.models import CountryRole, Initiative
from publishing.models import Status
from sscportal.models import KeyFigure
from taxonomy.models import Source

MAX_QUERIES = 10

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)


@pytest.fixture
def make_key_figure(db):
    def make(value, statement, *, sources=(), **fields):
        number = next(_numbers)
        figure = KeyFigure.objects.create(
            slug=f"figure-{number}", value=value, statement=statement, sort_order=number, **fields
        )
        figure.sources.set(sources)
        return figure

    return make


def test_the_home_page_shows_featured_published_case_studies_only(client, make_initiative):
    make_initiative("Demining experts from Cambodia in Colombia", featured=True)
    make_initiative("Not featured", featured=False)
    make_initiative("A featured draft", featured=True, status=Status.DRAFT)

    response = client.get("/")

    assertContains(response, "Featured case studies")
    assertContains(response, "Demining experts from Cambodia in Colombia")
    assertNotContains(response, "Not featured")
    assertNotContains(response, "A featured draft")


def test_the_home_page_shows_the_next_three_published_events(client, make_event):
    make_event("Soonest", starts_at=in_days(2))
    make_event("Under way", starts_at=timezone.now() - timedelta(hours=1), hours=3)
    make_event("Next month", starts_at=in_days(30))
    make_event("Much later", starts_at=in_days(90))
    make_event("Already over", starts_at=in_days(-3))
    make_event("A draft", starts_at=in_days(1), status=Status.DRAFT)
    make_event("Scheduled", starts_at=in_days(1), published_at=timezone.now() + timedelta(days=1))

    response = client.get("/")

    shown = [event.title for event in response.context["upcoming_events"]]
    assert shown == ["Under way", "Soonest", "Next month"]
    for hidden in ("Much later", "Already over", "A draft", "Scheduled"):
        assertNotContains(response, hidden)
    assertContains(response, 'href="/events/"')


def test_an_event_shows_its_time_in_its_own_zone_and_its_registration_status(
    client, make_event, make_registration
):
    starts_at = in_days(20, hour=13)  # 13:00 UTC is 22:00 in Tokyo (no daylight saving there)
    full = make_event(
        "Full forum",
        starts_at=starts_at,
        hours=1,
        time_zone="Asia/Tokyo",
        registration_enabled=True,
        capacity=1,
        waiting_list=False,
    )
    make_registration(full, RegistrationStatus.CONFIRMED)
    make_event("Open forum", starts_at=in_days(21), registration_enabled=True)

    response = client.get("/")

    assertContains(response, "22:00\u201323:00 Tokyo time (UTC+9)")
    assertContains(response, "The event is full and has no waiting list.")
    assertContains(response, "Registration open")


def test_without_upcoming_events_the_home_page_points_to_past_ones(client, make_event):
    make_event("Last year's panel", starts_at=in_days(-300))

    response = client.get("/")

    assertContains(response, "No events are announced at the moment.")
    assertContains(response, 'href="/events/?when=past"')
    assertNotContains(response, "Last year's panel")


def test_the_home_page_shows_the_three_newest_published_publications(
    client, make_publication, make_organisation
):
    unossc = make_organisation("UN Office for South-South Cooperation", "UNOSSC")
    make_publication("Strategy 2020-2024", year=2020, publishers=[unossc])
    make_publication("Undated 2021 report", year=2021)
    make_publication("Compendium", year=2021, issued_on=date(2021, 9, 10))
    make_publication("Plan of action", year=1978)
    make_publication("Unpublished 2022 draft", year=2022, status=Status.DRAFT)

    response = client.get("/")

    shown = [publication.title for publication in response.context["latest_publications"]]
    # The dated one comes first within its year, on SQLite and PostgreSQL alike.
    assert shown == ["Compendium", "Undated 2021 report", "Strategy 2020-2024"]
    assertContains(response, "Latest publications")
    assertContains(response, shown[0])
    assertContains(response, response.context["latest_publications"][0].get_absolute_url())
    assertContains(response, "UN Office for South-South Cooperation")
    assertNotContains(response, "Plan of action")
    assertNotContains(response, "Unpublished 2022 draft")


def test_without_publications_the_section_is_left_out(client):
    response = client.get("/")

    assert response.status_code == 200
    assertNotContains(response, "Latest publications")


def test_key_figures_show_with_their_sources_and_year(client, make_key_figure):
    explainer = Source.objects.create(title="A BAPA+40 explainer", slug="explainer")
    un_page = Source.objects.create(title="The UN Day page", slug="un-page", year=2021)
    make_key_figure(
        "466 billion dollars",
        "were sent home by migrant workers.",
        year=2017,
        year_note="the source says “last year” in November 2018",
        sources=[explainer],
    )
    make_key_figure("A third", "of direct investment comes from the South.", sources=[un_page])
    make_key_figure("Hidden", "figure that staff took off.", is_shown=False)

    response = client.get("/")

    assertContains(response, "South-South cooperation in figures")
    assertContains(response, '<strong class="figure-value">466 billion dollars</strong>')
    assertContains(response, "Year: 2017 (the source says “last year” in November 2018).")
    assertContains(response, "Source: <bdi><cite>A BAPA+40 explainer</cite></bdi>.")
    assertContains(response, "Source: <bdi><cite>The UN Day page</cite> (2021)</bdi>.")
    assertNotContains(response, "figure that staff took off")
    assert [f.value for f in response.context["key_figures"]] == ["466 billion dollars", "A third"]


def test_the_home_page_makes_as_many_queries_for_1_record_of_each_kind_as_for_50(
    client,
    make_initiative,
    make_event,
    make_registration,
    make_publication,
    make_key_figure,
    countries,
    regions,
    make_organisation,
):
    source = Source.objects.create(title="A source", slug="a-source")
    organisation = make_organisation("An organisation")
    main_event = make_event("Main event", starts_at=in_days(100), hours=24 * 7)

    def add(count):
        for _ in range(count):
            make_initiative(
                featured=True,
                countries={
                    countries["cambodia"]: CountryRole.PROVIDER,
                    countries["colombia"]: CountryRole.BENEFICIARY,
                },
                regions=[regions["caribbean"]],
            )
            event = make_event(
                starts_at=in_days(5),
                country=countries["kenya"],
                parent=main_event,
                registration_enabled=True,
                capacity=10,
                waiting_list=False,
            )
            make_registration(event, RegistrationStatus.CONFIRMED)
            make_publication(publishers=[organisation])
            make_key_figure("A third", "of something.", year=2018, sources=[source])

    add(1)
    client.get("/")  # anything a process loads once is loaded
    with_one, response = count_queries(client, "/", warm=False)
    assert len(response.context["key_figures"]) == 1
    # Just after a case study changes, the totals and the map's numbers are loaded again; the
    # countries and the goals, reference data, stay loaded (core/choice_cache.py).
    send_content_changed(Initiative)
    cold_with_one, _ = count_queries(client, "/", warm=False)

    add(49)
    send_content_changed(Initiative)
    cold_with_fifty, _ = count_queries(client, "/", warm=False)
    with_fifty, response = count_queries(client, "/", warm=False)

    print(f"\nhome: {with_one} queries, {cold_with_one} just after a change")
    assert with_one == with_fifty <= MAX_QUERIES
    assert cold_with_one == cold_with_fifty <= MAX_QUERIES
    assert len(response.context["featured"]) == 6
    assert len(response.context["upcoming_events"]) == 3
    assert len(response.context["latest_publications"]) == 3
    assert len(response.context["key_figures"]) == 6

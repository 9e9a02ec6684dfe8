"""The public event pages: what the list shows and how it filters, what an event's page says
about its time, side events, recording and online link, how few queries both make, and that no
public page gives away who has registered."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from devtools.samples import count_queries, in_days, titles, utc
from events.models import DatePrecision, EventFormat, EventKind, RegistrationStatus
from publishing.models import Status

LIST_URL = "/events/"
MAX_QUERIES = 10
FILTERED_LIST = f"{LIST_URL}?region=africa&theme=health&country=KE&kind=side-event&format=in-person"

pytestmark = pytest.mark.django_db


# --- The list -------------------------------------------------------------------------------


def test_the_list_shows_upcoming_published_events_only(client, make_event):
    make_event("Soon", starts_at=in_days(3))
    make_event("Later", starts_at=in_days(40))
    make_event("Under way", starts_at=timezone.now() - timedelta(hours=1), hours=3)
    make_event("A draft", starts_at=in_days(5), status=Status.DRAFT)
    make_event("In review", starts_at=in_days(5), status=Status.IN_REVIEW)
    make_event(
        "Scheduled for later publication",
        starts_at=in_days(5),
        published_at=timezone.now() + timedelta(days=1),
    )
    make_event("Over", starts_at=in_days(-3))

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert titles(response) == ["Under way", "Soon", "Later"]
    for hidden in ("A draft", "In review", "Scheduled for later publication", "Over"):
        assertNotContains(response, hidden)


def test_past_events_are_listed_newest_first(client, make_event):
    make_event("Long ago", starts_at=utc(2019, 3, 20, 9))
    make_event("Last year", starts_at=utc(2024, 9, 12, 13))
    make_event("Last week", starts_at=in_days(-7))
    make_event("Upcoming", starts_at=in_days(7))
    make_event("Past draft", starts_at=in_days(-2), status=Status.DRAFT)

    response = client.get(LIST_URL, {"when": "past"})

    assert response.status_code == 200
    assert titles(response) == ["Last week", "Last year", "Long ago"]


@pytest.fixture
def varied_events(make_event, make_theme, countries):
    health, water = make_theme("Health"), make_theme("Water")
    both = [health, water]
    for title, kind, event_format, country, themes, days in [
        ("Freetown webinar", EventKind.WEBINAR, EventFormat.ONLINE, "sierra_leone", [health], 10),
        ("Nairobi conference", EventKind.CONFERENCE, EventFormat.IN_PERSON, "kenya", [water], 11),
        ("Kingston panel", EventKind.HIGH_LEVEL_PANEL, EventFormat.HYBRID, "jamaica", both, 12),
    ]:
        make_event(
            title,
            kind=kind,
            format=event_format,
            country=countries[country],
            themes=themes,
            starts_at=in_days(days),
        )
    make_event("Global observance", kind=EventKind.OBSERVANCE, starts_at=in_days(13))
    make_event(
        "Bogota expo 2019",
        kind=EventKind.EXPO,
        country=countries["colombia"],
        starts_at=utc(2019, 5, 6, 14),
    )
    make_event(
        "Phnom Penh meeting 2021",
        kind=EventKind.MEETING,
        country=countries["cambodia"],
        starts_at=utc(2021, 5, 6, 3),
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "webinar"}, ["Freetown webinar"]),
        ({"kind": "panel"}, ["Kingston panel"]),
        ({"format": "in-person"}, ["Nairobi conference", "Global observance"]),
        ({"format": "hybrid"}, ["Kingston panel"]),
        ({"region": "africa"}, ["Freetown webinar", "Nairobi conference"]),
        ({"region": "sub-saharan-africa"}, ["Freetown webinar", "Nairobi conference"]),
        ({"region": "western-africa"}, ["Freetown webinar"]),
        ({"region": "americas"}, ["Kingston panel"]),
        ({"region": "asia"}, []),
        ({"country": "KE"}, ["Nairobi conference"]),
        ({"theme": "health"}, ["Freetown webinar", "Kingston panel"]),
        ({"theme": "water", "region": "africa"}, ["Nairobi conference"]),
        ({"kind": "webinar", "format": "online", "country": "SL"}, ["Freetown webinar"]),
        ({"when": "past", "year": "2021"}, ["Phnom Penh meeting 2021"]),
        ({"when": "past", "year": "2019"}, ["Bogota expo 2019"]),
        ({"when": "past", "region": "south-eastern-asia"}, ["Phnom Penh meeting 2021"]),
        ({"when": "past", "region": "africa"}, []),
        ({"when": "past", "region": "asia"}, ["Phnom Penh meeting 2021"]),
        ({"when": "past", "country": "CO"}, ["Bogota expo 2019"]),
    ],
)
def test_each_filter_narrows_the_list(client, varied_events, query, expected):
    response = client.get(LIST_URL, query)

    assert response.status_code == 200
    assert not response.context["filter"].form.errors
    assert titles(response) == expected


def test_the_year_filter_offers_the_years_with_published_events(client, varied_events):
    response = client.get(LIST_URL)

    years = [value for value, _ in response.context["filter"].form.fields["year"].choices]
    assert "2019" in [str(year) for year in years]
    assert "2021" in [str(year) for year in years]


def test_an_event_is_filed_under_the_year_of_its_own_date(client, make_event):
    """31 December 2021, 20:00 New York time is 1 January 2022 in UTC; the page says 2021."""
    make_event(
        "New Year's Eve gala",
        starts_at=utc(2022, 1, 1, 1),
        time_zone="America/New_York",
    )

    response = client.get(LIST_URL, {"when": "past", "year": "2021"})

    assertContains(response, "31 December 2021")
    assert not response.context["filter"].form.errors
    assert titles(response) == ["New Year's Eve gala"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("kind=festival", "kind"),
        ("kind=%3Cscript%3E", "kind"),
        ("year=abc", "year"),
        ("year=1900", "year"),
        ("year=99999999999999999999", "year"),
        ("year=%00", "year"),
        ("format=telepathic", "format"),
        ("region=atlantis", "region"),
        ("region=..%2F..%2Fetc", "region"),
        ("region=%00", "region"),
        ("country=ZZ", "country"),
        ("country=kenya", "country"),
        ("country=%00", "country"),
        ("theme=no-such-theme", "theme"),
        ("theme=health%27%20OR%201%3D1", "theme"),
    ],
)
def test_an_unusable_filter_value_is_a_form_error_on_an_otherwise_normal_page(
    client, varied_events, query, field
):
    for when in ("", "&when=past"):
        response = client.get(f"{LIST_URL}?{query}{when}")

        assert response.status_code == 200
        assert field in response.context["filter"].form.errors
        assertContains(response, "Some filters could not be used")
        assertNotContains(response, "<script>")
    assert titles(client.get(f"{LIST_URL}?{query}")) == [
        "Freetown webinar",
        "Nairobi conference",
        "Kingston panel",
        "Global observance",
    ]


@pytest.mark.parametrize("query", ["when=garbage", "when=", "when=PAST", "unknown=1", "&&=&"])
def test_an_unknown_when_or_parameter_shows_the_upcoming_list(client, varied_events, query):
    response = client.get(f"{LIST_URL}?{query}")

    assert response.status_code == 200
    assert len(titles(response)) == 4


@pytest.fixture
def make_full_events(make_event, make_theme, make_organisation, countries, source):
    """make_full_events(n): n upcoming events with a country, themes, an organiser, a source,
    registration with a capacity and a published main event."""
    themes = [make_theme("Health"), make_theme("Water")]
    organisation = make_organisation("United Nations Office for South-South Cooperation")
    main = make_event("Main expo", kind=EventKind.EXPO, starts_at=in_days(100), hours=72)

    def make(number):
        return [
            make_event(
                kind=EventKind.SIDE_EVENT,
                parent=main,
                country=countries["kenya"],
                city="Nairobi",
                venue="UN Complex",
                themes=themes,
                organisers=[organisation],
                sources=[source],
                registration_enabled=True,
                capacity=10,
                starts_at=in_days(5),
            )
            for _ in range(number)
        ]

    return make


@pytest.mark.parametrize(
    ("url", "listed_with_one", "in_all_with_fifty"),
    [
        (LIST_URL, 2, 51),  # the side events and their main event
        (FILTERED_LIST, 1, 50),
    ],
    ids=["plain", "filtered"],
)
def test_the_list_makes_the_same_few_queries_for_one_and_for_fifty_events(
    client, make_full_events, url, listed_with_one, in_all_with_fifty
):
    make_full_events(1)
    with_one, response = count_queries(client, url)
    assert len(titles(response)) == listed_with_one
    assert not response.context["filter"].form.errors

    make_full_events(49)
    with_fifty, response = count_queries(client, url)
    assert len(titles(response)) == 20
    assert response.context["paginator"].count == in_all_with_fifty

    print(f"\nevent list {url}: {with_one} queries with 1 event, {with_fifty} with 50")
    assert with_one == with_fifty
    assert with_fifty <= MAX_QUERIES


def test_an_event_page_makes_the_same_queries_for_one_and_for_twenty_side_events(
    client,
    make_event,
    make_registration,
    make_theme,
    make_organisation,
    make_initiative,
    countries,
    sdgs,
    source,
):
    main = make_event(
        "Main conference",
        country=countries["chile"],
        themes=[make_theme("Health")],
        organisers=[make_organisation("UNOSSC")],
        sources=[source],
        registration_enabled=True,
        capacity=100,
        starts_at=in_days(20),
        hours=48,
    )
    main.sdgs.set([sdgs[3]])
    main.initiatives.set([make_initiative("A case study")])

    def add(number):
        for _ in range(number):
            make_event(
                kind=EventKind.SIDE_EVENT,
                parent=main,
                country=countries["chile"],
                starts_at=in_days(21),
            )
            make_registration(main, RegistrationStatus.CONFIRMED)

    add(1)
    with_one, response = count_queries(client, main.get_absolute_url())
    assert len(response.context["event"].side_events.all()) == 1

    add(19)
    with_twenty, response = count_queries(client, main.get_absolute_url())
    assert len(response.context["event"].side_events.all()) == 20
    assertContains(response, "80 places left.")

    print(f"\nevent page: {with_one} queries with 1 side event, {with_twenty} with 20")
    assert with_one == with_twenty
    assert with_twenty <= MAX_QUERIES


# --- An event's page ------------------------------------------------------------------------


def event_when_text(response):
    """The text of the big date-and-time paragraph at the top of the page."""
    html = response.content.decode()
    (paragraph,) = re.findall(r'<p class="event-when-large">(.*?)</p>', html, re.S)
    return re.sub(r"<[^>]+>", " ", paragraph)


def test_the_time_is_given_in_the_events_zone_with_its_name_and_summer_offset(client, make_event):
    event = make_event(
        "Panel", starts_at=utc(2021, 9, 10, 13), hours=2, time_zone="America/New_York"
    )

    response = client.get(event.get_absolute_url())

    assert response.status_code == 200
    assertContains(response, "09:00\u201311:00 New York time (UTC-4)")
    assertContains(response, "Friday, 10 September 2021")
    assert "13:00" not in event_when_text(response)  # the UTC time is for machines only


def test_the_time_of_a_winter_event_has_the_winter_offset(client, make_event):
    event = make_event(
        "Winter panel", starts_at=utc(2022, 1, 10, 14), hours=2, time_zone="America/New_York"
    )

    response = client.get(event.get_absolute_url())

    assertContains(response, "09:00\u201311:00 New York time (UTC-5)")
    assertContains(response, "Monday, 10 January 2022")


def test_the_time_of_an_event_elsewhere_is_given_in_its_own_zone(client, make_event):
    event = make_event(
        "Delhi forum", starts_at=utc(2023, 2, 1, 4, 30), hours=3, time_zone="Asia/Kolkata"
    )

    response = client.get(event.get_absolute_url())

    assertContains(response, "10:00\u201313:00 Kolkata time (UTC+5:30)")


def test_an_event_known_only_by_its_days_shows_no_time(client, make_event):
    # 20-22 March 2019 in New York, all day: from midnight to midnight after the last day.
    event = make_event(
        "Buenos Aires conference",
        starts_at=utc(2019, 3, 20, 4),
        ends_at=utc(2019, 3, 23, 4),
        time_zone="America/New_York",
        date_precision=DatePrecision.DAY,
    )

    response = client.get(event.get_absolute_url())

    assert response.status_code == 200
    when = event_when_text(response)
    assert "20\u2009\u2013\u200922 March 2019" in when  # CLDR's thin spaces
    assert not re.search(r"\d\d:\d\d", when)
    assertNotContains(response, "New York time")
    assertNotContains(response, "UTC-4")


def test_a_timed_event_gives_the_script_its_start_end_and_zone(client, make_event):
    """The page's script may add the time in the visitor's zone; the page says the same without
    it."""
    event = make_event(
        "Panel", starts_at=utc(2021, 9, 10, 13), hours=2, time_zone="America/New_York"
    )
    make_event("Side panel", starts_at=utc(2021, 9, 10, 22), hours=1, parent=event, time_zone="UTC")

    response = client.get(event.get_absolute_url())

    assertContains(
        response,
        '<time datetime="2021-09-10T13:00:00+00:00" data-local-time'
        ' data-end="2021-09-10T11:00:00-04:00" data-zone="America/New_York"'
        ' data-label="your time">09:00\u201311:00 New York time (UTC-4)</time>',
        html=False,
    )
    assertContains(
        response,
        '<time datetime="2021-09-10T22:00:00+00:00" data-local-time'
        ' data-end="2021-09-10T23:00:00+00:00" data-zone="UTC" data-label="your time">'
        "Friday, 10 September 2021, 22:00\u201323:00 UTC (UTC+0)</time>",
    )
    assert " ".join(event_when_text(response).split()) == (
        "Friday, 10 September 2021 09:00\u201311:00 New York time (UTC-4)"
    )


def test_events_without_times_give_the_script_nothing(client, make_event):
    conference = make_event(
        "Buenos Aires conference",
        starts_at=in_days(10),
        time_zone="America/New_York",
        date_precision=DatePrecision.DAY,
    )
    make_event("Month of solidarity", starts_at=in_days(20), date_precision=DatePrecision.MONTH)

    for url in ["/", "/events/", conference.get_absolute_url()]:
        response = client.get(url)
        assert response.status_code == 200, url
        assertNotContains(response, "data-local-time")


def test_an_event_card_gives_the_script_its_start_end_and_zone(client, make_event):
    make_event("Evening panel", starts_at=in_days(10), hours=2, time_zone="America/New_York")

    for url in ["/", "/events/"]:
        response = client.get(url)
        assert response.content.decode().count("data-local-time") == 1, url
        assertContains(response, 'data-zone="America/New_York"')


# --- Where ----------------------------------------------------------------------------------


def test_the_event_page_links_the_country_to_its_events_then_to_its_page(
    client, make_event, countries
):
    upcoming = make_event(
        "Bogota forum", venue="Hall <A>", city="Bogotá", country=countries["colombia"]
    )
    ended = make_event(
        "Bogota 2019", city="Bogotá", country=countries["colombia"], starts_at=in_days(-9)
    )

    assertContains(
        client.get(upcoming.get_absolute_url()),
        '<dd>Hall &lt;A&gt;, Bogotá, <a href="/events/?country=CO">Colombia</a>'
        ' (<a href="/countries/CO/"><span class="visually-hidden">Colombia: </span>'
        "country page</a>)</dd>",
    )
    assertContains(
        client.get(ended.get_absolute_url()),
        '<dd>Bogotá, <a href="/events/?country=CO&amp;when=past">Colombia</a>'
        ' (<a href="/countries/CO/">',
    )


def test_a_place_without_a_country_ends_without_a_comma(client, make_event):
    event = make_event("Town hall meeting", venue="Town hall")

    assertContains(client.get(event.get_absolute_url()), "<dd>Town hall</dd>")


def test_an_event_card_links_the_country_to_its_page(client, make_event, countries):
    make_event("Nairobi forum", venue="Hall <A>", country=countries["kenya"])
    make_event("Online forum")

    response = client.get(LIST_URL)

    assertContains(response, '<br>Hall &lt;A&gt;, <a href="/countries/KE/">Kenya</a></p>')
    assertContains(response, "</time></p>", count=1)  # the online forum: no place, no break


def test_a_main_event_lists_its_published_side_events(client, make_event):
    main = make_event("Global expo", starts_at=in_days(30), hours=72)
    make_event("Side one", parent=main, kind=EventKind.SIDE_EVENT, starts_at=in_days(31))
    make_event("Side two", parent=main, kind=EventKind.SIDE_EVENT, starts_at=in_days(30))
    make_event("Side draft", parent=main, kind=EventKind.SIDE_EVENT, status=Status.DRAFT)
    make_event(
        "Side scheduled",
        parent=main,
        kind=EventKind.SIDE_EVENT,
        published_at=timezone.now() + timedelta(days=2),
    )

    response = client.get(main.get_absolute_url())

    assertContains(response, "Side events")
    side_events = [e.title for e in response.context["event"].side_events.all()]
    assert side_events == ["Side two", "Side one"]
    assertNotContains(response, "Side draft")
    assertNotContains(response, "Side scheduled")


def test_a_side_event_links_to_its_main_event(client, make_event):
    main = make_event("Global expo", starts_at=in_days(30), hours=72)
    side = make_event("Side one", parent=main, kind=EventKind.SIDE_EVENT)

    response = client.get(side.get_absolute_url())

    assertContains(response, f'<a href="{main.get_absolute_url()}">Global expo</a>')
    assertContains(response, "part of")


@pytest.mark.parametrize(
    ("status", "published_in_days"),
    [(Status.DRAFT, None), (Status.IN_REVIEW, None), (Status.PUBLISHED, 3)],
    ids=["draft", "in-review", "scheduled"],
)
def test_a_side_event_does_not_name_an_unpublished_main_event(
    client, make_event, status, published_in_days
):
    published_at = timezone.now() + timedelta(days=published_in_days) if published_in_days else None
    main = make_event("Secret summit", status=status, published_at=published_at)
    side = make_event("Public side event", parent=main, kind=EventKind.SIDE_EVENT)

    assertNotContains(client.get(side.get_absolute_url()), "Secret summit")
    response = client.get(LIST_URL)
    assert titles(response) == ["Public side event"]
    assertNotContains(response, "Secret summit")


def test_the_recording_appears_only_once_the_event_has_ended(client, make_event):
    recording = "https://video.example.org/recording-123"
    upcoming = make_event("Upcoming", recording_url=recording, starts_at=in_days(3))
    under_way = make_event(
        "Under way", recording_url=recording, starts_at=timezone.now() - timedelta(hours=1), hours=2
    )
    ended = make_event("Ended", recording_url=recording, starts_at=in_days(-3))

    assertNotContains(client.get(upcoming.get_absolute_url()), recording)
    assertNotContains(client.get(under_way.get_absolute_url()), recording)
    response = client.get(ended.get_absolute_url())
    assertContains(response, recording)
    assertContains(response, "Watch the recording of this event")


@pytest.mark.parametrize("days", [30, -30])
def test_the_online_link_never_appears_on_a_public_page(client, make_event, days):
    online = "https://meet.example.org/secret-room-42"
    event = make_event(
        "Online dialogue",
        format=EventFormat.ONLINE,
        online_url=online,
        registration_enabled=True,
        starts_at=in_days(days),
    )

    for url in (
        event.get_absolute_url(),
        LIST_URL,
        f"{LIST_URL}?when=past",
        event.get_ics_url(),
        "/events/upcoming.ics",
        f"/events/{event.slug}/registered/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"secret-room-42" not in response.content, url


@pytest.mark.parametrize(
    ("status", "published_at_days"),
    [(Status.DRAFT, None), (Status.IN_REVIEW, None), (Status.PUBLISHED, 2)],
)
def test_an_unpublished_event_is_not_found_by_visitors(
    client, make_event, status, published_at_days
):
    published_at = timezone.now() + timedelta(days=published_at_days) if published_at_days else None
    event = make_event(
        "Not yet", status=status, published_at=published_at, registration_enabled=True
    )

    for url in (event.get_absolute_url(), event.get_ics_url(), f"/events/{event.slug}/registered/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/events/{event.slug}/register/", {}).status_code == 404


# --- Privacy ----------------------------------------------------------------------------------


def test_no_public_page_names_a_registrant(client, make_event, make_registration):
    event = make_event(
        "Open dialogue", registration_enabled=True, capacity=1, starts_at=in_days(10)
    )
    past = make_event("Past dialogue", registration_enabled=True, starts_at=in_days(-10))
    people = [
        ("Zoraida Quenby", "zoraida.quenby@example.org", RegistrationStatus.CONFIRMED),
        ("Ximena Ulloa", "ximena.ulloa@example.org", RegistrationStatus.WAITLISTED),
        ("Wendell Orsk", "wendell.orsk@example.org", RegistrationStatus.PENDING),
        ("Valentin Pryde", "valentin.pryde@example.org", RegistrationStatus.CANCELLED),
    ]
    for name, email, status in people:
        make_registration(event, status, name=name, email=email, organisation="Zyx Ministry")
        make_registration(past, status, name=name, email=email.replace("@", "+p@"))

    urls = [
        LIST_URL,
        f"{LIST_URL}?when=past",
        event.get_absolute_url(),
        past.get_absolute_url(),
        f"/events/{event.slug}/registered/",
        event.get_ics_url(),
        past.get_ics_url(),
        "/events/upcoming.ics",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        for name, email, _ in people:
            for secret in (name, email, name.split()[1], email.split("@")[0]):
                assert secret not in content, (url, secret)
        assert "Zyx Ministry" not in content, url


# --- Staff preview --------------------------------------------------------------------------


def test_staff_preview_a_draft_event_with_a_banner_and_no_calendar_file(
    client, staff_client, make_event
):
    draft = make_event("Planning meeting", status=Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404

    response = staff_client("change_event").get(draft.get_absolute_url())

    assertContains(response, "This event is not public yet (status: Draft).")
    assertContains(response, f'href="/admin/events/event/{draft.pk}/change/"')
    # The calendar file is served for published events only: no link to a 404.
    assertNotContains(response, draft.get_ics_url())
    assert client.get(draft.get_ics_url()).status_code == 404


def test_staff_preview_of_a_scheduled_event_says_when_it_becomes_public(staff_client, make_event):
    scheduled = make_event("Expo", published_at=timezone.now() + timedelta(days=30))

    response = staff_client("change_event").get(scheduled.get_absolute_url())

    assertContains(response, "This event is scheduled: it becomes public on")
    assert "no-cache" in response["Cache-Control"]

"""What the portal tells machines: the sitemap, robots.txt, the RSS and Atom feeds, canonical
addresses, Open Graph and Twitter tags, and schema.org JSON-LD. All of it lists published records
only, the one rule of publishing/models.py."""

# The events' and publications' factories are imported as fixtures, which the tests' arguments
# then name again.
# ruff: noqa: F811

import json
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser

import feedparser
import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from devtools.samples import image_bytes
from events.models import DatePrecision, EventFormat
from initiatives.models import CountryRole
from publications.models import Language, PublicationKind
from publishing.models import Status

pytestmark = pytest.mark.django_db

SITEMAP_NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
}
# The languages' address prefixes, and their hreflang, in the order of LANGUAGES.
PREFIXES = ["/ar", "/zh-hans", "", "/fr", "/ru", "/es"]
HREFLANGS = ["ar", "zh-hans", "en", "fr", "ru", "es"]
BASE = "http://testserver"
HOSTILE_TITLE = "Plan </script><script>alert(1)</script> & <!-- more"


def in_future():
    return timezone.now() + timedelta(days=2)


@pytest.fixture
def one_of_each(make_initiative, make_event, make_publication):
    """For each type: a published record, a draft and one scheduled for later."""
    records = {}
    for kind, make in (
        ("initiative", make_initiative),
        ("event", make_event),
        ("publication", make_publication),
    ):
        records[kind] = make(f"Public {kind}")
        make(f"Draft {kind}", status=Status.DRAFT)
        make(f"Scheduled {kind}", published_at=in_future())
    return records


class Head(HTMLParser):
    """The <link>, <meta> and <script> elements of a page, and the text of its scripts."""

    def __init__(self, content):
        super().__init__(convert_charrefs=True)
        self.links, self.metas, self.scripts = [], [], []
        self._script = None
        self.feed(content)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link":
            self.links.append(attrs)
        elif tag == "meta":
            self.metas.append(attrs)
        elif tag == "script":
            self._script = {"attrs": attrs, "text": ""}
            self.scripts.append(self._script)

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script["text"] += data

    def canonical(self):
        return [link["href"] for link in self.links if link.get("rel") == "canonical"]

    def og(self):
        return {meta["property"]: meta["content"] for meta in self.metas if "property" in meta}

    def named(self, name):
        return [meta["content"] for meta in self.metas if meta.get("name") == name]

    def json_ld(self):
        """The JSON-LD blocks, parsed."""
        return [
            json.loads(script["text"])
            for script in self.scripts
            if script["attrs"].get("type") == "application/ld+json"
        ]


def head_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return Head(response.content.decode())


# --- Sitemap and robots.txt -----------------------------------------------------------------


def locations(xml_bytes):
    root = ET.fromstring(xml_bytes)
    return [element.text for element in root.iterfind(".//sm:loc", SITEMAP_NS)]


def sitemap_entries(client, section):
    response = client.get(f"/sitemap-{section}.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {
        url.findtext("sm:loc", namespaces=SITEMAP_NS): url.findtext(
            "sm:lastmod", namespaces=SITEMAP_NS
        )
        for url in root.iterfind("sm:url", SITEMAP_NS)
    }


def test_the_sitemap_index_lists_one_sitemap_per_section(client):
    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert locations(response.content) == [
        f"{BASE}/sitemap-{section}.xml"
        for section in ("pages", "initiatives", "events", "publications", "countries", "goals")
    ]


def test_the_sitemaps_list_the_published_records_only_with_their_last_change(client, one_of_each):
    for section, kind in (
        ("initiatives", "initiative"),
        ("events", "event"),
        ("publications", "publication"),
    ):
        record = one_of_each[kind]

        entries = sitemap_entries(client, section)

        path = record.get_absolute_url()
        assert entries == {
            f"{BASE}{prefix}{path}": record.updated_at.date().isoformat() for prefix in PREFIXES
        }, section


def test_each_sitemap_entry_names_its_page_in_every_language_and_x_default(client, one_of_each):
    record = one_of_each["initiative"]
    root = ET.fromstring(client.get("/sitemap-initiatives.xml").content)
    path = record.get_absolute_url()
    expected = {
        **{
            hreflang: f"{BASE}{prefix}{path}"
            for hreflang, prefix in zip(HREFLANGS, PREFIXES, strict=True)
        },
        "x-default": f"{BASE}{path}",
    }

    urls = list(root.iterfind("sm:url", SITEMAP_NS))
    assert len(urls) == 6
    for url in urls:
        links = {
            link.get("hreflang").lower(): link.get("href")
            for link in url.iterfind("xhtml:link", SITEMAP_NS)
            if link.get("rel") == "alternate"
        }
        assert links == {key.lower(): value for key, value in expected.items()}
        assert url.findtext("sm:loc", namespaces=SITEMAP_NS) in links.values()


def test_the_sitemap_lists_the_fixed_pages_in_every_language_whatever_the_visitors(client):
    entries = sitemap_entries(client, "pages")
    in_french = client.get("/sitemap-pages.xml", headers={"accept-language": "fr"})

    pages = [
        "/",
        "/about/",
        "/privacy/",
        "/open-data/",
        "/initiatives/",
        "/events/",
        "/publications/",
        "/sdgs/",
        "/countries/",
    ]
    assert sorted(entries) == sorted(
        f"{BASE}{prefix}{page}" for page in pages for prefix in PREFIXES
    )
    assert locations(in_french.content) == list(entries)


def test_the_sitemap_index_gives_each_sections_last_change(client, one_of_each):
    root = ET.fromstring(client.get("/sitemap.xml").content)
    lastmods = {
        item.findtext("sm:loc", namespaces=SITEMAP_NS): item.findtext(
            "sm:lastmod", namespaces=SITEMAP_NS
        )
        for item in root.iterfind("sm:sitemap", SITEMAP_NS)
    }

    assert lastmods[f"{BASE}/sitemap-pages.xml"] is None
    event = one_of_each["event"]
    assert lastmods[f"{BASE}/sitemap-events.xml"].startswith(event.updated_at.date().isoformat())


def test_a_sitemap_reads_the_same_few_queries_however_many_records(client, make_initiative):
    make_initiative()
    with CaptureQueriesContext(connection) as one:
        client.get("/sitemap-initiatives.xml")
    for _ in range(5):
        make_initiative()
    with CaptureQueriesContext(connection) as six:
        response = client.get("/sitemap-initiatives.xml")

    assert len(sitemap_entries(client, "initiatives")) == 6 * len(PREFIXES)
    assert response.status_code == 200
    assert len(six) == len(one) <= 2  # a count and one page of records


def test_robots_txt_names_the_sitemap_on_the_host_asked_and_still_keeps_out_of_the_admin(client):
    response = client.get("/robots.txt", headers={"host": "localhost"})

    lines = response.content.decode().splitlines()
    assert "Sitemap: http://localhost/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /fr/admin/" in lines
    assert "Disallow: /" not in lines
    assert client.get("/sitemap.xml").status_code == 200


# --- Feeds ------------------------------------------------------------------------------------

FEED_URLS = {
    "initiative": ("/initiatives/feed/rss/", "/initiatives/feed/atom/"),
    "event": ("/events/feed/rss/", "/events/feed/atom/"),
    "publication": ("/publications/feed/rss/", "/publications/feed/atom/"),
}


def parsed_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, (url, feed.get("bozo_exception"))
    return feed


@pytest.mark.parametrize("kind", FEED_URLS)
def test_the_rss_and_atom_feeds_list_the_published_records_only(client, one_of_each, kind):
    record = one_of_each[kind]
    rss_url, atom_url = FEED_URLS[kind]

    rss, atom = parsed_feed(client, rss_url), parsed_feed(client, atom_url)

    assert rss.version == "rss20"
    assert atom.version == "atom10"
    for feed in (rss, atom):
        assert [entry.title for entry in feed.entries] == [record.title]
        (entry,) = feed.entries
        assert entry.link == f"{BASE}{record.get_absolute_url()}"
        assert record.summary in entry.summary
        published = datetime(*entry.published_parsed[:6], tzinfo=UTC)
        assert published == record.published_at.replace(microsecond=0)
    updated = datetime(*atom.entries[0].updated_parsed[:6], tzinfo=UTC)
    assert updated == record.updated_at.replace(microsecond=0)


def test_a_feed_lists_the_fifty_newest_newest_first(client, make_initiative):
    now = timezone.now()
    for days in range(52):
        make_initiative(f"Case {days:02d}", published_at=now - timedelta(days=days + 1))

    feed = parsed_feed(client, "/initiatives/feed/rss/")

    assert [entry.title for entry in feed.entries] == [f"Case {days:02d}" for days in range(50)]


def test_the_feeds_are_titled_in_the_language_of_their_address(client):
    feed = parsed_feed(client, "/fr/events/feed/atom/")

    assert feed.feed.language == "fr"
    assert feed.feed.link == f"{BASE}/fr/events/"


def test_an_events_feed_entry_gives_its_date_and_time_in_the_events_own_zone(client, make_event):
    make_event(
        "Global South-South Development Expo",
        starts_at=datetime(2021, 9, 10, 13, tzinfo=UTC),
        time_zone="America/New_York",
    )
    make_event(
        "Postponed forum",
        starts_at=datetime(2022, 1, 20, 8, tzinfo=UTC),
        time_zone="Africa/Nairobi",
        is_cancelled=True,
    )

    entries = {entry.title: entry for entry in parsed_feed(client, "/events/feed/rss/").entries}

    expo = entries["Global South-South Development Expo"].summary
    assert "10 September 2021, 09:00\u201311:00 New York time (UTC-4)" in expo
    forum = entries["Postponed forum"].summary
    assert forum.startswith("Cancelled: ")
    assert "11:00\u201313:00 Nairobi time (UTC+3)" in forum


def test_a_feed_makes_the_same_queries_for_one_event_and_for_ten(
    client, make_event, make_organisation
):
    organiser = make_organisation("United Nations Office for South-South Cooperation")
    make_event(organisers=[organiser])
    with CaptureQueriesContext(connection) as one:
        client.get("/events/feed/rss/")
    for _ in range(9):
        make_event(organisers=[organiser])
    with CaptureQueriesContext(connection) as ten:
        client.get("/events/feed/atom/")

    assert len(one) == len(ten) == 1


def test_pages_link_their_sections_feeds_and_the_home_page_every_feed(client):
    def alternates(url):
        return {
            (link["type"], link["href"])
            for link in head_of(client, url).links
            if link.get("rel") == "alternate" and "xml" in link.get("type", "")
        }

    assert alternates("/events/") == {
        ("application/rss+xml", "/events/feed/rss/"),
        ("application/atom+xml", "/events/feed/atom/"),
    }
    assert alternates("/fr/initiatives/") == {
        ("application/rss+xml", "/fr/initiatives/feed/rss/"),
        ("application/atom+xml", "/fr/initiatives/feed/atom/"),
    }
    home = alternates("/")
    assert len(home) == 6
    assert ("application/rss+xml", "/publications/feed/rss/") in home
    for _type, href in home:
        parsed_feed(client, href)


# --- Canonical addresses, Open Graph, Twitter -------------------------------------------------


def test_a_detail_page_has_its_canonical_address_without_the_query_and_open_graph_tags(
    client, make_initiative
):
    case = make_initiative(
        "Rice seed exchange", summary="Farmers of two countries share seed varieties."
    )
    url = case.get_absolute_url()

    head = head_of(client, f"{url}?utm_source=newsletter&page=3")

    assert head.canonical() == [f"{BASE}{url}"]
    og = head.og()
    assert og["og:type"] == "article"
    assert og["og:title"] == "Rice seed exchange"
    assert og["og:description"] == "Farmers of two countries share seed varieties."
    assert og["og:url"] == f"{BASE}{url}"
    assert og["og:site_name"] == "SSC Portal"
    assert og["og:image"].startswith(f"{BASE}{url}card.png?v=")
    assert head.named("twitter:card") == ["summary_large_image"]


def test_a_record_with_an_image_shares_its_card_and_gives_the_image_to_search_engines(
    client, make_event
):
    event = make_event("Expo", image_alt="The expo hall")
    event.image.save("expo.png", ContentFile(image_bytes(size=(40, 30))))

    head = head_of(client, event.get_absolute_url())

    og = head.og()
    assert og["og:image"].startswith(f"{BASE}/events/{event.slug}/card.png?v=")
    assert (og["og:image:width"], og["og:image:height"]) == ("1200", "630")
    (data,) = head.json_ld()
    assert data["image"] == f"{BASE}/media/events/{event.slug}.png"


def test_a_list_keeps_only_the_page_number_in_its_canonical_address(
    client, make_initiative, make_theme
):
    health = make_theme("Health")
    for number in range(21):
        make_initiative(f"Case {number}", themes=[health])

    first = head_of(client, "/initiatives/?theme=health&sort=title")
    second = head_of(client, "/initiatives/?theme=health&page=2&sort=title")

    assert first.canonical() == [f"{BASE}/initiatives/"]
    assert second.canonical() == [f"{BASE}/initiatives/?page=2"]
    assert first.og()["og:type"] == "website"
    assert first.og()["og:title"] == "Case studies"


def test_the_past_events_are_their_own_list_for_the_canonical_address(client):
    assert head_of(client, "/events/?when=past&kind=expo").canonical() == [
        f"{BASE}/events/?when=past"
    ]
    assert head_of(client, "/events/?when=soon").canonical() == [f"{BASE}/events/"]
    assert head_of(client, "/fr/about/").canonical() == [f"{BASE}/fr/about/"]


def test_pages_that_are_not_public_content_have_no_canonical_address(client):
    not_found = client.get("/initiatives/no-such-case/")
    search = client.get("/search/", {"q": "water"})

    assert not_found.status_code == 404
    assert Head(not_found.content.decode()).canonical() == []
    assert Head(search.content.decode()).canonical() == []


# --- JSON-LD ------------------------------------------------------------------------------------


def json_ld_of(client, record):
    (data,) = head_of(client, record.get_absolute_url()).json_ld()
    assert data["@context"] == "https://schema.org"
    return data


@pytest.mark.parametrize(
    ("starts_at", "offset"),
    [
        (datetime(2021, 9, 10, 13, tzinfo=UTC), "-04:00"),
        (datetime(2022, 1, 20, 14, tzinfo=UTC), "-05:00"),
    ],
)
def test_an_events_start_and_end_carry_the_offset_of_its_own_zone_that_day(
    client, make_event, starts_at, offset
):
    event = make_event(starts_at=starts_at, hours=2, time_zone="America/New_York")

    data = json_ld_of(client, event)

    assert data["@type"] == "Event"
    day = event.local_start.date().isoformat()
    assert data["startDate"] == f"{day}T09:00:00{offset}"
    assert data["endDate"] == f"{day}T11:00:00{offset}"


def test_an_in_person_event_has_a_place_its_organisers_and_its_status(
    client, make_event, make_organisation, countries
):
    undp = make_organisation("United Nations Development Programme", "UNDP")
    event = make_event(
        "Expo in Nairobi",
        venue="UN Complex",
        city="Nairobi",
        country=countries["kenya"],
        organisers=[undp],
    )

    data = json_ld_of(client, event)

    assert data["name"] == "Expo in Nairobi"
    assert data["description"] == event.summary
    assert data["url"] == f"{BASE}{event.get_absolute_url()}"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["location"] == {
        "@type": "Place",
        "name": "UN Complex",
        "address": {"@type": "PostalAddress", "addressLocality": "Nairobi", "addressCountry": "KE"},
    }
    assert data["organizer"] == [
        {
            "@type": "Organization",
            "name": "United Nations Development Programme",
            "alternateName": "UNDP",
        }
    ]


def test_an_online_events_location_is_its_page_never_the_link_to_join(client, make_event):
    secret = "https://meet.example.org/secret-room"
    online = make_event(format=EventFormat.ONLINE, online_url=secret, is_cancelled=True)
    hybrid = make_event(format=EventFormat.HYBRID, online_url=secret, city="Bangkok")

    online_data = json_ld_of(client, online)
    hybrid_data = json_ld_of(client, hybrid)

    page_url = f"{BASE}{online.get_absolute_url()}"
    assert online_data["location"] == {"@type": "VirtualLocation", "url": page_url}
    assert online_data["eventStatus"] == "https://schema.org/EventCancelled"
    assert online_data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert hybrid_data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert [place["@type"] for place in hybrid_data["location"]] == ["Place", "VirtualLocation"]
    for event in (online, hybrid):
        assert secret not in client.get(event.get_absolute_url()).content.decode()


def test_an_event_known_by_its_days_or_its_month_has_no_invented_times(client, make_event):
    days = make_event(
        starts_at=datetime(2019, 3, 20, 4, tzinfo=UTC),  # midnight in New York
        ends_at=datetime(2019, 3, 23, 4, tzinfo=UTC),
        date_precision=DatePrecision.DAY,
    )
    month = make_event(
        starts_at=datetime(2019, 5, 1, 4, tzinfo=UTC),
        ends_at=datetime(2019, 6, 1, 4, tzinfo=UTC),
        date_precision=DatePrecision.MONTH,
    )

    by_days, by_month = json_ld_of(client, days), json_ld_of(client, month)

    assert (by_days["startDate"], by_days["endDate"]) == ("2019-03-20", "2019-03-22")
    assert (by_month["startDate"], by_month["endDate"]) == ("2019-05", "2019-05")


def test_a_report_and_a_resolution_describe_themselves(client, make_publication, make_organisation):
    unossc = make_organisation("United Nations Office for South-South Cooperation", "UNOSSC")
    report = make_publication(
        "South-South Ideas", year=2021, publishers=[unossc], language=Language.FRENCH
    )
    resolution = make_publication(
        "South-South cooperation",
        kind=PublicationKind.RESOLUTION,
        year=2003,
        issued_on=date(2003, 12, 23),
        document_symbol="A/RES/58/220",
    )

    report_data, resolution_data = json_ld_of(client, report), json_ld_of(client, resolution)

    assert report_data["@type"] == "Report"
    assert report_data["datePublished"] == "2021"
    assert report_data["inLanguage"] == "fr"
    assert report_data["publisher"] == [
        {
            "@type": "Organization",
            "name": "United Nations Office for South-South Cooperation",
            "alternateName": "UNOSSC",
        }
    ]
    assert "identifier" not in report_data
    assert resolution_data["@type"] == "CreativeWork"
    assert resolution_data["datePublished"] == "2003-12-23"
    assert resolution_data["identifier"] == "A/RES/58/220"
    assert resolution_data["url"] == f"{BASE}{resolution.get_absolute_url()}"


def test_a_case_study_names_its_themes_and_countries(
    client, make_initiative, make_theme, countries, regions
):
    case = make_initiative(
        "Demining expertise",
        countries={
            countries["colombia"]: CountryRole.PROVIDER,
            countries["cambodia"]: CountryRole.BENEFICIARY,
        },
        regions=[regions["caribbean"]],
        themes=[make_theme("Peace")],
    )

    data = json_ld_of(client, case)

    assert data["@type"] == "CreativeWork"
    assert data["name"] == "Demining expertise"
    assert data["about"] == [{"@type": "Thing", "name": "Peace"}]
    assert data["spatialCoverage"] == [
        {"@type": "Country", "name": "Colombia"},
        {"@type": "Country", "name": "Cambodia"},
        {"@type": "Place", "name": "Caribbean"},
    ]
    assert data["datePublished"] == case.published_at.isoformat(timespec="seconds")
    assert data["url"] == f"{BASE}{case.get_absolute_url()}"


def test_a_title_cannot_break_out_of_the_json_ld(
    client, make_initiative, make_event, make_publication
):
    for record in (
        make_initiative(HOSTILE_TITLE, summary=HOSTILE_TITLE),
        make_event(HOSTILE_TITLE, summary=HOSTILE_TITLE),
        make_publication(HOSTILE_TITLE, summary=HOSTILE_TITLE),
    ):
        content = client.get(record.get_absolute_url()).content.decode()
        head = Head(content)

        assert "<script>alert(1)" not in content
        # The JSON-LD and the portal's own script file, nothing else.
        scripts = [script["attrs"] for script in head.scripts]
        assert [attrs for attrs in scripts if "src" not in attrs] == [
            {"type": "application/ld+json"}
        ]
        assert [attrs["src"] for attrs in scripts if "src" in attrs] == ["/static/js/local-time.js"]
        (data,) = head.json_ld()
        assert data["name"] == data["description"] == HOSTILE_TITLE
        assert head.og()["og:title"] == HOSTILE_TITLE

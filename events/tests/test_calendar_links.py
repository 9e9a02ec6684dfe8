"""The links that open an event in Google Calendar and Outlook on the web, beside the .ics file:
read back from the page as those calendars read their addresses."""

import re
from datetime import UTC, timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from devtools.samples import utc
from events.models import DatePrecision
from publishing.models import Status

pytestmark = pytest.mark.django_db


def calendar_links(response):
    """{calendar name: (address, query)} of the page's "Add to ..." links."""
    assert response.status_code == 200
    found = {}
    link = r'<a href="([^"]+)" rel="noopener">Add to ([^<]+)</a>'
    for href, text in re.findall(link, response.text):
        address = unescape(href)
        parts = urlsplit(address)
        found[text] = (f"{parts.scheme}://{parts.netloc}{parts.path}", parse_qs(parts.query))
    return found


def one(query, key):
    (value,) = query[key]
    return value


def test_a_timed_event_opens_in_google_and_outlook_at_its_instants(client, make_event):
    start = timezone.now().replace(microsecond=0) + timedelta(days=40)
    event = make_event(
        "Panel on seeds & soils",
        starts_at=start,
        hours=2,
        time_zone="America/New_York",
        venue="UN Headquarters",
        city="New York",
    )

    links = calendar_links(client.get(event.get_absolute_url()))

    google, google_query = links["Google Calendar"]
    assert google == "https://calendar.google.com/calendar/render"
    assert one(google_query, "action") == "TEMPLATE"
    assert one(google_query, "text") == "Panel on seeds & soils"
    end = start + timedelta(hours=2)
    utc_start, utc_end = (moment.astimezone(UTC) for moment in (start, end))
    assert one(google_query, "dates") == f"{utc_start:%Y%m%dT%H%M%SZ}/{utc_end:%Y%m%dT%H%M%SZ}"
    assert one(google_query, "ctz") == "America/New_York"
    assert one(google_query, "location") == "UN Headquarters, New York"
    assert one(google_query, "details").endswith("http://testserver" + event.get_absolute_url())

    outlook, outlook_query = links["Outlook"]
    assert outlook == "https://outlook.live.com/calendar/0/action/compose"
    assert one(outlook_query, "rru") == "addevent"
    assert one(outlook_query, "subject") == "Panel on seeds & soils"
    assert one(outlook_query, "startdt") == f"{utc_start:%Y-%m-%dT%H:%M:%SZ}"
    assert one(outlook_query, "enddt") == f"{utc_end:%Y-%m-%dT%H:%M:%SZ}"
    assert one(outlook_query, "allday") == "false"
    assert "About Panel on seeds" in one(outlook_query, "body")


def test_an_event_known_by_its_days_is_an_all_day_span_ending_the_day_after(client, make_event):
    start = utc(2030, 3, 20, 0)
    event = make_event(
        "Expo",
        starts_at=start,
        ends_at=utc(2030, 3, 23, 0),
        date_precision=DatePrecision.DAY,
        time_zone="UTC",
    )

    links = calendar_links(client.get(event.get_absolute_url()))

    assert one(links["Google Calendar"][1], "dates") == "20300320/20300323"
    outlook = links["Outlook"][1]
    assert (one(outlook, "startdt"), one(outlook, "enddt")) == ("2030-03-20", "2030-03-23")
    assert one(outlook, "allday") == "true"


def test_past_and_cancelled_events_offer_only_the_calendar_file(client, make_event):
    past = make_event("Over", starts_at=utc(2021, 9, 10, 13))
    cancelled = make_event("Called off", is_cancelled=True)

    for event in (past, cancelled):
        response = client.get(event.get_absolute_url())
        assert calendar_links(response) == {}
        assert f'href="{event.get_ics_url()}"' in response.text


def test_a_preview_offers_no_calendar_at_all(admin_client, make_event):
    draft = make_event("Draft", status=Status.DRAFT)

    response = admin_client.get(draft.get_absolute_url())

    assert response.status_code == 200
    assert calendar_links(response) == {}
    assert "Add to calendar" not in response.text

"""A record published with a date still to come is scheduled: the one `published()` rule keeps
it off every public page until that moment, to the second."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from publishing.models import Status

MOMENT = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
ONE_SECOND = timedelta(seconds=1)


@pytest.fixture
def scheduled(make_initiative, make_event, make_publication):
    """One record of each type, scheduled for MOMENT, made the day before."""
    with time_machine.travel(MOMENT - timedelta(days=1), tick=False):
        return {
            "/initiatives/": make_initiative("Scheduled case", published_at=MOMENT),
            "/events/": make_event(
                "Scheduled event", published_at=MOMENT, starts_at=MOMENT + timedelta(days=20)
            ),
            "/publications/": make_publication("Scheduled report", published_at=MOMENT),
        }


@pytest.mark.parametrize("list_url", ["/initiatives/", "/events/", "/publications/"])
def test_a_scheduled_record_appears_at_its_moment_and_not_a_second_before(
    client, scheduled, list_url
):
    record = scheduled[list_url]
    assert record.status == Status.PUBLISHED

    with time_machine.travel(MOMENT - ONE_SECOND, tick=False):
        early_page = client.get(record.get_absolute_url())
        early_list = client.get(list_url).content.decode()
        early_search = client.get("/search/", {"q": "Scheduled"}).content.decode()
        assert not record.is_published()
    with time_machine.travel(MOMENT, tick=False):
        page = client.get(record.get_absolute_url())
        listing = client.get(list_url).content.decode()
        search = client.get("/search/", {"q": "Scheduled"}).content.decode()
        assert record.is_published()

    assert early_page.status_code == 404
    assert record.title not in early_list
    assert record.title not in early_search
    assert page.status_code == 200
    assert record.title in listing
    assert record.title in search
    # The list's count, kept for the content version, counts the record from its moment too.
    assert results_count(listing) == results_count(early_list) + 1


def results_count(html):
    heading = re.search(r'class="results-count">(.*?)</h2>', html, re.S).group(1)
    return int(re.search(r"\d+", heading).group())


def test_a_record_scheduled_after_the_list_was_kept_counts_from_its_moment(client, make_initiative):
    """The publication moments are already kept when a record is scheduled: its save adds its
    moment to them."""
    with time_machine.travel(MOMENT - timedelta(days=2), tick=False):
        before = results_count(client.get("/initiatives/").content.decode())
    with time_machine.travel(MOMENT - timedelta(days=1), tick=False):
        record = make_initiative("Scheduled later", published_at=MOMENT)
        assert results_count(client.get("/initiatives/").content.decode()) == before
    with time_machine.travel(MOMENT - ONE_SECOND, tick=False):
        early = client.get("/initiatives/").content.decode()
    with time_machine.travel(MOMENT, tick=False):
        listing = client.get("/initiatives/").content.decode()

    assert record.title not in early
    assert results_count(early) == before
    assert record.title in listing
    assert results_count(listing) == before + 1

"""Every public page type costs the same number of SQL queries, at most ten, whether the portal
holds one record of each kind or fifty: nothing a page shows is loaded one record at a time.

Counted as a running server answers, with the page cache off: the second request to an address,
after the first has loaded what a process keeps (filter choices, reference data, cards of the
content version)."""

import pytest
from django.test import override_settings

from core.signals import send_content_changed
from devtools.samples import count_queries, in_days
from events.models import RegistrationStatus
from initiatives.models import CountryRole, Initiative, Modality
from publishing.models import Status

MAX_QUERIES = 10

PAGES = {
    "home": "/",
    "case-study list": "/initiatives/",
    "case-study list, region and goal": "/initiatives/?region=africa&sdg=3",
    "case-study list, country and modality": "/initiatives/?country=KE&modality=triangular",
    "case-study list, each filter": "/initiatives/?group=ldc&theme=health&target=3.3&status=",
    "case-study list, words": "/initiatives/?q=cooperation",
    "case-study page": "/initiatives/first-case-study/",
    "event list": "/events/",
    "event page": "/events/first-event/",
    "publication list": "/publications/",
    "publication page": "/publications/first-publication/",
    "country index": "/countries/",
    "country page": "/countries/KE/",
    "goal index": "/sdgs/",
    "goal page": "/sdgs/3/",
    # The first records of each kind: each kind is on the page of results, with one record of
    # each or with fifty (the page makes one query per kind of record it shows).
    "site search": "/search/?q=first",
    "site search, many results": "/search/?q=cooperation",
}
# What a page must show for its count to be that of a page that found something.
SHOWS_FIRST = {name: "First case study" for name in PAGES if name.startswith("case-study list")} | {
    "event list": "First event",
    "publication list": "First publication",
}

# Pages that only exist once there are fifty records, counted against the first page with one.
LATER_PAGES = {
    "case-study list, page 2": ("/initiatives/?page=2", "case-study list"),
    "event list, page 2": ("/events/?page=2", "event list"),
    "publication list, page 2": ("/publications/?page=2", "publication list"),
}


@pytest.fixture
def portal(
    make_initiative,
    make_event,
    make_registration,
    make_publication,
    make_theme,
    make_organisation,
    countries,
    sdgs,
    sdg_targets,
):
    """add(n): n more case studies, events and publications, linked as staff link them."""
    health = make_theme("Health")
    organisation = make_organisation("A cooperation agency")
    made = {"count": 0}

    def add(count):
        for _ in range(count):
            first = made["count"] == 0
            made["count"] += 1
            initiative = make_initiative(
                "First case study" if first else None,
                slug="first-case-study" if first else f"case-study-{made['count']}",
                summary="South-South cooperation in health.",
                modality=Modality.TRIANGULAR,
                countries={
                    countries["kenya"]: CountryRole.BENEFICIARY,
                    countries["colombia"]: CountryRole.PROVIDER,
                    countries["mali"]: CountryRole.BENEFICIARY,
                },
                organisations={organisation: "facilitator"},
                themes=[health],
                sdgs=[sdgs[3], sdgs[16]],
                targets=[sdg_targets["3.3"]],
                featured=True,
            )
            event = make_event(
                "First event" if first else None,
                slug="first-event" if first else f"event-{made['count']}",
                starts_at=in_days(5 + made["count"]),
                country=countries["kenya"],
                themes=[health],
                registration_enabled=True,
                capacity=100,
                organisers=[organisation],
            )
            make_registration(event, RegistrationStatus.CONFIRMED)
            make_publication(
                "First publication" if first else None,
                slug="first-publication" if first else f"publication-{made['count']}",
                summary="A report on cooperation.",
                publishers=[organisation],
                themes=[health],
                sdgs=[sdgs[3]],
                initiatives=[initiative],
                events=[event],
            )
            make_initiative(status=Status.DRAFT, countries={countries["kenya"]: "beneficiary"})

    return add


def counts(client, pages, *, warm):
    """{page: queries}; `warm=False`: the first request after a content change, which loads
    again what the portal keeps per content version (counts, option lists, cards)."""
    found = {}
    for name, url in pages.items():
        if not warm:
            send_content_changed(Initiative)
        found[name], response = count_queries(client, url, warm=warm)
        if name in SHOWS_FIRST:
            assert SHOWS_FIRST[name] in response.content.decode(), name
    return found


@override_settings(PAGE_CACHE_SECONDS=0)
def test_every_page_type_costs_the_same_queries_for_one_record_or_fifty(client, portal):
    portal(1)
    with_one = counts(client, PAGES, warm=True)
    cold_with_one = counts(client, PAGES, warm=False)
    portal(49)
    with_fifty = counts(client, PAGES, warm=True)
    cold_with_fifty = counts(client, PAGES, warm=False)
    for name, (url, first_page) in LATER_PAGES.items():
        with_one[name] = with_one[first_page]
        with_fifty[name] = count_queries(client, url)[0]

    print("\n" + "\n".join(f"{name}: {with_one[name]} / {with_fifty[name]}" for name in with_one))
    print("\n".join(f"{name}, after a change: {cold_with_one[name]}" for name in PAGES))
    # Fifty of each kind match "cooperation": the best-ranked page of them may leave one kind
    # out, and with it its query.
    many = "site search, many results"
    assert with_fifty.pop(many) <= with_one.pop(many)
    assert cold_with_fifty.pop(many) <= cold_with_one.pop(many)
    assert with_one == with_fifty
    assert cold_with_one == cold_with_fifty
    assert {name: count for name, count in with_fifty.items() if count > MAX_QUERIES} == {}
    assert {name: count for name, count in cold_with_fifty.items() if count > MAX_QUERIES} == {}

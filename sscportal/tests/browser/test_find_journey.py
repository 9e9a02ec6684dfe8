"""A visitor finds things on a phone, with and without JavaScript: searches the portal from the
header, opens a publication among the results and follows it to a related event, then narrows
the results to case studies, opens one and follows one of its countries to the country's page.

The locators go by role and label, as a screen reader would. The expected results come from the
same search the page runs (publishing.site_search.Search), so the test holds on SQLite and on
PostgreSQL, whose matching differs; the highlighted words are checked on PostgreSQL only, where
ts_headline marks every word found (on SQLite the snippet is the summary, which need not hold
the word)."""

import re

from django.db import connection
from django.utils import translation

from initiatives.models import CountryRole, Initiative
from publications.models import Publication
from publishing.site_search import Search

from .assertions import expect

PHONE = {"width": 360, "height": 740}
WORD = "Africa"
# Among the results for WORD: a publication with one related event (fixtures/40_publications.json)
# and a case study with its provider country (fixtures/*_initiatives.json).
PUBLICATION = "good-practices-made-in-africa-solutions"
CASE_STUDY = "cuba-ebola-west-africa"


def find_journey(page):
    publication = Publication.objects.get(slug=PUBLICATION)
    event = publication.events.get()
    with translation.override("en"):  # whatever an earlier test left active in this thread
        event_url = event.get_absolute_url()
    case_study = Initiative.objects.get(slug=CASE_STUDY)
    country = case_study.country_roles.get(role=CountryRole.PROVIDER).country
    search = Search([WORD.lower()])
    total, case_studies = search.count(), search.counts()["initiative"]
    assert total > 1 and case_studies >= 1, search.counts()

    page.goto("/")
    header_search = page.get_by_role("search", name="Search the portal")
    box = header_search.get_by_label("Search the portal", exact=True)
    expect(box).to_be_visible()  # not hidden away on a narrow screen
    box.fill(WORD)
    header_search.get_by_role("button", name="Search", exact=True).click()

    expect(page).to_have_url(re.compile(rf"/search/\?q={WORD}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    # The search page's own form keeps the word; the header has no second search box.
    expect(page.get_by_role("search")).to_have_count(1)
    expect(page.get_by_role("search").get_by_label("Search for")).to_have_value(WORD)
    results = page.get_by_role("region", name=f"{total} results for “{WORD}”")
    expect(results).to_be_visible()
    expect(results.locator("ol.search-list > li")).to_have_count(total)
    if connection.vendor == "postgresql":
        marks = results.locator("mark")
        expect(marks.first).to_be_visible()
        for text in marks.all_inner_texts():
            assert re.match(r"(?i)afric", text), text
    results_url = page.url

    results.get_by_role("link", name=publication.title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(publication.title)
    related = page.get_by_role("region", name="Related events")
    related.get_by_role("link", name=event.title, exact=True).click()
    expect(page).to_have_url(re.compile(rf"{re.escape(event_url)}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(event.title)

    page.go_back()
    page.go_back()
    expect(page).to_have_url(results_url)
    tabs = page.get_by_role("navigation", name="Kinds of result")
    tabs.get_by_role("link", name=f"Case studies ({case_studies})").click()
    expect(page).to_have_url(re.compile(r"[?&]type=initiative(&|$)"))
    expect(tabs.get_by_role("link", name=f"Case studies ({case_studies})")).to_have_attribute(
        "aria-current", "page"
    )
    results = page.get_by_role("region", name=f"{case_studies} results for “{WORD}”")
    items = results.locator("ol.search-list > li")
    expect(items).to_have_count(case_studies)
    expect(items.locator(".tag", has_text="Case study")).to_have_count(case_studies)

    results.get_by_role("link", name=case_study.title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(case_study.title)
    facts = page.get_by_role("complementary", name="At a glance")
    facts.get_by_role("link", name=f"{country.name}: country page").click()
    expect(page).to_have_url(re.compile(rf"/countries/{country.iso2}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(country.name)
    expect(page.get_by_role("link", name=case_study.title, exact=True)).to_be_visible()


def test_visitor_finds_things_on_a_phone(new_context, portal_content):
    find_journey(new_context(viewport=PHONE).new_page())


def test_visitor_finds_things_without_javascript_on_a_phone(new_context, portal_content):
    find_journey(new_context(java_script_enabled=False, viewport=PHONE).new_page())

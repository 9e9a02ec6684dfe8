"""What people do on the portal, in a real browser: a visitor filters the case studies (with and
without JavaScript) and an editor publishes a draft through the admin.

The locators go by role and label, as a screen reader would, so a missing label or an unnamed
control fails these tests as well."""

import re

from django.contrib.auth.models import Group, Permission, User
from django.db.models import Q

from initiatives.models import Initiative
from publishing.models import Status

from .assertions import expect

# Africa (with its sub-regions) and SDG 3: the starting content has two such case studies.
REGION, REGION_NAME = "africa", "Africa"
SDG, SDG_NAME = "3", "Goal 3: Good Health and Well-being"
EXPECTED = ["cuba-ebola-west-africa", "mexico-kenya-corn-diversification"]
REGION_LABEL = re.compile(r"^Region:?$")  # not "Region, country, theme and more"


def titles(slugs):
    return sorted(Initiative.objects.filter(slug__in=slugs).values_list("title", flat=True))


def filter_journey(page):
    expected = titles(EXPECTED)

    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("South-South cooperation in practice")
    menu = page.locator("summary", has_text="Menu")
    if menu.is_visible():  # narrow screens fold the navigation into the menu
        menu.click()
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Case studies").click()
    expect(page).to_have_url(re.compile(r"/initiatives/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Case studies")
    if menu.is_visible():
        menu.click()
    expect(nav.get_by_role("link", name="Case studies")).to_have_attribute("aria-current", "page")

    form = page.get_by_role("form", name="Filter case studies")
    disclosure = form.get_by_text("Region, country, theme and more")
    if disclosure.is_visible():  # narrow screens keep these filters in a disclosure
        disclosure.click()
    # By value: each option's label ends with its count in the current result.
    form.get_by_label(REGION_LABEL).select_option(REGION)
    form.get_by_label("Sustainable Development Goal").select_option(SDG)
    form.get_by_role("button", name="Apply filters").click()

    def check_filtered():
        expect(page).to_have_url(re.compile(rf"\?(.*&)?region={REGION}(&|$)"))
        expect(page).to_have_url(re.compile(rf"\?(.*&)?sdg={SDG}(&|$)"))
        results = page.get_by_role("region", name=f"{len(expected)} case studies")
        expect(results).to_be_visible()
        cards = results.locator("ol.cards").get_by_role("heading", level=3)
        expect(cards).to_have_count(len(expected))
        assert sorted(cards.all_inner_texts()) == expected
        for chip in (f"Region: {REGION_NAME}", f"Sustainable Development Goal: {SDG_NAME}"):
            expect(page.get_by_role("link", name=f"{chip} (remove this filter)")).to_be_visible()
        expect(form.get_by_label(REGION_LABEL)).to_have_value(REGION)
        expect(form.get_by_label("Sustainable Development Goal")).to_have_value(SDG)

    check_filtered()
    filtered_url = page.url

    page.get_by_role("link", name=expected[0]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(expected[0])
    breadcrumbs = page.get_by_role("navigation", name="Breadcrumbs")
    expect(breadcrumbs.get_by_role("link", name="Case studies")).to_be_visible()

    page.go_back()
    expect(page).to_have_url(filtered_url)
    check_filtered()


def test_visitor_filters_case_studies(page, portal_content):
    filter_journey(page)


def test_visitor_filters_case_studies_without_javascript_on_a_phone(new_context, portal_content):
    """No script at all, on a phone-sized screen where the filters sit in a disclosure."""
    context = new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    filter_journey(context.new_page())


def editor(username="editor", password="a-long-test-password"):
    """Staff, not a superuser: the case-study permissions (publishing included) and what the
    admin's autocomplete fields (regions, countries, organisations, sources) need to look
    things up."""
    group = Group.objects.create(name="Case-study editors")
    group.permissions.set(
        Permission.objects.filter(
            Q(content_type__app_label="initiatives", codename__regex=r"^(view|change|publish)_")
            | Q(
                content_type__app_label="taxonomy",
                codename__in=["view_region", "view_country", "view_organisation", "view_source"],
            )
        )
    )
    user = User.objects.create_user(username, password=password, is_staff=True)
    user.groups.add(group)
    return username, password


def test_editor_publishes_a_draft(new_context, portal_content):
    draft = Initiative.objects.get(slug="colombia-mesoamerica-hunger-reduction")
    draft.status, draft.published_at = Status.DRAFT, None
    draft.save()
    new_summary = "Colombia shared how it cut hunger; checked in a browser test."
    username, password = editor()

    visitor = new_context().new_page()
    visitor.goto("/initiatives/")
    expect(visitor.get_by_role("link", name=draft.title)).to_have_count(0)
    assert visitor.goto(draft.get_absolute_url()).status == 404

    page = new_context().new_page()
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Newsroom")).to_be_visible()

    page.goto("/admin/initiatives/initiative/?status__exact=draft")
    page.get_by_role("link", name=draft.title).click()
    expect(page.get_by_role("heading", level=2, name=draft.title)).to_be_visible()
    page.locator("#id_summary").fill(new_summary)
    page.get_by_label("Status:", exact=True).select_option(label="Published")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    visitor.goto("/initiatives/")
    visitor.get_by_role("link", name=draft.title).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(draft.title)
    expect(visitor.locator(".detail-header .lede")).to_have_text(new_summary)
    expect(visitor.get_by_role("status")).to_have_count(0)  # no preview banner: it is public

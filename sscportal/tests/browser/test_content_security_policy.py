"""The Content Security Policy blocks nothing the portal itself needs: in Chromium, every public
page type (with its one script) and every kind of admin screen (list with filters and actions,
change form with inlines, date and time widgets, autocomplete fields, the delete confirmation)
loads and works without a single violation, and Chromium knows and denies every feature the
Permissions-Policy names.

Violations are caught two ways: the `securitypolicyviolation` events the page fires (recorded by
a script Playwright adds before the page's own) and Chromium's console messages."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User

from initiatives.models import Initiative

from . import NEXT_UN_DAY, PUBLICATION
from .assertions import expect

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", event => {
    window.__violations.push({
        directive: event.effectiveDirective,
        blocked: event.blockedURI,
        source: event.sourceFile + ":" + event.lineNumber,
        sample: event.sample,
    });
});
"""
# What Chromium writes to the console about a blocked resource, an unknown header value or a
# script whose integrity hash does not match.
SECURITY_CONSOLE = re.compile(
    r"Content Security Policy|Content-Security-Policy|Permissions-Policy|"
    r"Cross-Origin-Resource-Policy|Refused to|integrity",
    re.IGNORECASE,
)

PUBLIC_PAGES = {
    "home": ("/", 200),
    "list with filters": ("/initiatives/?region=africa&sdg=3", 200),
    "case study": ("/initiatives/cambodia-colombia-demining-experts/", 200),
    "event with its registration form": (NEXT_UN_DAY, 200),
    "publication": (PUBLICATION, 200),
    "search": ("/search/?q=cooperation", 200),
    "about": ("/about/", 200),
    "country": ("/countries/CO/", 200),
    "not found": ("/initiatives/no-such-case-study/", 404),
    "Arabic home": ("/ar/", 200),
}


class Watched:
    """A page whose security-policy violations and console messages are recorded."""

    def __init__(self, context):
        context.add_init_script(RECORD_VIOLATIONS)
        self.console = []
        self.problems = []
        # On the context, so that pop-up windows the admin opens are heard too.
        context.on("console", lambda message: self.console.append(message))
        context.on("weberror", lambda error: self.problems.append(f"script error: {error.error}"))
        self.page = context.new_page()

    def check(self, where, page=None):
        """Record what went wrong on the current document of `page` (by default the main page);
        call before leaving it."""
        page = page or self.page
        for violation in page.evaluate("window.__violations || []"):
            self.problems.append(f"[{where}] violation: {violation}")
        for message in self.console:
            if message.type in ("error", "warning") and SECURITY_CONSOLE.search(message.text):
                self.problems.append(f"[{where}] console {message.type}: {message.text}")
        self.console.clear()

    def assert_clean(self):
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture
def watched(new_context):
    return Watched(new_context())


def test_a_violation_is_caught(watched, transactional_db):
    """The check can fail: an inline style and an inline script added to a page are reported."""
    page = watched.page
    page.goto("/no-such-page/")
    page.evaluate(
        """() => {
            document.body.setAttribute("style", "color: red");
            const script = document.createElement("script");
            script.textContent = "window.__ran = true";
            document.body.append(script);
        }"""
    )
    page.wait_for_function("window.__violations.length >= 2")
    assert page.evaluate("window.__ran") is None  # the inline script did not run
    watched.check("page with inline code")
    with pytest.raises(AssertionError) as failure:
        watched.assert_clean()
    assert "style-src-attr" in str(failure.value)
    assert "script-src-elem" in str(failure.value)


def test_public_pages_load_without_a_policy_violation(watched, portal_content):
    page = watched.page
    for name, (url, status) in PUBLIC_PAGES.items():
        response = page.goto(url)
        assert response.status == status, f"{name}: {url} answered {response.status}"
        assert "default-src 'none'" in response.headers["content-security-policy"], name
        policy = response.headers["content-security-policy"]
        assert re.search(r"(^|; )script-src 'self'(;|$)", policy), name
        # The stylesheet applied: the header's background comes from site.css only.
        header_background = page.locator(".site-header").evaluate(
            "element => getComputedStyle(element).backgroundColor"
        )
        assert header_background not in ("rgba(0, 0, 0, 0)", "transparent"), name
        watched.check(name)

    # The registration form sent empty answers with its errors: the form may post to the portal.
    page.goto(NEXT_UN_DAY)
    registration = page.get_by_role("region", name="Registration")
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        registration.get_by_role("button").click()
    assert answer.value.status == 400
    watched.check("registration form sent empty")

    # The site search form, from the header of any page.
    page.goto("/about/")
    page.get_by_role("search").get_by_role("searchbox").fill("cooperation")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/search/\?q=cooperation"))
    watched.check("site search")

    # The favicon is an image of the portal, which img-src allows.
    favicon = page.evaluate(
        """() => new Promise(resolve => {
            const image = new Image();
            image.onload = () => resolve(image.naturalWidth);
            image.onerror = () => resolve(0);
            image.src = document.querySelector('link[rel="icon"]').href;
        })"""
    )
    assert favicon > 0
    watched.check("favicon")
    watched.assert_clean()


def test_the_browser_denies_every_feature_the_permissions_policy_names(watched, transactional_db):
    page = watched.page
    page.goto("/no-such-page/")
    known = set(page.evaluate("document.featurePolicy.features()"))
    denied = sorted(settings.PERMISSIONS_POLICY)
    assert set(denied) - known == set(), "features this Chromium does not know"
    allowed = page.evaluate(
        "features => features.filter(feature => document.featurePolicy.allowsFeature(feature))",
        denied,
    )
    assert allowed == []
    # A feature the policy does not name keeps the browser's default.
    assert page.evaluate("document.featurePolicy.allowsFeature('fullscreen')") is True


def test_the_admin_works_without_a_policy_violation(watched, portal_content):
    User.objects.create_superuser("curator", password="a-long-test-password")
    initiative = Initiative.objects.get(slug="cambodia-colombia-demining-experts")
    page = watched.page

    page.goto("/admin/login/")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Newsroom")).to_be_visible()
    watched.check("login and index")

    # A change list: a filter, then the action bar counting a selected row.
    page.goto("/admin/initiatives/initiative/")
    page.locator("#changelist-filter").get_by_role("link", name="Published").first.click()
    expect(page).to_have_url(re.compile(r"status__exact=published"))
    page.locator("#action-toggle").check()
    expect(page.locator(".action-counter")).to_contain_text("selected")
    page.locator('select[name="action"]').select_option("delete_selected")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_role("heading", name="Delete multiple objects")).to_be_visible()
    watched.check("change list, filter and action")

    # A change form with inlines: add a row to the countries, then fill an autocomplete field.
    page.goto(f"/admin/initiatives/initiative/{initiative.pk}/change/")
    rows = page.locator("#country_roles-group tbody tr.form-row:not(.empty-form)")
    before = rows.count()
    page.locator("#country_roles-group .add-row a").click()
    expect(rows).to_have_count(before + 1)
    page.locator(".field-regions .select2-selection").click()
    page.locator('.select2-search__field[aria-controls="select2-id_regions-results"]').fill("Afri")
    expect(page.locator(".select2-results__option").first).to_contain_text("Africa")
    page.keyboard.press("Escape")
    watched.check("change form, inline and autocomplete")

    # The pop-up window that adds a related record (a country) from the change form.
    with page.expect_popup() as opened:
        page.locator("#add_id_country_roles-0-country").click()
    popup = opened.value
    popup.wait_for_load_state()
    expect(popup.get_by_role("heading", name=re.compile("Add country"))).to_be_visible()
    watched.check("pop-up to add a country", popup)
    popup.close()

    # The date and time widgets of an event: the calendar and the clock.
    page.goto("/admin/events/event/add/")
    page.locator(".datetimeshortcuts").first.get_by_role("link", name="Choose a Date").click()
    expect(page.locator(".calendarbox").first).to_be_visible()
    page.locator(".calendarbox").first.get_by_role("link", name="Today").click()
    page.locator(".datetimeshortcuts").nth(1).get_by_role("link", name="Choose a Time").click()
    expect(page.locator(".clockbox").first).to_be_visible()
    page.locator(".clockbox").first.get_by_role("link", name="Noon").click()
    watched.check("date and time widgets")

    # The delete confirmation of one record.
    page.goto(f"/admin/initiatives/initiative/{initiative.pk}/delete/")
    expect(page.get_by_role("button", name=re.compile("Yes, I.m sure"))).to_be_visible()
    watched.check("delete confirmation")

    # The admin's own 404 and the Django admin in another language.
    page.goto("/fr/admin/")
    watched.check("admin in French")
    watched.assert_clean()

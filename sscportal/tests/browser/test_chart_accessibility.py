"""The case-study list's result in figures, opened, passes axe-core's WCAG A and AA rules in
English and in Arabic, on a desktop and on a phone; and its bars are links a keyboard reaches.
(test_accessibility.py checks the list as it opens, with the figures closed and so unchecked.)
"""

from functools import partial

from .test_accessibility import axe_path, check_page  # noqa: F401 (a fixture)

PAGES = {
    "figures": "/initiatives/",
    "figures-in-a-region": "/initiatives/?region=africa",
    "figures-ar": "/ar/initiatives/?region=africa",
}


def open_figures(page, url):
    """The list with its figures and every chart's table open."""
    response = page.goto(url)
    page.locator(".result-figures > summary").click()
    for summary in page.locator(".chart-table > summary").all():
        summary.click()
    return response


def test_the_figures_opened_have_no_wcag_violations(axe_path, page, portal_content, subtests):  # noqa: F811
    for name, url in PAGES.items():
        with subtests.test(msg=name):
            check_page(page, axe_path, name, url, 200, partial(open_figures, page, url))
            assert page.locator(".bar-chart").count() == 4


def test_a_bar_is_a_link_a_keyboard_reaches_and_follows(page, portal_content):
    page.goto("/initiatives/")
    page.locator(".result-figures > summary").click()
    bar = page.locator(".bar-chart a").first
    name = bar.get_attribute("aria-label")
    assert name and "show only these" in name

    bar.focus()
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == name
    page.keyboard.press("Enter")
    page.wait_for_url("**/initiatives/?*")
    count = page.locator("#results-title").inner_text()
    assert count.split()[0] == name.split(": ")[-1].split()[0]

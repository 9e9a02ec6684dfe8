"""A case study printed from the browser fits one page, on A4 and on Letter paper, in English and
in Arabic: the print stylesheet (the end of static/css/site.css) leaves out the menus, the
footer, the breadcrumbs, the brief's link and the other pages' links, and prints the portal's
name, the page's address and its date instead. Checked on the longest starting case study."""

import io

import pytest

from initiatives.models import Initiative

TEXTS = ("summary", "challenge", "solution", "results", "replication", "source_note")


def longest_case_study():
    return max(
        Initiative.objects.published(),
        key=lambda record: sum(len(getattr(record, name)) for name in TEXTS),
    )


@pytest.mark.parametrize("prefix", ["", "/ar"], ids=["en", "ar"])
def test_the_longest_case_study_prints_on_one_page(portal_content, page, prefix):
    pypdf = pytest.importorskip("pypdf")
    initiative = longest_case_study()
    page.goto(f"{prefix}/initiatives/{initiative.slug}/")
    page.emulate_media(media="print")
    for hidden in (".site-header", ".site-footer", ".breadcrumbs", ".brief-link"):
        assert not page.locator(hidden).first.is_visible(), hidden
    assert not page.locator(".country-page-link").first.is_visible()
    masthead = page.locator(".print-masthead")
    assert masthead.is_visible()
    assert f"/initiatives/{initiative.slug}/" in masthead.inner_text()
    for paper in ("A4", "Letter"):
        pdf = page.pdf(format=paper)
        pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
        assert pages == 1, f"{initiative.slug} prints on {pages} {paper} pages"
    page.emulate_media(media="screen")
    assert not masthead.is_visible()
    assert page.locator(".brief-link").is_visible()

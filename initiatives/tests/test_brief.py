"""A case study's one-page brief as a PDF (initiatives/brief.py): one A4 page, small, in the
page's language, for every starting case study and for a long one; never for a draft; kept in
the cache per version and language; nothing fetched from outside the static files.

The tests that render a PDF need WeasyPrint with Pango (libpango-1.0-0, libpangoft2-1.0-0) and
the fonts (fonts-noto-core, fonts-droid-fallback, fonts-noto-cjk); they skip, saying which is
missing, without them. CI installs them (.ci/run)."""

import io
import re
import shutil
import subprocess
import unicodedata
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from initiatives import brief
from initiatives.models import CountryRole, Initiative
from publishing.models import Status

MAX_BYTES = 150 * 1024
LANGUAGES = [code for code, _name in settings.LANGUAGES]
FONTS = ("Noto Sans", "Noto Sans Arabic", "Droid Sans Fallback", "Noto Sans CJK SC")
CHINESE = re.compile("[\u3400-\u9fff]")

pytestmark = pytest.mark.django_db


@pytest.fixture
def pdf_renderer():
    """Skip unless WeasyPrint can load Pango and the Noto fonts are installed."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as error:
        pytest.skip(
            f"WeasyPrint cannot be loaded ({error}): install Debian's libpango-1.0-0 and "
            "libpangoft2-1.0-0"
        )
    if shutil.which("fc-list") is None:
        pytest.skip("fc-list not found: cannot tell whether the Noto fonts are installed")
    for family in FONTS:
        found = subprocess.run(
            ["fc-list", family, "family"], capture_output=True, text=True, check=False
        ).stdout
        if not found.strip():
            pytest.skip(
                f"Font {family!r} missing: install Debian's fonts-noto-core fonts-droid-fallback "
                "fonts-noto-cjk"
            )
    pypdf = pytest.importorskip("pypdf")
    return pypdf


def get_pdf(client, path, pypdf):
    response = client.get(path)
    assert response.status_code == 200, path
    assert response["Content-Type"] == "application/pdf"
    body = response.content
    assert body.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(body))
    return response, body, reader


def text_of(reader):
    """The page's text as pypdf extracts it, its white space made single spaces."""
    text = unicodedata.normalize("NFC", reader.pages[0].extract_text())
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def starting_content(db):
    call_command("load_portal_content", verbosity=0)
    return list(Initiative.objects.published().order_by("slug"))


def test_every_starting_case_study_has_a_small_one_page_brief_in_every_language(
    client, starting_content, pdf_renderer
):
    """Each starting case study in each of the portal's six languages: one page, under 150 KB
    (Chinese too: its characters come from a TrueType font, see static/css/brief.css), with the
    title in the page's language as text a reader can select and copy."""
    assert len(starting_content) >= 6
    for initiative in starting_content:
        for language in LANGUAGES:
            prefix = "" if language == settings.LANGUAGE_CODE else f"/{language}"
            path = f"{prefix}/initiatives/{initiative.slug}/brief.pdf"
            response, body, reader = get_pdf(client, path, pdf_renderer)
            assert len(reader.pages) == 1, path
            assert len(body) < MAX_BYTES, (path, f"{len(body) / 1024:.1f} KB")
            assert response["Content-Language"] == language, path
            assert response["Content-Disposition"] == (
                f'attachment; filename="{initiative.slug}-brief.pdf"'
            )
            text = text_of(reader)
            with translation.override(language):
                title = unicodedata.normalize("NFC", initiative.texts.title)
                portal = str(_("SSC Portal"))
            if get_language_info(language)["bidi"]:
                # pypdf gives the words of right-to-left text in logical order for these
                # briefs, but the order of words across a line is not something the test
                # relies on: it checks that each word of the title is there.
                for word in title.split():
                    assert word in text, (path, word)
            else:
                assert re.sub(r"\s+", " ", title) in text, path
            assert portal in text, path
            assert f"http://testserver{prefix}/initiatives/{initiative.slug}/" in text, path

            if language == "en":
                places = [
                    link.country.name for link in initiative.country_roles.select_related("country")
                ]
                places += [region.name for region in initiative.regions.all()]
                assert any(place in text for place in places), path
            elif language == "ar":
                assert initiative.title_ar, initiative.slug
                assert title == unicodedata.normalize("NFC", initiative.title_ar)
            elif language == "zh-hans":
                # The record's Chinese title, whole, and the portal's name in Chinese.
                assert CHINESE.search(initiative.title_zh_hans), initiative.slug
                assert initiative.title_zh_hans in text, path
                assert CHINESE.search(portal), portal
                assert len(CHINESE.findall(text)) >= 20, (path, text[:200])


def test_the_brief_document_is_right_to_left_in_arabic(starting_content):
    initiative = starting_content[0]
    with translation.override("ar"):
        html = brief.render_to_string(
            "initiatives/brief.html",
            brief.context_for(
                brief.with_brief_relations(initiative), "http://x/", brief.SHORTENINGS[0]
            ),
        )
    assert '<html lang="ar" dir="rtl">' in html
    assert initiative.title_ar in html


def test_a_long_case_study_is_shortened_to_one_page(
    client, make_initiative, countries, source, sdgs, pdf_renderer
):
    paragraph = " ".join(["The programme trained health workers in every district."] * 12)
    long_text = "\n\n".join([paragraph] * 5)
    initiative = make_initiative(
        "Long programme of cooperation across two continents",
        summary=" ".join(["A long summary of a programme that went on for years."] * 8),
        challenge=long_text,
        solution=long_text,
        results=long_text,
        replication=long_text,
        countries=dict.fromkeys(countries.values(), CountryRole.BENEFICIARY),
        sdgs=list(sdgs.values()),
        sources=[source],
        start_year=2010,
        end_year=2020,
    )
    _response, body, reader = get_pdf(
        client, f"/initiatives/{initiative.slug}/brief.pdf", pdf_renderer
    )
    assert len(reader.pages) == 1
    assert len(body) < MAX_BYTES
    text = text_of(reader)
    assert initiative.title in text
    assert "Sierra Leone" in text
    assert "Shortened to one page" in text


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Status.DRAFT},
        {"status": Status.PUBLISHED, "published_at": timezone.now() + timedelta(days=3)},
    ],
    ids=["draft", "scheduled"],
)
def test_a_case_study_not_public_has_no_brief(client, admin_client, make_initiative, fields):
    initiative = make_initiative("Not yet public", **fields)
    assert client.get(f"/initiatives/{initiative.slug}/brief.pdf").status_code == 404
    assert client.get(f"/ar/initiatives/{initiative.slug}/brief.pdf").status_code == 404
    # Staff preview the page, not the brief: a brief is for what is public.
    assert admin_client.get(f"/initiatives/{initiative.slug}/brief.pdf").status_code == 404
    assert client.get("/initiatives/no-such-case/brief.pdf").status_code == 404


def test_the_brief_is_rendered_once_per_version_and_language(client, make_initiative, monkeypatch):
    rendered = []

    def render(initiative, address):
        rendered.append((initiative.slug, translation.get_language(), address))
        return b"%PDF-1.7 fake"

    monkeypatch.setattr(brief, "render_brief", render)
    initiative = make_initiative("Cached brief")
    path = f"/initiatives/{initiative.slug}/brief.pdf"
    assert client.get(path).content == b"%PDF-1.7 fake"
    client.get(path)
    assert len(rendered) == 1
    client.get(f"/fr{path}")
    assert [language for _slug, language, _address in rendered] == ["en", "fr"]
    initiative.summary = "Changed."
    initiative.save()
    client.get(path)
    assert len(rendered) == 3
    assert rendered[0][2] == f"http://testserver/initiatives/{initiative.slug}/"


def test_the_brief_fetches_static_files_only():
    # Any host's /static/ is read from the portal's own files, never fetched.
    stylesheet = brief.url_fetcher("https://example.org/static/css/brief.css")
    assert b"@page" in stylesheet["string"]
    for url in (
        "https://example.org/logo.png",
        "http://testserver/media/secret.png",
        "file:///etc/passwd",
        "http://testserver/static/../settings.py",
        "data:text/css,p{}",
    ):
        with pytest.raises(brief.Refused):
            brief.url_fetcher(url)


def test_the_case_study_page_links_to_its_brief_and_prints_its_address(client, make_initiative):
    initiative = make_initiative("Linked brief")
    html = client.get(f"/initiatives/{initiative.slug}/").content.decode()
    assert f'href="/initiatives/{initiative.slug}/brief.pdf"' in html
    assert "Download the one-page brief (PDF)" in html
    assert 'class="print-only print-masthead"' in html
    assert f"http://testserver/initiatives/{initiative.slug}/" in html
    html = client.get(f"/ar/initiatives/{initiative.slug}/").content.decode()
    assert f'href="/ar/initiatives/{initiative.slug}/brief.pdf"' in html

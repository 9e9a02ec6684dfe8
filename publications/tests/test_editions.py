"""A publication's language editions and its official document in the six languages: what its
page shows, in which order for the page's language, the editions' downloads, and how staff add
editions in the admin (errors on the form, never a server error)."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains
from reversion.models import Version

from devtools.html_forms import as_post_data, form_fields
from devtools.samples import count_queries, pdf_bytes
from publications.models import PublicationEdition, PublicationKind
from publishing.models import Status

pytestmark = pytest.mark.django_db

SYMBOL = "A/RES/58/220"
LANGUAGES = ["ar", "zh", "en", "fr", "ru", "es"]
NAMES = {
    "ar": "العربية",
    "zh": "中文",
    "en": "English",
    "fr": "Français",
    "ru": "Русский",
    "es": "Español",
}
PREFIXES = {"en": "", "ar": "/ar", "zh-hans": "/zh-hans", "fr": "/fr", "ru": "/ru", "es": "/es"}
OFFICIAL_LINK = re.compile(r'<a href="https://undocs\.org/([a-z]{2})/([^"]+)"([^>]*)>([^<]+)</a>')
EDITION_LINK = re.compile(r'<a class="edition-title" href="[^"]+"[^>]*lang="([a-z]{2})"')


def edition(publication, language, title, document=None, external_url=""):
    made = PublicationEdition(
        publication=publication, language=language, title=title, external_url=external_url
    )
    if document is not None:
        made.document = ContentFile(document, name="upload.pdf")
    made.full_clean()
    made.save()
    return made


@pytest.fixture
def resolution(make_publication):
    return make_publication(
        "Resolution 58/220", kind=PublicationKind.RESOLUTION, document_symbol=SYMBOL, year=2003
    )


@pytest.fixture
def compendium(make_publication):
    publication = make_publication("Made in Africa", slug="made-in-africa")
    edition(publication, "es", "Hecho en África", external_url="https://example.org/es/")
    edition(publication, "fr", "Fabriqué en Afrique", document=pdf_bytes())
    edition(publication, "ar", "صنع في أفريقيا", external_url="https://example.org/ar/")
    return publication


def page(client, publication, language="en"):
    response = client.get(f"{PREFIXES[language]}{publication.get_absolute_url()}")
    assert response.status_code == 200
    return response.content.decode()


# --- The official document in six languages ----------------------------------------------------


def test_a_symbol_links_to_the_official_document_in_the_six_languages(client, resolution):
    html = page(client, resolution)

    assert "Read the official document" in html
    links = OFFICIAL_LINK.findall(html)
    # English first, then the others in the United Nations' order.
    assert [link[0] for link in links] == ["en", "ar", "zh", "fr", "ru", "es"]
    for language, symbol, _attributes, name in links:
        assert symbol == SYMBOL
        assert name == NAMES[language]
    for language in LANGUAGES:
        href = f"https://undocs.org/{language}/{SYMBOL}"
        assert f'<a href="{href}" rel="noopener" lang="{language}"' in html
        assert f'hreflang="{language}"' in html
    assert 'lang="ar"\n              dir="rtl"' in html


@pytest.mark.parametrize(
    ("language", "first"),
    [("ar", "ar"), ("zh-hans", "zh"), ("fr", "fr"), ("ru", "ru"), ("es", "es"), ("en", "en")],
)
def test_the_page_language_s_official_link_comes_first_and_is_marked(
    client, resolution, language, first
):
    html = page(client, resolution, language)

    links = OFFICIAL_LINK.findall(html)
    assert links[0][0] == first
    assert sorted(link[0] for link in links) == sorted(LANGUAGES)
    assert [link[0] for link in links if 'aria-current="true"' in link[2]] == [first]
    assert f'<li class="edition-current"><a href="https://undocs.org/{first}/{SYMBOL}"' in html


def test_slashes_and_dots_of_a_symbol_stay_in_the_address(client, make_publication):
    draft = make_publication("Draft resolution", document_symbol="A/C.2/66/L.48")

    html = page(client, draft)

    assert 'href="https://undocs.org/fr/A/C.2/66/L.48"' in html


def test_without_a_symbol_there_are_no_official_links(client, make_publication):
    html = page(client, make_publication("A report"))

    assert "undocs.org" not in html
    assert "Read the official document" not in html


def test_a_publisher_s_address_is_a_link_naming_the_publisher(
    client, make_publication, make_organisation
):
    publication = make_publication(
        "Compendium",
        external_url="https://example.org/compendium",
        publishers=[make_organisation("United Nations Office for South-South Cooperation")],
    )

    html = page(client, publication)

    assert 'href="https://example.org/compendium"' in html
    assert "Read it at United Nations Office for South-South Cooperation" in html


# --- Language editions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "order"),
    [
        ("en", ["ar", "fr", "es"]),
        ("fr", ["fr", "ar", "es"]),
        ("ar", ["ar", "fr", "es"]),
        ("es", ["es", "ar", "fr"]),
        ("zh-hans", ["ar", "fr", "es"]),
    ],
)
def test_editions_are_listed_with_the_page_language_s_first(client, compendium, language, order):
    html = page(client, compendium, language)

    assert EDITION_LINK.findall(html) == order


def test_each_edition_has_its_title_language_and_direction(client, compendium):
    html = page(client, compendium)

    assert "Available in" in html
    assert 'lang="ar" dir="rtl">صنع في أفريقيا</a>' in html
    assert 'lang="fr" dir="ltr">Fabriqué en Afrique</a>' in html
    assert 'lang="es" dir="ltr">Hecho en África</a>' in html
    assert '<span class="edition-language"><span lang="fr" dir="ltr">Français</span></span>' in html
    assert 'href="https://example.org/es/"' in html
    assert 'href="/publications/made-in-africa/editions/fr/download/"' in html


def test_a_symbol_s_other_editions_are_headed_apart(client, resolution):
    edition(resolution, "pt", "Resolução 58/220", external_url="https://example.org/pt/")

    html = page(client, resolution)

    assert "Other editions" in html
    assert "Available in" not in html
    assert 'lang="pt" dir="ltr">Resolução 58/220</a>' in html


def test_the_page_makes_the_same_queries_for_one_and_for_seven_editions(
    pages_written_afresh, client, make_publication
):
    publication = make_publication("Many editions")
    edition(publication, "fr", "Un", external_url="https://example.org/fr/")
    with_one, _response = count_queries(client, publication.get_absolute_url())
    for language in ["ar", "zh", "en", "ru", "es", "pt"]:
        edition(publication, language, f"Edition {language}", document=pdf_bytes())
    with_seven, response = count_queries(client, publication.get_absolute_url())

    assert len(response.context["editions"]) == 7
    assert with_one == with_seven


# --- Downloads -------------------------------------------------------------------------------


def download_url(slug, language):
    return f"/publications/{slug}/editions/{language}/download/"


def test_an_edition_s_pdf_downloads_under_a_name_with_its_language(client, compendium):
    response = client.get(download_url("made-in-africa", "fr"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="made-in-africa-fr.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == pdf_bytes()


def test_an_edition_without_a_file_or_an_unknown_language_is_not_found(client, compendium):
    assert client.get(download_url("made-in-africa", "es")).status_code == 404  # an address
    assert client.get(download_url("made-in-africa", "ru")).status_code == 404
    assert client.get(download_url("made-in-africa", "xx")).status_code == 404
    assert client.get(download_url("no-such-thing", "fr")).status_code == 404


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW])
def test_an_unpublished_publication_s_edition_is_not_served(client, make_publication, status):
    publication = make_publication("Hidden", slug="hidden", status=status)
    edition(publication, "fr", "Caché", document=pdf_bytes())

    assert client.get(download_url("hidden", "fr")).status_code == 404


def test_a_scheduled_publication_s_edition_is_not_served_yet(client, make_publication):
    publication = make_publication(
        "Later", slug="later", published_at=timezone.now() + timedelta(days=1)
    )
    edition(publication, "fr", "Plus tard", document=pdf_bytes())

    assert client.get(download_url("later", "fr")).status_code == 404


def test_a_preview_shows_a_draft_s_edition_without_its_download(admin_client, make_publication):
    publication = make_publication("Draft", slug="draft", status=Status.DRAFT)
    edition(publication, "fr", "Brouillon", document=pdf_bytes())

    response = admin_client.get(publication.get_absolute_url())

    assert response.status_code == 200
    assertContains(response, "Brouillon")
    assertNotContains(response, "/editions/fr/download/")


# --- The model's rules -----------------------------------------------------------------------


def test_an_edition_needs_a_file_or_an_address(make_publication):
    publication = make_publication("Report")
    bare = PublicationEdition(publication=publication, language="fr", title="Rapport")

    with pytest.raises(ValidationError) as error:
        bare.full_clean()

    assert "external_url" in error.value.message_dict


def test_an_edition_has_a_file_or_an_address_not_both(make_publication):
    publication = make_publication("Report")
    both = PublicationEdition(
        publication=publication,
        language="fr",
        title="Rapport",
        external_url="https://example.org/fr/",
        document=ContentFile(pdf_bytes(), name="a.pdf"),
    )

    with pytest.raises(ValidationError) as error:
        both.full_clean()

    assert "external_url" in error.value.message_dict


# --- The admin -------------------------------------------------------------------------------


def change_url(publication):
    return reverse("admin:publications_publication_change", args=[publication.pk])


def change_form(admin_client, publication, **changes):
    """What the change form posts as the page shows it, with `changes`."""
    response = admin_client.get(change_url(publication))
    assert response.status_code == 200
    fields = form_fields(response.content.decode(), form_id="publication_form")
    return as_post_data(fields, **changes)


def row(number, language, title, **fields):
    prefix = f"editions-{number}"
    data = {f"{prefix}-language": language, f"{prefix}-title": title}
    data.update({f"{prefix}-{name}": value for name, value in fields.items()})
    return data


def form_errors(response):
    assert response.status_code == 200, "the form should have been shown again"
    assert not response.context["adminform"].form.errors, response.context["adminform"].form.errors
    formset = response.context["inline_admin_formsets"][0].formset
    return formset.errors, formset.non_form_errors()


@pytest.fixture
def draft(make_publication, source):
    return make_publication(
        "A draft report", slug="a-draft-report", status=Status.DRAFT, sources=[source]
    )


def test_the_change_form_has_an_editions_inline_after_the_file(admin_client, draft):
    response = admin_client.get(change_url(draft))

    html = response.content.decode()
    assert 'name="editions-TOTAL_FORMS"' in html
    assert 'name="editions-0-language"' in html
    # After "File", before "Topics".
    assert html.index('name="external_url"') < html.index("editions-TOTAL_FORMS")
    assert html.index("editions-TOTAL_FORMS") < html.index("Topics")
    assert 'name="editions-0-document"' in html


def test_staff_add_editions_through_the_change_form(admin_client, draft):
    data = change_form(admin_client, draft)
    data.update(row(0, "fr", "Un rapport", external_url="https://example.org/fr/"))
    data.update(
        row(1, "ar", "تقرير", document=SimpleUploadedFile("x.pdf", pdf_bytes(), "application/pdf"))
    )
    data["editions-TOTAL_FORMS"] = "2"

    response = admin_client.post(change_url(draft), data)

    assert response.status_code == 302, form_errors(response)
    editions = {edition.language: edition for edition in draft.editions.all()}
    assert editions["fr"].external_url == "https://example.org/fr/"
    assert editions["ar"].title == "تقرير"
    assert re.fullmatch(
        r"publications/a-draft-report-ar-[A-Za-z0-9_-]{16}\.pdf", editions["ar"].document.name
    )
    # Kept in the publication's history with it.
    assert Version.objects.get_for_model(PublicationEdition).count() == 2


def test_an_edition_without_file_or_address_is_a_form_error(admin_client, draft):
    data = change_form(admin_client, draft)
    data.update(row(0, "fr", "Un rapport"))
    data["editions-TOTAL_FORMS"] = "1"

    response = admin_client.post(change_url(draft), data)

    errors, _non_form = form_errors(response)
    assert errors[0]["external_url"]
    assert not draft.editions.exists()


def test_a_second_edition_in_the_same_language_is_a_form_error(admin_client, draft):
    data = change_form(admin_client, draft)
    data.update(row(0, "fr", "Un", external_url="https://example.org/1/"))
    data.update(row(1, "fr", "Deux", external_url="https://example.org/2/"))
    data["editions-TOTAL_FORMS"] = "2"

    response = admin_client.post(change_url(draft), data)

    errors, non_form = form_errors(response)
    assert non_form or any(errors), "the duplicate should be reported"
    assert not draft.editions.exists()


def test_an_edition_in_a_language_already_stored_is_a_form_error(admin_client, draft):
    edition(draft, "fr", "Un", external_url="https://example.org/1/")
    data = change_form(admin_client, draft)
    data.update(row(1, "fr", "Deux", external_url="https://example.org/2/"))
    data["editions-TOTAL_FORMS"] = "2"

    response = admin_client.post(change_url(draft), data)

    errors, non_form = form_errors(response)
    assert non_form or any(errors), "the duplicate should be reported"
    assert list(draft.editions.values_list("title", flat=True)) == ["Un"]


def test_a_file_that_is_not_a_pdf_is_refused(admin_client, draft):
    data = change_form(admin_client, draft)
    data.update(
        row(0, "fr", "Un", document=SimpleUploadedFile("x.pdf", b"<html>", "application/pdf"))
    )
    data["editions-TOTAL_FORMS"] = "1"

    response = admin_client.post(change_url(draft), data)

    errors, _non_form = form_errors(response)
    assert errors[0]["document"]
    assert "external_url" not in errors[0]
    assert not draft.editions.exists()

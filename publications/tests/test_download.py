"""Downloading a publication's PDF: published records only, as an attachment under a safe name
made from the slug, never sniffed as anything but a PDF."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.text import slugify

from devtools.samples import pdf_bytes
from publications.views import download_name
from publishing.models import Status

pytestmark = pytest.mark.django_db

SAFE_DISPOSITION = re.compile(r'attachment; filename="[a-z0-9_-]{1,100}\.pdf"')


def download_url(publication):
    return f"/publications/{publication.slug}/download/"


def body(response):
    return b"".join(response.streaming_content)


def test_a_published_pdf_downloads_as_an_attachment(client, make_publication):
    publication = make_publication("Made in Africa", slug="made-in-africa", document=pdf_bytes())

    response = client.get(download_url(publication))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="made-in-africa.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Length"] == str(len(pdf_bytes()))
    assert body(response) == pdf_bytes()


def test_the_download_name_is_safe_whatever_the_title(client, make_publication):
    title = 'Report "FINAL"\r\nContent-Type: text/html; ../../etc/passwd; filename=evil.exe — ñandú'
    publication = make_publication(title, slug=slugify(title)[:80] + "_V2", document=pdf_bytes())

    response = client.get(download_url(publication))

    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert SAFE_DISPOSITION.fullmatch(disposition), disposition
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    "slug",
    [
        "../../etc/passwd",
        'a"b\r\nSet-Cookie: x=1',
        "C:\\Windows\\system32",
        "ñandú-über",
        "UPPER_and_lower",
        "",
        "---",
        "%2e%2e%2f",
        "a" * 300,
        "\x00\x1b[31m",
    ],
)
def test_download_names_are_lower_case_ascii_without_separators_or_quotes(slug):
    name = download_name(slug)

    assert re.fullmatch(r"[a-z0-9_-]{1,100}\.pdf", name), name
    assert not name.startswith(("-", "_", "."))


def test_an_empty_slug_falls_back_to_a_plain_name():
    assert download_name("") == "publication.pdf"
    assert download_name("¿?") == "publication.pdf"


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW])
def test_the_file_of_an_unpublished_publication_is_not_found(client, make_publication, status):
    publication = make_publication("Draft", status=status, document=pdf_bytes())

    assert client.get(download_url(publication)).status_code == 404


def test_the_file_of_a_scheduled_publication_is_not_found_before_its_time(client, make_publication):
    publication = make_publication(
        "Scheduled", published_at=timezone.now() + timedelta(days=1), document=pdf_bytes()
    )

    assert client.get(download_url(publication)).status_code == 404


def test_a_publication_without_a_file_has_no_download(client, make_publication):
    publication = make_publication("No file")

    assert client.get(download_url(publication)).status_code == 404


def test_a_file_missing_from_the_storage_is_a_404_not_a_server_error(client, make_publication):
    publication = make_publication("Lost file", document=pdf_bytes())
    publication.document.storage.delete(publication.document.name)

    assert client.get(download_url(publication)).status_code == 404


def test_an_unknown_slug_has_no_download(client, db):
    assert client.get("/publications/no-such-publication/download/").status_code == 404


def test_the_download_answers_head_but_not_post(client, make_publication):
    publication = make_publication("Report", document=pdf_bytes())

    assert client.head(download_url(publication)).status_code == 200
    assert client.post(download_url(publication)).status_code == 405

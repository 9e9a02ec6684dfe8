"""Uploading a publication's PDF and cover through the admin: what is accepted, what is refused
with a form error (never a server error), and that a refusal stores nothing."""

import io
import re
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from devtools.samples import image_bytes, pdf_bytes
from publications.models import Publication, PublicationKind
from publishing.models import Status

STORED_PDF = re.compile(r"publications/made-in-africa-[A-Za-z0-9_-]{16}\.pdf")

ADD = "admin:publications_publication_add"

SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20">'
    b'<script>alert("hello")</script><rect width="20" height="20" fill="teal"/></svg>'
)


def png_declaring(width, height):
    """A PNG whose header declares `width` x `height` pixels, with one tiny compressed row after
    it: a few hundred bytes that would need gigabytes once decoded."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    rows = zlib.compress(b"\x00" * (1 + (width + 7) // 8), 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def upload(content, name, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def form_data(source, **fields):
    data = {
        "title": "Scaling up Made-in-Africa solutions",
        "slug": "made-in-africa",
        "kind": PublicationKind.COMPENDIUM,
        "summary": "Good practices from Africa.",
        "document_symbol": "",
        "year": "2021",
        "issued_on": "",
        "language": "en",
        "description": "",
        "document_note": "",
        "external_url": "",
        "image_alt": "The cover: a map of Africa",
        "sources": [source.pk],
        "source_note": "",
        "status": Status.DRAFT,
        "published_at_0": "",
        "published_at_1": "",
        # The language editions' inline, left empty.
        "editions-TOTAL_FORMS": "0",
        "editions-INITIAL_FORMS": "0",
    }
    data.update(fields)
    return data


def stored_files(settings):
    root = settings.MEDIA_ROOT
    if not root.exists():
        return []
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())


def errors(response, field):
    assert response.status_code == 200, "the form should have been shown again"
    return response.context["adminform"].form.errors.get(field, [])


def post_add(admin_client, source, **files):
    if "document" not in files:
        files["document_note"] = "The portal may not share the document."
    return admin_client.post(reverse(ADD), form_data(source, **files))


# --- The PDF ---------------------------------------------------------------------------------


def test_a_real_pdf_is_stored_under_a_generated_name_with_its_size(admin_client, source, settings):
    content = pdf_bytes()

    response = post_add(
        admin_client, source, document=upload(content, "../../My Final Report (v2).pdf")
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    publication = Publication.objects.get(slug="made-in-africa")
    # The slug and a random part, never the upload's name.
    assert STORED_PDF.fullmatch(publication.document.name)
    assert publication.document_size == len(content)
    assert stored_files(settings) == [publication.document.name]


def test_a_pdf_is_recognised_by_its_content_not_its_name(admin_client, source, settings):
    response = post_add(admin_client, source, document=upload(pdf_bytes(), "report.exe"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    [stored] = stored_files(settings)
    assert STORED_PDF.fullmatch(stored)


def test_a_pdf_ending_in_a_few_bytes_after_its_end_marker_is_accepted(admin_client, source):
    response = post_add(admin_client, source, document=upload(pdf_bytes() + b"\r\n\0\0", "a.pdf"))

    assert response.status_code == 302, response.context["adminform"].form.errors


REFUSED_DOCUMENTS = {
    "text named .pdf": lambda: upload(b"This is not a PDF at all.\n%%EOF\n", "report.pdf"),
    "html named .pdf": lambda: upload(b"<html><script>alert(1)</script></html>", "report.pdf"),
    "png named .pdf": lambda: upload(image_bytes(), "report.pdf", "application/pdf"),
    "header further in": lambda: upload(b"junk" + pdf_bytes(), "report.pdf"),
    "truncated pdf": lambda: upload(pdf_bytes(padding=4000)[:2000], "report.pdf"),
    "svg named .pdf": lambda: upload(SVG, "report.pdf", "application/pdf"),
}


@pytest.mark.parametrize("make_upload", REFUSED_DOCUMENTS.values(), ids=REFUSED_DOCUMENTS.keys())
def test_a_file_that_is_not_a_complete_pdf_is_refused(admin_client, source, settings, make_upload):
    response = post_add(admin_client, source, document=make_upload())

    assert errors(response, "document")
    assert not Publication.objects.exists()
    assert stored_files(settings) == []


def test_a_pdf_over_the_size_limit_is_refused(admin_client, source, settings):
    content = pdf_bytes(padding=5000)
    settings.PORTAL_DOCUMENT_MAX_BYTES = len(content) - 1

    response = post_add(admin_client, source, document=upload(content, "big.pdf"))

    [message] = errors(response, "document")
    assert message.startswith("The file is ") and "the largest allowed is" in message
    assert not Publication.objects.exists()
    assert stored_files(settings) == []


def test_a_pdf_exactly_at_the_size_limit_is_accepted(admin_client, source, settings):
    content = pdf_bytes(padding=5000)
    settings.PORTAL_DOCUMENT_MAX_BYTES = len(content)

    response = post_add(admin_client, source, document=upload(content, "big.pdf"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Publication.objects.get().document_size == len(content)


def test_an_empty_file_is_refused(admin_client, source, settings):
    response = post_add(admin_client, source, document=upload(b"", "empty.pdf"))

    assert errors(response, "document")
    assert stored_files(settings) == []


def test_a_stored_pdf_is_kept_when_the_record_is_edited_without_a_new_file(
    admin_client, source, settings
):
    post_add(admin_client, source, document=upload(pdf_bytes(), "a.pdf"))
    publication = Publication.objects.get()
    stored_name = publication.document.name
    settings.PORTAL_DOCUMENT_MAX_BYTES = 10  # lowered since: the stored file is not re-checked

    response = admin_client.post(
        reverse("admin:publications_publication_change", args=[publication.pk]),
        form_data(source, title="A new title"),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    publication.refresh_from_db()
    assert publication.title == "A new title"
    assert publication.document.name == stored_name
    assert publication.document_size == len(pdf_bytes())


def test_clearing_the_file_clears_its_size(admin_client, source):
    post_add(admin_client, source, document=upload(pdf_bytes(), "a.pdf"))
    publication = Publication.objects.get()

    response = admin_client.post(
        reverse("admin:publications_publication_change", args=[publication.pk]),
        form_data(source, **{"document-clear": "on", "document_note": "Withdrawn."}),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    publication.refresh_from_db()
    assert not publication.document
    assert publication.document_size is None


# --- The cover -------------------------------------------------------------------------------


def test_a_real_png_cover_is_stored_under_a_generated_name(admin_client, source, settings):
    response = post_add(
        admin_client, source, image=upload(image_bytes((30, 20)), "My Cover (final).png")
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    publication = Publication.objects.get()
    assert publication.image.name == "publications/made-in-africa.png"
    assert (publication.image_width, publication.image_height) == (30, 20)
    assert stored_files(settings) == ["publications/made-in-africa.png"]


@pytest.mark.parametrize(
    ("image_format", "name", "stored"),
    [("JPEG", "cover.png", "made-in-africa.jpg"), ("WEBP", "cover.jpeg", "made-in-africa.webp")],
)
def test_a_cover_is_stored_with_the_extension_of_its_real_format(
    admin_client, source, settings, image_format, name, stored
):
    response = post_add(
        admin_client, source, image=upload(image_bytes(image_format=image_format), name)
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert stored_files(settings) == [f"publications/{stored}"]
    with Image.open(settings.MEDIA_ROOT / "publications" / stored) as image:
        assert image.format == image_format


def gif():
    buffer = io.BytesIO()
    Image.new("P", (8, 8)).save(buffer, "GIF")
    return buffer.getvalue()


REFUSED_COVERS = {
    "svg": lambda: upload(SVG, "cover.svg", "image/svg+xml"),
    "svg named .png": lambda: upload(SVG, "cover.png", "image/png"),
    "gif": lambda: upload(gif(), "cover.gif", "image/gif"),
    "gif named .png": lambda: upload(gif(), "cover.png", "image/png"),
    "bmp named .png": lambda: upload(image_bytes(image_format="BMP"), "cover.png"),
    "pdf named .png": lambda: upload(pdf_bytes(), "cover.png"),
    "text named .jpg": lambda: upload(b"not an image", "cover.jpg"),
}


@pytest.mark.parametrize("make_upload", REFUSED_COVERS.values(), ids=REFUSED_COVERS.keys())
def test_a_cover_that_is_not_a_jpeg_png_or_webp_image_is_refused(
    admin_client, source, settings, make_upload
):
    response = post_add(admin_client, source, image=make_upload())

    assert errors(response, "image")
    assert not Publication.objects.exists()
    assert stored_files(settings) == []


def test_a_gif_cover_is_refused_with_the_formats_named(admin_client, source, settings):
    response = post_add(admin_client, source, image=upload(gif(), "cover.gif", "image/gif"))

    assert errors(response, "image") == ["Upload a JPEG, PNG or WebP image for the cover."]


def test_a_cover_of_too_many_bytes_is_refused(admin_client, source, settings):
    content = image_bytes((40, 40))
    settings.PORTAL_IMAGE_MAX_BYTES = len(content) - 1

    response = post_add(admin_client, source, image=upload(content, "cover.png"))

    [message] = errors(response, "image")
    assert message.startswith("The image is ") and "the largest allowed is" in message
    assert stored_files(settings) == []


def test_a_cover_of_too_many_pixels_is_refused(admin_client, source, settings):
    settings.PORTAL_IMAGE_MAX_PIXELS = 100

    response = post_add(admin_client, source, image=upload(image_bytes((20, 20)), "cover.png"))

    assert errors(response, "image") == ["The image is 20 × 20 pixels, which is too large."]
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    ("width", "height"),
    [
        (30_000, 30_000),  # beyond twice Pillow's limit: DecompressionBombError
        (10_000, 10_000),  # beyond the limit only: DecompressionBombWarning
    ],
)
def test_a_decompression_bomb_is_refused_with_a_form_error(
    admin_client, source, settings, width, height
):
    bomb = png_declaring(width, height)
    assert len(bomb) < 10_000

    response = post_add(admin_client, source, image=upload(bomb, "cover.png", "image/png"))

    assert errors(response, "image")
    assert not Publication.objects.exists()
    assert stored_files(settings) == []


def test_a_bomb_is_refused_by_the_cover_check_itself_whatever_the_warning_filters(settings):
    """The check does not depend on the admin's image field having refused the file first."""
    import warnings

    from django.core.exceptions import ValidationError

    from publications.validators import validate_cover_upload

    settings.PORTAL_IMAGE_MAX_PIXELS = 10**12  # only Pillow's own limit is left
    for width in (10_000, 30_000):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # as in production: warnings are not errors
            with pytest.raises(ValidationError) as refusal:
                validate_cover_upload(upload(png_declaring(width, width), "bomb.png"))
        assert refusal.value.code == "image_too_many_pixels"

"""Checks on what an editor uploads to a publication: the PDF and the cover.

The content decides what a file is, never its name or the content type the browser sent; the
stored names come from the slug (`generated_document_name`, `publishing.models.
generated_image_name`). The admin form applies these checks (admin.PublicationAdminForm): the
model's own image validator also accepts GIF, which a cover may not be.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from publishing.validators import image_format, is_new_upload

PDF_HEADER = b"%PDF-"
PDF_END = b"%%EOF"
# Readers accept the end-of-file marker anywhere in the last kilobyte: files often end with a
# newline or a few bytes of padding after it.
PDF_END_WINDOW = 1024

# Pillow's format name -> the extension the stored cover gets.
COVER_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
COVER_FORMATS_MESSAGE = _("Upload a JPEG, PNG or WebP image for the cover.")


def read_at(upload, offset, length):
    position = upload.tell()
    try:
        upload.seek(offset)
        return upload.read(length)
    finally:
        upload.seek(position)


def validate_pdf_upload(upload):
    if not is_new_upload(upload):
        return
    limit = settings.PORTAL_DOCUMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the largest allowed is %(limit)s."),
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="document_too_large",
        )
    head = read_at(upload, 0, len(PDF_HEADER))
    tail = read_at(upload, max(upload.size - PDF_END_WINDOW, 0), PDF_END_WINDOW)
    if head != PDF_HEADER:
        raise ValidationError(
            _("Upload a PDF file: this file is not one, whatever its name says."),
            code="not_pdf",
        )
    if PDF_END not in tail:
        raise ValidationError(
            _("The PDF file is incomplete (it has no end-of-file marker): upload it again."),
            code="pdf_incomplete",
        )


def cover_format(upload):
    """The cover's format (a key of COVER_FORMATS), or ValidationError."""
    return image_format(upload, formats=tuple(COVER_FORMATS), wrong_format=COVER_FORMATS_MESSAGE)


def validate_cover_upload(upload):
    """A cover is a JPEG, PNG or WebP image (no SVG, no GIF) within the portal's image limits."""
    if is_new_upload(upload):
        cover_format(upload)

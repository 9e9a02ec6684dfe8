"""Small factories for the publications tests: a publication, a PDF, an image."""

import io
import itertools
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image

# The events' factory, for publications that name the event that launched them.
from events.tests.conftest import make_event  # noqa: F401
from publications.models import Publication, PublicationKind
from publishing.models import Status

_numbers = itertools.count(1)


def pdf_bytes(pages=1, padding=0):
    """A small, well-formed PDF; `padding` adds bytes inside a comment to make it larger."""
    body = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    body += b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    kids = " ".join(f"{3 + page} 0 R" for page in range(pages)).encode()
    body += b"2 0 obj << /Type /Pages /Kids [" + kids + b"] /Count %d >> endobj\n" % pages
    for page in range(pages):
        body += b"%d 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >> endobj\n" % (
            3 + page
        )
    body += b"%" + b"x" * padding + b"\n" if padding else b""
    body += b"trailer << /Root 1 0 R >>\n%%EOF\n"
    return body


def image_bytes(size=(12, 8), image_format="PNG", mode="RGB"):
    buffer = io.BytesIO()
    Image.new(mode, size, "teal").save(buffer, image_format)
    return buffer.getvalue()


@pytest.fixture
def make_publication(db):
    """make_publication(title, kind=..., year=..., publishers=[...], themes=[...], document=b"...",
    ...): a published report of 2021 unless told otherwise; `published_at` defaults to a day ago
    for published records, and the note on the missing file is filled in when there is no file."""

    def make(
        title=None,
        *,
        status=Status.PUBLISHED,
        published_at=None,
        publishers=(),
        authors=(),
        initiatives=(),
        events=(),
        themes=(),
        sdgs=(),
        sources=(),
        document=None,
        **fields,
    ):
        number = next(_numbers)
        title = title or f"Publication {number}"
        if published_at is None and status == Status.PUBLISHED:
            published_at = timezone.now() - timedelta(days=1, minutes=number)
        fields.setdefault("kind", PublicationKind.REPORT)
        fields.setdefault("year", 2021)
        fields.setdefault("summary", f"About {title}.")
        if document is None:
            fields.setdefault("document_note", "The portal may not share this document.")
        publication = Publication(
            title=title,
            slug=fields.pop("slug", f"{slugify(title)}-{number}"),
            status=status,
            published_at=published_at,
            **fields,
        )
        if document is not None:
            publication.document = ContentFile(document, name="upload.pdf")
        publication.save()
        publication.publishers.set(publishers)
        publication.authors.set(authors)
        publication.initiatives.set(initiatives)
        publication.events.set(events)
        publication.themes.set(themes)
        publication.sdgs.set(sdgs)
        publication.sources.set(sources)
        return publication

    return make

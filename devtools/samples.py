"""Sample data the tests build their input from: the bytes of a PDF and of an image, whole
hours in UTC, a registration form's fields, an admin formset's management form, and the links in
a portal e-mail; and what several apps' tests read back: the titles a list shows, the queries a
page makes, an admin autocomplete's answer."""

import io
import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL full-text search: run with DATABASE_URL pointing at PostgreSQL",
)


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


def utc(*parts):
    return datetime(*parts, tzinfo=UTC)


def in_days(days, hour=14):
    """A whole hour `days` from now, in UTC."""
    moment = timezone.now() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def form_data(**fields):
    """What the registration form posts for a valid registration."""
    data = {
        "name": "Ana Pereira",
        "email": "ana@example.org",
        "organisation": "Ministry of Planning",
        "country": "",
        "consent": "on",
        "website": "",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def management_form(prefix, total, initial=0):
    """The management form of an admin inline's formset."""
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


LINK = re.compile(r"https?://[^\s\"<>]+")


def links_in(message):
    """The portal's paths of the links in an e-mail's plain text, keyed by what they are."""
    paths = [url.removeprefix(settings.PORTAL_BASE_URL) for url in LINK.findall(message.body)]
    return {
        "confirm": [p for p in paths if p.startswith("/events/registration/confirm/")],
        "manage": [
            p
            for p in paths
            if p.startswith("/events/registration/")
            and not p.startswith("/events/registration/confirm/")
        ],
    }


def titles(response):
    """The titles of the records a list page shows, in order."""
    return [record.title for record in response.context["object_list"]]


def titles_found(client, url, query, **params):
    """The titles the list page at `url` shows for the search `query`."""
    response = client.get(url, {"q": query, **params})
    assert response.status_code == 200
    return titles(response)


def count_queries(client, url, warm=True):
    """Queries of one request. `warm`: as a running server answers it, with the filter choices
    already loaded by an earlier request (core/choice_cache.py)."""
    if warm:
        client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), response


def autocomplete(admin_client, app_label, model_name, field_name, term):
    """What the admin's autocomplete answers for `term` in the field of that model's form."""
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    return response.json()["results"]


def spreadsheet_confirm_form(html):
    """The fields of an import preview's confirm form (hidden inputs: the stored file, its
    format, the CSRF token), as a browser posts them; {} when the page offers none."""
    match = re.search(r'<form[^>]*action="[^"]*process_import/?"[^>]*>(.*?)</form>', html, re.S)
    if match is None:
        return {}
    inputs = re.findall(r"<input\b[^>]*>", match.group(1))
    fields = {}
    for tag in inputs:
        name = re.search(r'\bname="([^"]*)"', tag)
        value = re.search(r'\bvalue="([^"]*)"', tag)
        if name and 'type="submit"' not in tag:
            fields[name.group(1)] = unescape(value.group(1)) if value else ""
    return fields

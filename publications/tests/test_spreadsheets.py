"""Publications imported from spreadsheets through the admin's own pages."""

import io
import re
from html import unescape

import pytest
from django.urls import reverse

from devtools.samples import spreadsheet_confirm_form
from publications.models import Publication
from publishing.models import Status

IMPORT = "admin:publications_publication_import"


def upload(client, text):
    page = client.get(reverse(IMPORT)).content.decode()
    value = re.search(r'<option value="(\d+)"[^>]*>csv</option>', page).group(1)
    upload_file = io.BytesIO(text.encode())
    upload_file.name = "publications.csv"
    return client.post(reverse(IMPORT), {"format": value, "import_file": upload_file})


@pytest.fixture
def editor(staff_client):
    return staff_client("add_publication", "change_publication", "view_publication")


def test_a_publication_imports_with_its_publishers_and_goals(
    editor, make_organisation, sdgs, make_event, source
):
    make_organisation("Office for South-South Cooperation", "UNOSSC")
    make_event("Expo 2025", slug="expo-2025")
    text = (
        "title,summary,kind,document symbol,date issued,language,publishers,related events,"
        "sdgs,address elsewhere,sources\n"
        "Plan of action,The plan.,plan of action,A/RES/33/134,19 December 1978,English,"
        "UNOSSC,Expo 2025,SDG 16; 3,https://example.org/plan.pdf,A source document\n"
    )
    preview = upload(editor, text)
    fields = spreadsheet_confirm_form(preview.content.decode())
    assert fields, unescape(preview.content.decode())

    done = editor.post(reverse("admin:publications_publication_process_import"), fields)

    assert done.status_code == 302
    plan = Publication.objects.get(slug="plan-of-action")
    assert plan.status == Status.IN_REVIEW
    assert (plan.kind, plan.year, plan.issued_on.isoformat()) == (
        "plan-of-action",
        1978,
        "1978-12-19",
    )
    assert [o.acronym for o in plan.publishers.all()] == ["UNOSSC"]
    assert [e.slug for e in plan.events.all()] == ["expo-2025"]
    assert sorted(g.number for g in plan.sdgs.all()) == [3, 16]


def test_a_publication_without_file_address_or_reason_is_refused_by_column(editor, source):
    text = "title,summary,kind,year,sources\nNo file,The plan.,report,2020,A source document\n"

    page = unescape(upload(editor, text).content.decode())

    assert "Row 2, “why there is no file”: Without a PDF or an address elsewhere" in page
    assert not Publication.objects.exists()


def test_an_export_of_publications_in_review_imports_back_unchanged(
    editor, make_organisation, make_publication, sdgs, source
):
    make_publication(
        "A report",
        status=Status.IN_REVIEW,
        publishers=[make_organisation("Office for South-South Cooperation", "UNOSSC")],
        sdgs=[sdgs[2]],
        sources=[source],
        document_symbol="+A/RES/58/220",
    )
    before = list(Publication.objects.values())
    url = reverse("admin:publications_publication_export") + "?status__exact=review"
    page = editor.get(url).content.decode()
    value = re.search(r'<option value="(\d+)"[^>]*>csv</option>', page).group(1)
    exported = editor.post(url, {"format": value}).content.decode("utf-8-sig")

    preview = upload(editor, exported)

    assert "0 new, 0 changed, 1 unchanged." in unescape(preview.content.decode())
    assert list(Publication.objects.values()) == before

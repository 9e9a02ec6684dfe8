"""Events imported from and exported to spreadsheets through the admin's own pages."""

import io
import re
from datetime import UTC, datetime
from html import unescape

import pytest
from django.urls import reverse

from devtools.samples import spreadsheet_confirm_form
from events.models import Event
from publishing.models import Status

IMPORT = "admin:events_event_import"
PERMISSIONS = ("add_event", "change_event", "view_event")


def upload(client, text, kind="csv"):
    page = client.get(reverse(IMPORT)).content.decode()
    value = re.search(rf'<option value="(\d+)"[^>]*>{kind}</option>', page).group(1)
    upload_file = io.BytesIO(text.encode() if isinstance(text, str) else text)
    upload_file.name = f"events.{kind}"
    return client.post(reverse(IMPORT), {"format": value, "import_file": upload_file})


def confirm(client, preview):
    fields = spreadsheet_confirm_form(preview.content.decode())
    assert fields, unescape(preview.content.decode())
    return client.post(reverse("admin:events_event_process_import"), fields)


@pytest.fixture
def editor(staff_client):
    return staff_client(*PERMISSIONS)


def test_an_event_imports_with_its_times_in_its_own_time_zone(
    editor, countries, make_organisation, make_initiative, source
):
    make_organisation("Office for South-South Cooperation", "UNOSSC")
    make_initiative("Seeds for the Sahel", slug="seeds")
    text = (
        "title,summary,kind,starts,ends,time zone,country,organisers,related case studies,"
        "sources,status\n"
        "Expo day,A day of exchanges.,Expo,2026-09-12 09:00,2026-09-12 17:30,America/New_York,"
        "KE,UNOSSC,Seeds for the Sahel,A source document,published\n"
        "Observance,The day.,observance,12 September 2027,12/09/2027,,,,seeds,a-source,\n"
    )

    done = confirm(editor, upload(editor, text))

    assert done.status_code == 302
    expo = Event.objects.get(slug="expo-day")
    assert expo.status == Status.IN_REVIEW and expo.published_at is None
    assert expo.starts_at == datetime(2026, 9, 12, 13, 0, tzinfo=UTC)  # 09:00 New York (UTC-4)
    assert expo.ends_at == datetime(2026, 9, 12, 21, 30, tzinfo=UTC)
    assert expo.country == countries["kenya"]
    assert [o.acronym for o in expo.organisers.all()] == ["UNOSSC"]
    assert [i.slug for i in expo.initiatives.all()] == ["seeds"]
    observance = Event.objects.get(slug="observance")
    assert observance.local_start.date().isoformat() == "2027-09-12"
    assert observance.local_end.strftime("%H:%M") == "23:59"


def test_an_event_that_ends_before_it_starts_or_of_an_unknown_kind_is_refused(editor, source):
    text = (
        "title,summary,kind,starts,ends,sources\n"
        "Backwards,Summary.,conference,2026-09-12 09:00,2026-09-11 09:00,A source document\n"
        "Odd,Summary.,party,2026-09-12 09:00,soon,A source document\n"
    )

    response = upload(editor, text)

    page = unescape(response.content.decode())
    assert "Row 2, “ends”: The event cannot end before it starts." in page
    assert "Row 3, “kind”: unknown kind “party”" in page
    assert "Row 3, “ends”: “soon” is not a date" in page
    assert not Event.objects.exists()


def test_an_export_of_events_in_review_imports_back_unchanged(
    editor, countries, make_organisation, make_event, make_initiative, source
):
    case_study = make_initiative("Seeds for the Sahel")
    main = make_event("Expo", status=Status.IN_REVIEW, sources=[source], time_zone="Asia/Dubai")
    make_event(
        "Side event",
        status=Status.IN_REVIEW,
        parent=main,
        country=countries["kenya"],
        starts_at=datetime(2026, 11, 3, 6, 30, 15, tzinfo=UTC),
        time_zone="Africa/Nairobi",
        organisers=[make_organisation("Office for South-South Cooperation", "UNOSSC")],
        sources=[source],
        venue="=cmd|' /C calc'!A0",
    ).initiatives.set([case_study])
    make_event("Published", sources=[source])

    def state():
        return {
            event.slug: (
                event.title,
                event.starts_at,
                event.ends_at,
                event.time_zone,
                event.parent_id,
                event.country_id,
                event.venue,
                event.updated_at,
                sorted(event.organisers.values_list("pk", flat=True)),
                sorted(event.initiatives.values_list("pk", flat=True)),
            )
            for event in Event.objects.order_by("slug")
        }

    before = state()
    url = reverse("admin:events_event_export") + "?status__exact=review"
    page = editor.get(url).content.decode()
    value = re.search(r'<option value="(\d+)"[^>]*>csv</option>', page).group(1)
    exported = editor.post(url, {"format": value}).content

    assert b"Published" not in exported
    assert b"'=cmd" in exported
    preview = upload(editor, exported)

    assert "0 new, 0 changed, 2 unchanged." in unescape(preview.content.decode())
    confirm(editor, preview)
    assert state() == before

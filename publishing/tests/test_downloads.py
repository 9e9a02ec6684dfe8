"""Every public list as a file (publishing/downloads.py): the records of the list at the same
address, with its filters and in its order, all its pages at once, as CSV, XLSX and JSON;
published records only; cells no spreadsheet runs; streamed at a fixed number of queries per
chunk of records; in the page's language; linked from each list with its filters; limited per
client."""

import csv
import io
import json
import time
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.http import FileResponse, StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import heartbeat
from devtools.samples import in_days, pdf_bytes, utc
from devtools.servers import Gunicorn
from events.models import DatePrecision, EventFormat, EventKind
from initiatives.downloads import InitiativeDownloadView
from initiatives.models import (
    CooperationForm,
    CountryRole,
    Initiative,
    Modality,
    OrganisationRole,
    ProjectStatus,
)
from publications.models import Language, PublicationKind
from publishing import downloads
from publishing.models import Status

pytestmark = pytest.mark.django_db

FORMATS = ["csv", "xlsx", "json"]
BASE = "http://testserver"


def body_of(response):
    assert response.status_code == 200, response.status_code
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content)


def rows_of(response):
    """The records of a download as a program reading the file gets them, one dict a record."""
    body = body_of(response)
    media_type = response["Content-Type"].split(";")[0]
    if media_type == "text/csv":
        text = body.decode("utf-8")
        assert text.startswith("\ufeff")  # spreadsheets then read it as UTF-8
        return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    if media_type == "application/json":
        return json.loads(body)
    assert media_type == downloads.FORMATS["xlsx"].media_type
    (sheet,) = openpyxl.load_workbook(io.BytesIO(body), read_only=True).worksheets
    header, *rows = sheet.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def listed_slugs(client, url):
    """The slugs the list at `url` shows, page after page."""
    slugs, number = [], 1
    while True:
        separator = "&" if "?" in url else "?"
        response = client.get(f"{url}{separator}page={number}")
        assert response.status_code == 200
        slugs += [record.slug for record in response.context["object_list"]]
        if not response.context["page_obj"].has_next():
            return slugs
        number += 1


# --- The list's records, all pages, in its order -----------------------------------------------
@pytest.mark.parametrize("file_format", FORMATS)
@pytest.mark.parametrize("query", ["?modality=triangular", "?modality=triangular&sort=title"])
def test_a_case_study_download_holds_every_page_of_the_filtered_list_in_its_order(
    client, make_initiative, file_format, query
):
    for number in range(23):  # titles in another order than the publication dates
        make_initiative(f"Case {(number * 7) % 23:02d}", modality=Modality.TRIANGULAR)
    make_initiative("Bilateral case", modality=Modality.BILATERAL)
    listed = listed_slugs(client, f"/initiatives/{query}")
    assert len(listed) == 23  # two pages

    rows = rows_of(client.get(f"/initiatives/download.{file_format}{query}"))

    assert [row["slug"] for row in rows] == listed


@pytest.mark.parametrize("file_format", FORMATS)
@pytest.mark.parametrize("when", ["upcoming", "past"])
def test_an_event_download_holds_every_page_of_the_upcoming_or_past_list(
    client, make_event, file_format, when
):
    sign = 1 if when == "upcoming" else -1
    for number in range(22):
        make_event(kind=EventKind.CONFERENCE, starts_at=in_days(sign * (2 + number * 5 % 22)))
    make_event(kind=EventKind.WEBINAR, starts_at=in_days(sign * 3))
    make_event(kind=EventKind.CONFERENCE, starts_at=in_days(-sign * 3))  # the other list
    query = "?kind=conference" + ("&when=past" if when == "past" else "")
    listed = listed_slugs(client, f"/events/{query}")
    assert len(listed) == 22

    rows = rows_of(client.get(f"/events/download.{file_format}{query}"))

    assert [row["slug"] for row in rows] == listed


@pytest.mark.parametrize("file_format", FORMATS)
def test_a_publication_download_holds_every_page_of_the_filtered_list_in_its_order(
    client, make_publication, file_format
):
    for number in range(21):
        make_publication(kind=PublicationKind.REPORT, year=2000 + number % 6)
    make_publication(kind=PublicationKind.RESOLUTION)
    listed = listed_slugs(client, "/publications/?kind=report")
    assert len(listed) == 21

    rows = rows_of(client.get(f"/publications/download.{file_format}?kind=report"))

    assert [row["slug"] for row in rows] == listed


@pytest.mark.parametrize(
    "query",
    [
        "?year_from=abc&modality=triangular",
        "?region=atlantis&modality=triangular",
        "?sort=sideways&modality=triangular",
        "?q=" + "x" * 300 + "&modality=triangular",
        "?modality=triangular&modality=bilateral",
        "?modality=",
    ],
    ids=["year", "region", "sort", "long-text", "twice", "empty"],
)
def test_a_wrong_filter_is_left_out_as_the_page_leaves_it_out(client, make_initiative, query):
    make_initiative(modality=Modality.TRIANGULAR)
    make_initiative(modality=Modality.TRIANGULAR)
    make_initiative(modality=Modality.BILATERAL)

    rows = rows_of(client.get(f"/initiatives/download.json{query}"))

    assert [row["slug"] for row in rows] == listed_slugs(client, f"/initiatives/{query}")


def test_a_download_holds_every_page_whatever_page_the_address_names(client, make_initiative):
    for _ in range(3):
        make_initiative()

    assert len(rows_of(client.get("/initiatives/download.csv?page=999"))) == 3
    assert len(rows_of(client.get("/initiatives/download.csv?page=abc"))) == 3


@pytest.mark.parametrize(
    "url",
    ["/initiatives/download.pdf", "/initiatives/download.CSV", "/events/download.", "/x.csv"],
)
def test_an_unknown_format_is_not_found(client, url):
    assert client.get(url).status_code == 404


def test_a_download_is_read_only(client):
    assert client.post("/initiatives/download.csv").status_code == 405


# --- Published records only ----------------------------------------------------------------------
@pytest.mark.parametrize("file_format", FORMATS)
@pytest.mark.parametrize("kind", ["initiatives", "events", "publications"])
def test_drafts_records_in_review_and_scheduled_records_are_never_downloaded(
    client, make_initiative, make_event, make_publication, kind, file_format
):
    make = {"initiatives": make_initiative, "events": make_event, "publications": make_publication}
    make = make[kind]
    make("Public record")
    make("Draft record", status=Status.DRAFT)
    make("Record in review", status=Status.IN_REVIEW)
    make("Scheduled record", published_at=timezone.now() + timedelta(days=2))

    rows = rows_of(client.get(f"/{kind}/download.{file_format}"))

    assert [row["title"] for row in rows] == ["Public record"]


# --- Cells no spreadsheet runs -------------------------------------------------------------------
@pytest.mark.parametrize(
    "title",
    ['=HYPERLINK("http://example.org/x","Click")', "+1+2", "-1+2", "@SUM(A1)", "\t=1", "'=1"],
)
def test_texts_a_spreadsheet_would_run_are_neutralised_in_csv_and_xlsx_and_kept_in_json(
    client, make_initiative, make_theme, title
):
    make_initiative(title, summary="=1+1 in the summary", themes=[make_theme("=cmd|'/c calc'!A1")])

    (in_csv,) = rows_of(client.get("/initiatives/download.csv"))
    xlsx = body_of(client.get("/initiatives/download.xlsx"))
    (in_json,) = rows_of(client.get("/initiatives/download.json"))

    assert in_csv["title"] == f"'{title}"
    assert in_csv["summary"] == "'=1+1 in the summary"
    assert in_csv["themes"] == "'=cmd|'/c calc'!A1"
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    header = [cell.value for cell in sheet[1]]
    cells = {name: sheet.cell(row=2, column=index + 1) for index, name in enumerate(header)}
    for name, text in [("title", title), ("summary", "=1+1 in the summary")]:
        assert cells[name].data_type == "s"  # text, not a formula
        assert cells[name].value == f"'{text}"
    assert (in_json["title"], in_json["summary"]) == (title, "=1+1 in the summary")


def test_control_characters_xlsx_cannot_hold_are_left_out_of_it(client, make_initiative):
    make_initiative("Bell\x07 and \x1bescape")

    (row,) = rows_of(client.get("/initiatives/download.xlsx"))

    assert row["title"] == "Bell and escape"


# --- Streamed, at a fixed number of queries per chunk --------------------------------------------
@pytest.fixture
def make_full_cases(
    make_initiative, make_theme, make_organisation, countries, regions, sdgs, source
):
    """make_full_cases(n): n case studies with every kind of link a row reads."""
    themes = [make_theme("Health"), make_theme("Water")]
    organisation = make_organisation("United Nations Development Programme", "UNDP")
    form = CooperationForm.objects.create(name="Training", slug="training")

    def make(number):
        for _ in range(number):
            initiative = make_initiative(
                modality=Modality.TRIANGULAR,
                countries={
                    countries["sierra_leone"]: CountryRole.BENEFICIARY,
                    countries["kenya"]: CountryRole.PROVIDER,
                },
                organisations={organisation: OrganisationRole.IMPLEMENTING},
                regions=[regions["western_africa"]],
                themes=themes,
                sdgs=[sdgs[3], sdgs[16]],
                sources=[source],
                title_fr="Étude de cas",
            )
            initiative.cooperation_forms.add(form)

    return make


def download_queries(client, url):
    """The queries of a download, from the request to its last byte, and its rows."""
    client.get(url)  # the filter choices loaded, as on a running server
    with CaptureQueriesContext(connection) as queries:
        rows = rows_of(client.get(url))
    return len(queries), rows


@pytest.mark.parametrize("file_format", FORMATS)
@pytest.mark.parametrize("language", ["", "/fr"])
def test_a_download_makes_the_same_queries_for_five_and_for_fifty_case_studies(
    client, make_full_cases, file_format, language
):
    url = f"{language}/initiatives/download.{file_format}?region=africa&theme=health&sdg=3"
    make_full_cases(5)
    five, rows = download_queries(client, url)
    assert len(rows) == 5

    make_full_cases(45)
    fifty, rows = download_queries(client, url)
    assert len(rows) == 50

    print(f"\n{url}: {five} queries for 5 case studies, {fifty} for 50")
    assert five == fifty


def test_events_and_publications_make_the_same_queries_for_five_and_for_fifty(
    client, make_event, make_publication, countries, make_organisation, make_theme, sdgs
):
    organisation = make_organisation("United Nations Office for South-South Cooperation")
    health = make_theme("Health")

    def make_records(number):
        for _ in range(number):
            event = make_event(
                organisers=[organisation], themes=[health], country=countries["kenya"]
            )
            event.sdgs.set([sdgs[16]])
            make_publication(
                publishers=[organisation], authors=[organisation], themes=[health], sdgs=[sdgs[3]]
            )

    make_records(5)
    events_five, events = download_queries(client, "/events/download.csv")
    publications_five, publications = download_queries(client, "/publications/download.csv")
    assert (len(events), len(publications)) == (5, 5)

    make_records(45)
    events_fifty, events = download_queries(client, "/events/download.csv")
    publications_fifty, publications = download_queries(client, "/publications/download.csv")
    assert (len(events), len(publications)) == (50, 50)

    assert (events_five, publications_five) == (events_fifty, publications_fifty)


def test_queries_grow_with_chunks_of_records_never_with_records(
    client, make_full_cases, monkeypatch
):
    monkeypatch.setattr(downloads, "CHUNK_SIZE", 10)
    counts = []
    for _ in range(3):
        make_full_cases(10)
        counts.append(download_queries(client, "/initiatives/download.json")[0])

    per_chunk = counts[1] - counts[0]
    assert counts[2] - counts[1] == per_chunk
    # Each prefetch once per chunk of 10: countries, regions, organisations, themes, goals,
    # targets, forms of cooperation, replications and sources.
    assert per_chunk == 9


@pytest.mark.parametrize("file_format", FORMATS)
def test_each_chunk_of_records_reports_the_worker_at_work(
    client, make_initiative, monkeypatch, file_format
):
    monkeypatch.setattr(downloads, "CHUNK_SIZE", 2)
    beats = []
    monkeypatch.setattr(heartbeat, "_notify", lambda: beats.append(len(beats)))
    for _ in range(5):
        make_initiative()

    rows = rows_of(client.get(f"/initiatives/download.{file_format}"))

    assert (len(rows), len(beats)) == (5, 3)  # chunks of 2, 2 and 1


@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_csv_and_json_are_written_as_they_are_sent(client, make_initiative, file_format):
    make_initiative("Streamed")

    with CaptureQueriesContext(connection) as answering:
        response = client.get(f"/initiatives/download.{file_format}")
    with CaptureQueriesContext(connection) as sending:
        rows = rows_of(response)

    def reads_records(query):
        # The count and latest publication behind the ETag are not the records.
        return "initiatives_initiative" in query["sql"] and "COUNT(" not in query["sql"]

    assert not isinstance(response, FileResponse)
    assert not any(reads_records(query) for query in answering)
    assert any(reads_records(query) for query in sending)
    assert [row["title"] for row in rows] == ["Streamed"]


def test_xlsx_is_written_whole_then_sent_from_its_file_in_chunks(client, make_initiative):
    make_initiative("In a workbook")

    response = client.get("/initiatives/download.xlsx")
    body = body_of(response)

    assert isinstance(response, FileResponse)
    assert int(response["Content-Length"]) == len(body)
    workbook = openpyxl.load_workbook(io.BytesIO(body))
    assert workbook.sheetnames == ["Case studies"]
    assert workbook.active["A1"].font.bold


def test_csv_and_json_are_sent_in_pieces_of_many_rows(client, make_initiative, monkeypatch):
    monkeypatch.setattr(downloads, "BUFFER_SIZE", 2000)
    for _ in range(30):
        make_initiative(summary="A summary of some length. " * 4)

    response = client.get("/initiatives/download.csv")
    pieces = list(response.streaming_content)

    assert 3 <= len(pieces) < 30
    assert all(len(piece) >= 2000 for piece in pieces[:-1])


# --- The columns ---------------------------------------------------------------------------------
def test_a_case_study_row_gives_its_places_goals_topics_organisations_and_dates(
    client,
    make_initiative,
    countries,
    regions,
    sdgs,
    sdg_targets,
    make_theme,
    make_organisation,
    source,
):
    undp = make_organisation("United Nations Development Programme", "UNDP")
    agency = make_organisation("Colombian Agency for Cooperation", "APC-Colombia")
    form = CooperationForm.objects.create(name="Exchange of experts", slug="experts")
    initiative = make_initiative(
        "Demining experts",
        summary="Colombia shares its demining experience with Cambodia.",
        modality=Modality.TRIANGULAR,
        countries={
            countries["kenya"]: CountryRole.BENEFICIARY,
            countries["colombia"]: CountryRole.PROVIDER,
            countries["cambodia"]: CountryRole.BENEFICIARY,
            countries["chile"]: CountryRole.FACILITATOR,
        },
        organisations={undp: OrganisationRole.SUPPORTING, agency: OrganisationRole.IMPLEMENTING},
        regions=[regions["south_east_asia"]],
        themes=[make_theme("Peace and security")],
        sdgs=[sdgs[16], sdgs[3]],
        targets=[sdg_targets["16.6"]],
        sources=[source],
        project_status=ProjectStatus.ONGOING,
        start_year=2016,
        budget_amount=Decimal("250000.50"),
        budget_currency="USD",
        published_at=utc(2026, 3, 1, 9, 30),
    )
    initiative.cooperation_forms.add(form)

    (row,) = rows_of(client.get("/initiatives/download.json"))
    (in_csv,) = rows_of(client.get("/initiatives/download.csv"))
    (in_xlsx,) = rows_of(client.get("/initiatives/download.xlsx"))

    assert row == {
        "id": initiative.pk,
        "slug": initiative.slug,
        "url": f"{BASE}/initiatives/{initiative.slug}/",
        "title": "Demining experts",
        "title_language": "en",
        "summary": "Colombia shares its demining experience with Cambodia.",
        "summary_language": "en",
        "modality": "triangular",
        "provider_countries": ["CO"],
        "beneficiary_countries": ["KH", "KE"],  # by name: Cambodia, Kenya
        "facilitator_countries": ["CL"],
        "regions": ["035"],
        "sdgs": [3, 16],
        "sdg_targets": ["16.6"],
        "themes": ["Peace and security"],
        "cooperation_forms": ["Exchange of experts"],
        "implementing_organisations": ["Colombian Agency for Cooperation (APC-Colombia)"],
        "supporting_organisations": ["United Nations Development Programme (UNDP)"],
        "project_status": "ongoing",
        "start_year": 2016,
        "end_year": None,
        "budget_amount": 250000.5,
        "budget_currency": "USD",
        "replicated_in": [],
        "published_at": "2026-03-01T09:30:00+00:00",
        "sources": ["A source document (2021)"],
    }
    assert list(in_csv) == list(row)  # the same columns in every format
    assert in_csv["beneficiary_countries"] == "KH; KE"
    assert in_csv["sdgs"] == "3; 16"
    assert (in_csv["start_year"], in_csv["end_year"]) == ("2016", "")
    assert in_csv["budget_amount"] == "250000.50"
    # XLSX keeps numbers as numbers.
    assert (in_xlsx["id"], in_xlsx["start_year"], in_xlsx["end_year"]) == (
        initiative.pk,
        2016,
        None,
    )
    assert in_xlsx["beneficiary_countries"] == "KH; KE"


def test_an_event_row_gives_its_times_in_its_own_zone_and_never_the_online_link(
    client, make_event, countries, make_organisation, make_theme, sdgs
):
    main = make_event("Global South-South Development Expo", starts_at=in_days(-40), hours=48)
    draft_main = make_event("Not yet public", status=Status.DRAFT, starts_at=in_days(-40))
    side = make_event(
        "Launch of the report",
        kind=EventKind.SIDE_EVENT,
        format=EventFormat.HYBRID,
        starts_at=utc(2025, 9, 12, 13),
        hours=1.5,
        time_zone="Africa/Nairobi",
        parent=main,
        venue="Conference Room 4",
        city="Nairobi",
        country=countries["kenya"],
        online_url="https://meet.example.org/secret-room",
        recording_url="https://video.example.org/launch",
        organisers=[make_organisation("United Nations Office for South-South Cooperation")],
        themes=[make_theme("Health")],
    )
    side.sdgs.set([sdgs[16]])
    orphan = make_event(
        "Observance",
        kind=EventKind.OBSERVANCE,
        starts_at=utc(2025, 9, 12, 4),
        ends_at=utc(2025, 9, 13, 3, 59),
        time_zone="America/New_York",
        date_precision=DatePrecision.DAY,
        annual=True,
        is_cancelled=True,
        parent=draft_main,
        recording_url="https://video.example.org/observance",
        format=EventFormat.ONLINE,
    )

    response = client.get("/events/download.json?when=past&sort=ignored")
    body = body_of(response)
    rows = {row["slug"]: row for row in json.loads(body)}

    assert b"secret-room" not in body
    assert {key: rows[side.slug][key] for key in list(rows[side.slug])[7:-2]} == {
        "kind": "side-event",
        "format": "hybrid",
        "starts_at": "2025-09-12T16:00:00+03:00",
        "ends_at": "2025-09-12T17:30:00+03:00",
        "time_zone": "Africa/Nairobi",
        "date_precision": "time",
        "annual": False,
        "cancelled": False,
        "venue": "Conference Room 4",
        "city": "Nairobi",
        "country": "KE",
        "main_event_url": f"{BASE}/events/{main.slug}/",
        "organisers": ["United Nations Office for South-South Cooperation"],
        "themes": ["Health"],
        "sdgs": [16],
        "recording_url": "https://video.example.org/launch",
        "calendar_url": f"{BASE}/events/{side.slug}.ics",
    }
    observance = rows[orphan.slug]
    assert (observance["starts_at"], observance["ends_at"]) == (
        "2025-09-12T00:00:00-04:00",
        "2025-09-12T23:59:00-04:00",
    )
    assert (observance["date_precision"], observance["annual"], observance["cancelled"]) == (
        "day",
        True,
        True,
    )
    assert observance["main_event_url"] is None  # its main event is not public
    assert observance["venue"] is observance["city"] is observance["country"] is None
    assert draft_main.slug not in rows


def test_an_upcoming_event_gives_no_recording_yet(client, make_event):
    make_event("Next week", starts_at=in_days(7), recording_url="https://video.example.org/x")

    (row,) = rows_of(client.get("/events/download.json"))

    assert row["recording_url"] is None


def test_a_publication_row_gives_its_document_and_who_published_it(
    client, make_publication, make_organisation, make_theme, sdgs
):
    unossc = make_organisation("United Nations Office for South-South Cooperation", "UNOSSC")
    undp = make_organisation("United Nations Development Programme", "UNDP")
    publication = make_publication(
        "Good practices in South-South cooperation",
        kind=PublicationKind.COMPENDIUM,
        document_symbol="SSC/20/1",
        year=2020,
        issued_on=date(2020, 9, 12),
        language=Language.FRENCH,
        publishers=[unossc],
        authors=[undp],
        themes=[make_theme("Health")],
        sdgs=[sdgs[3]],
        document=pdf_bytes(),
        external_url="https://example.org/good-practices",
    )
    without_file = make_publication("A resolution", kind=PublicationKind.RESOLUTION, year=2019)

    rows = {row["slug"]: row for row in rows_of(client.get("/publications/download.json"))}

    row = rows[publication.slug]
    assert {key: row[key] for key in list(row)[7:-2]} == {
        "kind": "compendium",
        "document_symbol": "SSC/20/1",
        "year": 2020,
        "issued_on": "2020-09-12",
        "document_language": "fr",
        "publishers": ["United Nations Office for South-South Cooperation (UNOSSC)"],
        "authors": ["United Nations Development Programme (UNDP)"],
        "themes": ["Health"],
        "sdgs": [3],
        "document_url": f"{BASE}/publications/{publication.slug}/download/",
        "external_url": "https://example.org/good-practices",
    }
    other = rows[without_file.slug]
    assert (other["document_url"], other["external_url"], other["issued_on"]) == (None,) * 3


# --- In the page's language ----------------------------------------------------------------------
@pytest.mark.parametrize("file_format", FORMATS)
def test_under_fr_the_texts_are_french_where_the_record_has_them(
    client, make_initiative, make_theme, file_format
):
    health = make_theme("Health")
    health.name_fr = "Santé"
    health.save()
    make_initiative(
        "Seeds for the Sahel",
        title_fr="Des semences pour le Sahel",
        summary="Seed shared between farmers.",
        themes=[health],
        slug="seeds",
    )
    make_initiative("Clinics across the border", summary="Nurses trained.", slug="clinics")

    response = client.get(f"/fr/initiatives/download.{file_format}")
    rows = {row["slug"]: row for row in rows_of(response)}

    seeds, clinics = rows["seeds"], rows["clinics"]
    assert (seeds["title"], seeds["title_language"]) == ("Des semences pour le Sahel", "fr")
    assert (seeds["summary"], seeds["summary_language"]) == ("Seed shared between farmers.", "en")
    assert seeds["themes"] in ("Santé", ["Santé"])
    assert (clinics["title"], clinics["title_language"]) == ("Clinics across the border", "en")
    assert seeds["url"] == f"{BASE}/fr/initiatives/seeds/"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="ssc-portal-case-studies-fr-{today}.{file_format}"'
    )
    assert response["Content-Language"] == "fr"


def test_events_and_publications_are_in_the_pages_language_too(
    client, make_event, make_publication
):
    make_event("World Day", title_zh_hans="世界日", slug="world-day")
    make_publication("Annual report", title_ar="التقرير السنوي", slug="annual-report")

    (event,) = rows_of(client.get("/zh-hans/events/download.json"))
    (publication,) = rows_of(client.get("/ar/publications/download.csv"))

    assert (event["title"], event["title_language"]) == ("世界日", "zh-hans")
    assert event["calendar_url"] == f"{BASE}/zh-hans/events/world-day.ics"
    assert (publication["title"], publication["title_language"]) == ("التقرير السنوي", "ar")


# --- The file ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "name", "media_type"),
    [
        (
            "/initiatives/download.csv?modality=triangular",
            "case-studies",
            "text/csv; charset=utf-8",
        ),
        ("/events/download.json", "upcoming-events", "application/json; charset=utf-8"),
        ("/events/download.csv?when=past", "past-events", "text/csv; charset=utf-8"),
        ("/publications/download.xlsx", "publications", downloads.FORMATS["xlsx"].media_type),
    ],
)
def test_the_file_is_an_attachment_named_for_what_it_holds_and_when(client, url, name, media_type):
    response = client.get(url)
    body_of(response)

    extension = url.split("?")[0].rsplit(".", 1)[1]
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="ssc-portal-{name}-{today}.{extension}"'
    )
    assert response["Content-Type"] == media_type
    assert response["X-Robots-Tag"] == "noindex"


@pytest.mark.parametrize("file_format", FORMATS)
def test_an_empty_list_gives_the_columns_and_no_row(client, file_format):
    body = body_of(client.get(f"/initiatives/download.{file_format}"))

    if file_format == "csv":
        header = InitiativeDownloadView().header()
        assert body.decode("utf-8-sig").splitlines() == [",".join(header)]
    elif file_format == "json":
        assert json.loads(body) == []
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(body)).active
        assert sheet.max_row == 1


# --- The links on each list ----------------------------------------------------------------------
def test_each_list_links_its_downloads_with_its_filters_and_without_the_page(
    client, make_initiative, make_event, make_publication
):
    for _ in range(21):
        make_initiative(modality=Modality.TRIANGULAR)
    make_event(kind=EventKind.CONFERENCE, starts_at=in_days(-5))
    make_publication(kind=PublicationKind.REPORT)

    case_studies = client.get("/initiatives/?modality=triangular&sort=title&page=2")
    past_events = client.get("/events/?when=past&kind=conference")
    publications = client.get("/fr/publications/?kind=report")

    for extension in FORMATS:
        query = "modality=triangular&amp;sort=title"
        assert f'<a href="/initiatives/download.{extension}?{query}"' in case_studies.text
        query = "when=past&amp;kind=conference"
        assert f'<a href="/events/download.{extension}?{query}"' in past_events.text
        assert f'<a href="/fr/publications/download.{extension}?kind=report"' in publications.text
    assert "Download this list:" in case_studies.text
    assert "Télécharger cette liste\u00a0:" in publications.text
    assert 'rel="nofollow">Excel (XLSX)</a>' in case_studies.text


def test_a_list_without_records_offers_no_download(client, make_initiative):
    make_initiative(modality=Modality.BILATERAL)

    page = client.get("/initiatives/?modality=triangular").text

    assert "download.csv" not in page


def test_following_a_link_downloads_the_list_it_is_on(client, make_event):
    for number in range(3):
        make_event(kind=EventKind.WEBINAR, starts_at=in_days(-2 - number))
    make_event(kind=EventKind.CONFERENCE, starts_at=in_days(-2))
    page = client.get("/events/?when=past&kind=webinar")
    (link,) = [item["url"] for item in page.context["download_links"] if "json" in item["url"]]

    rows = rows_of(client.get(link))

    assert [row["slug"] for row in rows] == [event.slug for event in page.context["object_list"]]


# --- Conditional requests ------------------------------------------------------------------------
@pytest.mark.parametrize("file_format", FORMATS)
def test_an_unchanged_list_is_answered_304_to_its_etag_or_its_date(
    client, make_initiative, file_format
):
    make_initiative("Seeds for the Sahel")
    url = f"/initiatives/download.{file_format}?modality=bilateral"
    first = client.get(url)
    assert first.status_code == 200
    etag, last_modified = first["ETag"], first["Last-Modified"]

    by_etag = client.get(url, HTTP_IF_NONE_MATCH=etag)
    by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified)

    for unchanged in (by_etag, by_date):
        assert unchanged.status_code == 304
        assert unchanged["ETag"] == etag
        assert unchanged.content == b""


def test_the_etag_changes_with_the_records_and_with_what_is_asked(client, make_initiative):
    seeds = make_initiative("Seeds for the Sahel")
    url = "/initiatives/download.csv"

    def etag(address=url):
        return client.get(address)["ETag"]

    seen = [etag()]
    make_initiative("Clinics for Kenya")
    seen.append(etag())
    seeds.summary = "Drought-tolerant seed shared between farmers."
    seeds.save()
    seen.append(etag())
    seeds.status = Status.DRAFT
    seeds.save()
    seen.append(etag())
    seen += [etag("/initiatives/download.json"), etag("/fr/initiatives/download.csv")]
    seen.append(etag(f"{url}?modality=triangular"))

    assert len(set(seen)) == len(seen)
    answer = client.get(url, HTTP_IF_NONE_MATCH=seen[0])
    assert answer.status_code == 200
    assert "Clinics for Kenya" in body_of(answer).decode()


def test_a_list_made_public_by_its_scheduled_time_is_not_answered_304(
    client, make_initiative, monkeypatch
):
    make_initiative("Public")
    now = timezone.now()
    make_initiative("Scheduled", published_at=now + timedelta(hours=1))
    first = client.get("/initiatives/download.json")
    assert [row["title"] for row in rows_of(first)] == ["Public"]

    # Two hours on: nothing was saved, and the scheduled case study is out.
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(hours=2))
    by_etag = client.get("/initiatives/download.json", HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = client.get(
        "/initiatives/download.json", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
    )

    for later in (by_etag, by_date):
        assert sorted(row["title"] for row in rows_of(later)) == ["Public", "Scheduled"]


def test_asking_again_for_an_unchanged_list_is_not_counted_as_a_download(
    client, settings, make_initiative
):
    settings.DOWNLOAD_LIMIT_PER_CLIENT = 1
    make_initiative()
    first = client.get("/initiatives/download.csv")
    assert first.status_code == 200

    again = [
        client.get("/initiatives/download.csv", HTTP_IF_NONE_MATCH=first["ETag"]) for _ in range(3)
    ]

    assert [answer.status_code for answer in again] == [304, 304, 304]
    assert client.get("/initiatives/download.json").status_code == 429


# --- Limits --------------------------------------------------------------------------------------
def test_past_the_limit_an_anonymous_client_is_answered_429_with_retry_after(
    client, settings, make_initiative, staff_client
):
    settings.DOWNLOAD_LIMIT_PER_CLIENT = 2
    make_initiative()

    for url in ("/initiatives/download.csv", "/events/download.json"):
        body_of(client.get(url))
    refused = client.get("/fr/events/download.xlsx?when=past&kind=webinar")
    elsewhere = client.get("/initiatives/download.csv", REMOTE_ADDR="203.0.113.9")
    body_of(elsewhere)  # another client is counted apart

    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= settings.DOWNLOAD_LIMIT_WINDOW
    assert "no-store" in refused["Cache-Control"]
    assert "Trop de téléchargements" in refused.text
    assert 'href="/fr/events/?when=past&amp;kind=webinar"' in refused.text
    # Staff signed in are not counted.
    staff = staff_client()
    assert staff.get("/initiatives/download.csv").status_code == 200


# --- Served by gunicorn --------------------------------------------------------------------------
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the portal under gunicorn reads the test database from another process, and an "
    "SQLite test database is invisible to it: run with DATABASE_URL pointing at PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_under_gunicorn_a_download_longer_than_the_timeout_is_sent_whole(tmp_path):
    """A sync worker silent for GUNICORN_TIMEOUT seconds is killed; a download working through
    a long list reports at every chunk, so it outlasts the timeout and arrives whole."""
    now = timezone.now()
    Initiative.objects.bulk_create(
        Initiative(
            title=f"Case study {number}",
            slug=f"case-study-{number}",
            summary="A summary.",
            modality=Modality.BILATERAL,
            status=Status.PUBLISHED,
            published_at=now - timedelta(minutes=number),
        )
        for number in range(20000)
    )
    db = connection.settings_dict
    user = db["USER"] or ""
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    environment = {
        "DJANGO_SETTINGS_MODULE": "devtools.serving_settings",
        "SECRET_KEY": "test-only-not-secret-for-the-served-portal",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": "",
        "PAGE_CACHE_SECONDS": "0",
        "STATIC_ROOT": str(tmp_path),
        "GUNICORN_TIMEOUT": "2",
    }
    server = Gunicorn(environment).start()
    # A worker still importing the portal when the timeout strikes is killed and replaced before
    # the server answers at all; that is start-up, not the download, so only later lines count.
    ready_at = len(server.lines)
    try:
        started = time.monotonic()
        status, _headers, body = server.get("/initiatives/download.csv")
        took = time.monotonic() - started
    finally:
        server.stop()

    assert status == 200
    assert len(body.decode("utf-8-sig").splitlines()) == 20001  # the header and every record
    assert took > 2, f"{took:.1f} s: not longer than the timeout, so this shows nothing"
    assert "WORKER TIMEOUT" not in "\n".join(server.lines[ready_at:])


def test_any_origin_may_read_a_download_and_the_iati_file_but_not_a_page(client, make_initiative):
    make_initiative("Seeds for the Sahel")
    origin = {"HTTP_ORIGIN": "https://dashboard.example.org"}

    for url in (
        "/initiatives/download.csv",
        "/fr/initiatives/download.json",
        "/zh-hans/events/download.xlsx",
        "/publications/download.csv",
        "/open-data/iati-activities.xml",
    ):
        response = client.get(url, **origin)
        assert response["Access-Control-Allow-Origin"] == "*", url
    for url in ("/initiatives/", "/open-data/", "/admin/login/"):
        response = client.get(url, **origin)
        assert "Access-Control-Allow-Origin" not in response, url

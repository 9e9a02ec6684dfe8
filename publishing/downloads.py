"""Every public list as a file: the records of a filtered list in CSV, XLSX or JSON, for people
who work with the data in a spreadsheet or a program.

What a download holds: exactly the records the list at the same address lists, all its pages at
once. The download asks the list view itself for them (`FilteredListView.filtered_queryset()`):
the same FilterSet, the same query parameters and the same order, and so the same rules
(published records only; an invalid filter is left out, as the page leaves it out). One row per
record, under stable English column names: codes where the portal has them (ISO alpha-2
countries, M49 regions, goal numbers, the choices' own codes such as "triangular"), names in the
page's language for themes and organisations, moments in ISO 8601 with their UTC offset. A
record's texts are in the page's language where the record has them, else in English, and each
row says which (`title_language`, `summary_language`). A cell with several values is an array in
JSON and its values joined with "; " in CSV and XLSX.

No spreadsheet runs a cell: a CSV or XLSX text that a spreadsheet would read as a formula is
neutralised as the admin's exports neutralise it (publishing.spreadsheets.neutralise). JSON, read
by programs, keeps every text as it is.

Memory stays flat however long the list. The records are read with
`iterator(chunk_size=CHUNK_SIZE)`, and Django makes each prefetch once per chunk, for that
chunk's records: a download costs a fixed number of queries per chunk, never per record, and
holds one chunk at a time, whether the list has 50 records or 100,000. CSV and JSON are written
row by row while the answer is sent (StreamingHttpResponse), in pieces of about BUFFER_SIZE
characters, so the first bytes leave before the last record is read. XLSX cannot do that: it is
a zip archive whose directory comes last, so the whole file must exist before its first byte is
sent. It is written first, with openpyxl's write-only mode, which spools the rows to a temporary
file, and then sent from that file in chunks (FileResponse), the temporary file deleted once sent.

A client that has the file already may ask again with the ETag or Last-Modified it was given
(If-None-Match, If-Modified-Since): an unchanged list is answered 304, before the download is
counted against the limit below. The ETag stands for the list's records as they are (how many,
the latest publication among them, the content version that every save and deletion replaces)
and for the file as asked (format, language, filters, and the day its name carries).
Last-Modified is the later of the content version's time and the latest publication, so that
a record coming out at its scheduled time, which no save announces, moves it as well.

A download costs more than a page: an anonymous client may ask for DOWNLOAD_LIMIT_PER_CLIENT of
them in each window of DOWNLOAD_LIMIT_WINDOW seconds (core/rate_limit.py, counted by client
address as registrations are); beyond that it is answered 429 with Retry-After. Staff signed in
are not counted.
"""

import csv
import hashlib
import json
import logging
import math
import re
import tempfile
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Max, Prefetch
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import re_path, reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers, get_conditional_response
from django.utils.http import content_disposition_header, http_date
from django.views import View
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from core import heartbeat
from core.choice_cache import content_version, version_time
from core.client import client_ip_for_limits
from core.content_language import text_language
from core.rate_limit import Limit

from .content import content_for
from .spreadsheets import neutralise

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileFormat:
    # The link's text: the format's own name, written the same in every language.
    label: str
    media_type: str


FORMATS = {
    "csv": FileFormat("CSV", "text/csv"),
    "xlsx": FileFormat(
        "Excel (XLSX)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    "json": FileFormat("JSON", "application/json"),
}
# Records read, and prefetched for, at a time.
CHUNK_SIZE = 500
# Characters of CSV or JSON gathered before they are sent: one write to the network (and one
# compressed block) per piece rather than per row.
BUFFER_SIZE = 64 * 1024
# The columns every content type's file begins and ends with; its own come between.
FIRST_COLUMNS = ("id", "slug", "url", "title", "title_language", "summary", "summary_language")
LAST_COLUMNS = ("published_at", "sources")
# Between the values of a cell that holds several, in CSV and XLSX (as the admin's spreadsheets).
SEPARATOR = "; "
# What a worksheet's name may not hold, and its longest.
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_LENGTH = 31


def download_url(view):
    """The address of a list's downloads, beside the list: download.csv, .xlsx and .json."""
    formats = "|".join(FORMATS)
    return re_path(rf"^download\.(?P<format>{formats})\Z", view, name="list_download")


def list_validators(records, described, weak=False):
    """(ETag, Last-Modified as a timestamp or None, how many records) of a file of `records`
    described by `described` (what else it depends on: its name, address, language). One
    query. The ETag stands for the records as they are: how many, the latest publication
    among them and the content version, which every save and deletion replaces; `weak` for a
    file whose bytes differ while it says the same (the moment it was written). Last-Modified
    is the later of the content version's time and the latest publication, so that a record
    coming out at its scheduled time, which no save announces, moves it as well."""
    state = records.order_by().aggregate(count=Count("pk"), latest=Max("published_at"))
    version = str(content_version())
    moments = [version_time(version)]
    if state["latest"] is not None:
        moments.append(int(state["latest"].timestamp()) + 1)
    moments = [moment for moment in moments if moment is not None]
    described = [*described, version, str(state["count"]), str(moments)]
    digest = hashlib.sha256("\n".join(described).encode()).hexdigest()[:32]
    etag = f'W/"{digest}"' if weak else f'"{digest}"'
    return etag, max(moments, default=None), state["count"]


def with_validators(response, etag, last_modified):
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    return response


def moment(value):
    """An aware datetime in ISO 8601 to the second, with its UTC offset:
    2026-12-03T09:00:00-05:00."""
    return value.replace(microsecond=0).isoformat() if value else None


# --- Cells ---------------------------------------------------------------------------------------
def text_cell(text):
    """A text as a spreadsheet cell: without the control characters XLSX cannot hold, and
    neutralised when a spreadsheet would run it as a formula."""
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", text))


def csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return text_cell(SEPARATOR.join(str(item) for item in value))
    if isinstance(value, str):
        return text_cell(value)
    return str(value)  # a number


def xlsx_cell(value):
    """Numbers and true/false as the spreadsheet's own; texts and lists as text."""
    if isinstance(value, list | str):
        return csv_cell(value)
    return value


def json_value(value):
    """What json.dumps cannot write by itself: a decimal amount, as a number."""
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not written to JSON")


# --- Files ---------------------------------------------------------------------------------------
class _Echo:
    """A file whose write() hands back the text it is given: csv.writer's writerow() then
    returns the line it wrote."""

    def write(self, text):
        return text


def csv_pieces(header, rows):
    """The CSV file line by line, opened with the byte order mark that tells spreadsheets the
    text is UTF-8 (as the registrants' export does)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])


def json_pieces(header, rows):
    """An array of objects, one per record, written one object at a time."""
    yield "["
    separator = "\n"
    for row in rows:
        record = dict(zip(header, row, strict=True))
        yield separator + json.dumps(record, ensure_ascii=False, default=json_value)
        separator = ",\n"
    yield "\n]\n"


def buffered(pieces):
    """The pieces gathered into texts of about BUFFER_SIZE characters."""
    buffer, size = [], 0
    for piece in pieces:
        buffer.append(piece)
        size += len(piece)
        if size >= BUFFER_SIZE:
            yield "".join(buffer)
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer)


def sheet_name(title):
    return SHEET_NAME_FORBIDDEN.sub(" ", str(title))[:SHEET_NAME_LENGTH].strip() or "Sheet"


def xlsx_file(header, rows, title):
    """A temporary file holding the workbook, read from its start; deleted when closed.

    openpyxl's write-only mode writes each row to a temporary file as it is appended, so that
    only one row is in memory at a time; saving then zips that file with the rest."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name(title))
    bold = Font(bold=True)
    cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for row in rows:
        sheet.append([xlsx_cell(value) for value in row])
    # Open beyond this function: FileResponse sends it and closes it, which deletes it.
    file = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        workbook.save(file)
        file.seek(0)
    except BaseException:
        file.close()
        raise
    return file


# --- The view ------------------------------------------------------------------------------------
class ListDownloadView(View):
    """A list's records as a CSV, XLSX or JSON file (see the module's docstring).

    A subclass names the `list_view` whose records it gives, the `subject` of its file names
    ("case-studies": ssc-portal-case-studies-2026-12-03.csv), its own `columns`, what fills them
    (`values()`) and what those read (`for_download()`: `.only()`, `select_related()` and
    prefetches, made once per chunk). The sources every row ends with are prefetched here.
    """

    http_method_names = ["get", "head"]
    list_view = None
    subject = None
    columns = ()

    def for_download(self, records):
        return records

    def sources(self, model):
        """The prefetch of the sources every row ends with, read as the rows write them."""
        sources = model._meta.get_field("sources").related_model
        return Prefetch("sources", queryset=sources._default_manager.only("title", "year"))

    def values(self, record):
        """{column: value} for the type's own columns: a text, a number, true or false, None
        for nothing, or a list of texts or numbers."""
        return {}

    def file_subject(self, list_view):
        return self.subject

    def header(self):
        return [*FIRST_COLUMNS, *self.columns, *LAST_COLUMNS]

    def absolute(self, path):
        return self.base_url + path

    def row(self, record, header):
        values = {
            "id": record.pk,
            "slug": record.slug,
            "url": self.absolute(record.get_absolute_url()),
            "title": record.texts.title,
            "title_language": text_language(record, "title"),
            "summary": record.texts.summary,
            "summary_language": text_language(record, "summary"),
            **self.values(record),
            "published_at": moment(record.published_at),
            "sources": [str(source) for source in record.sources.all()],
        }
        return [values[name] for name in header]

    def rows(self, records, header):
        """The rows, read chunk by chunk as they are asked for: for CSV and JSON, while the
        answer is sent, after the view has returned. The page's language is kept for them
        (names, addresses), whatever the thread does meanwhile. Each chunk read reports the
        worker alive to gunicorn (core/heartbeat.py): a list of 100,000 records takes longer
        than its timeout."""
        language = translation.get_language()
        with translation.override(language):
            for index, record in enumerate(records.iterator(chunk_size=CHUNK_SIZE)):
                if index % CHUNK_SIZE == 0:
                    heartbeat.beat()
                yield self.row(record, header)

    def validators(self, request, records, name):
        """(ETag, Last-Modified as a timestamp or None) of the file `name` of `records`."""
        etag, last_modified, _count = list_validators(records, [name, request.get_full_path()])
        return etag, last_modified

    def get(self, request, format):
        list_view = self.list_view()
        list_view.setup(request, *self.args, **self.kwargs)
        filtered = list_view.downloaded_queryset()
        name = self.file_name(list_view, format)
        etag, last_modified = self.validators(request, filtered, name)
        unchanged = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if unchanged is not None:
            return with_validators(unchanged, etag, last_modified)
        refused = refuse_over_limit(request, self.list_view.model)
        if refused is not None:
            return refused
        records = self.for_download(filtered).prefetch_related(self.sources(self.list_view.model))
        self.base_url = request.build_absolute_uri("/")[:-1]
        header = self.header()
        rows = self.rows(records, header)
        file_format = FORMATS[format]
        if format == "xlsx":
            title = content_for(self.list_view.model).plural
            response = FileResponse(
                xlsx_file(header, rows, title),
                as_attachment=True,
                filename=name,
                content_type=file_format.media_type,
            )
        else:
            pieces = csv_pieces(header, rows) if format == "csv" else json_pieces(header, rows)
            response = StreamingHttpResponse(
                buffered(pieces), content_type=f"{file_format.media_type}; charset=utf-8"
            )
            response["Content-Disposition"] = content_disposition_header(True, name)
        # The lists are for people; their files, like the filters' combinations, are not pages.
        response["X-Robots-Tag"] = "noindex"
        return with_validators(response, etag, last_modified)

    def file_name(self, list_view, format):
        """ssc-portal-case-studies-2026-12-03.csv: what and when (today, UTC), and the language
        where it is not English (ssc-portal-case-studies-fr-2026-12-03.csv)."""
        parts = ["ssc-portal", self.file_subject(list_view)]
        language = translation.get_language()
        if language and language != settings.LANGUAGE_CODE:
            parts.append(language)
        parts.append(f"{timezone.localdate():%Y-%m-%d}")
        return f"{'-'.join(parts)}.{format}"


def refuse_over_limit(request, model):
    """The 429 page when an anonymous client has asked for more downloads than
    DOWNLOAD_LIMIT_PER_CLIENT in the current window, else None. Staff signed in are not counted.
    If the cache is away, downloads go through (core/rate_limit.py)."""
    if request.user.is_authenticated:
        return None
    limit = Limit(
        "download-client", settings.DOWNLOAD_LIMIT_PER_CLIENT, settings.DOWNLOAD_LIMIT_WINDOW
    )
    retry_after = limit.hit(client_ip_for_limits(request) or "unknown")
    if retry_after is None:
        return None
    logger.warning("Download of %s refused: over the limit for one client", request.path)
    query = request.GET.urlencode()
    list_url = reverse(f"{model._meta.app_label}:list") + (f"?{query}" if query else "")
    context = {
        "minutes": math.ceil(retry_after / 60),
        "list_url": list_url,
        "list_title": content_for(model).plural,
    }
    response = render(request, "publishing/too_many_downloads.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    add_never_cache_headers(response)
    return response

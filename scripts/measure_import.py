"""Measure an import of many case studies through the admin: time and peak memory of the dry
run (the preview) and of the confirmed import. A measurement to read, not a timed test.

    .venv/bin/python scripts/measure_import.py [--rows 5000] [--format csv|xlsx]
                                              [--database-url sqlite:////tmp/measure-import.sqlite3]

It prepares a throw-away database (SQLite in /tmp unless --database-url names another: never
point it at a database you keep), migrates it and loads the starting content, writes a
spreadsheet of --rows new case studies (countries in two roles, themes, goals, organisations,
a source), then posts the admin's import form with it and the preview's confirm form, as a
browser would (Django's test client, the test settings), and prints for each step the seconds,
the queries and the process's peak resident memory. A file longer than
PORTAL_IMPORT_BACKGROUND_ROWS goes to the task worker, which the test settings run at once, in
the request: the figures are then the worker's, and the confirmation is the import page's
button.
"""

import argparse
import csv
import io
import os
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class QueryCounter:
    """Counts the queries run on a connection (Django's own query log stops at 9,000)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def spreadsheet(rows, kind):
    from initiatives.models import CooperationForm
    from taxonomy.models import SDG, Country, Organisation, Source, Theme

    rng = random.Random(20261202)  # noqa: S311 - the same made-up file every run
    countries = list(Country.objects.values_list("name", flat=True))
    themes = list(Theme.objects.values_list("name", flat=True))
    goals = list(SDG.objects.values_list("number", flat=True))
    forms = list(CooperationForm.objects.values_list("name", flat=True))
    organisations = list(Organisation.objects.values_list("name", flat=True))
    source = Source.objects.values_list("title", flat=True).first()
    header = [
        "title", "summary", "modality", "provider countries", "beneficiary countries",
        "themes", "sdgs", "forms of cooperation", "implementing organisations",
        "challenge", "towards a solution", "results", "start year", "end year", "sources",
    ]  # fmt: skip
    body = []
    for number in range(1, rows + 1):
        start = rng.randint(2000, 2020)
        body.append(
            [
                f"Measured case study {number}",
                "A case study made up to measure the import. " * 3,
                rng.choice(["bilateral", "triangular", "regional"]),
                "; ".join(rng.sample(countries, 2)),
                "; ".join(rng.sample(countries, 3)),
                "; ".join(rng.sample(themes, 2)),
                "; ".join(f"SDG {goal}" for goal in rng.sample(goals, 2)),
                rng.choice(forms),
                rng.choice(organisations),
                "What stood in the way. " * 10,
                "What was done. " * 10,
                "What came of it. " * 10,
                start,
                start + rng.randint(0, 5),
                source,
            ]
        )
    if kind == "csv":
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(header)
        writer.writerows(body)
        return text.getvalue().encode()
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(header)
    for row in body:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    parser.add_argument("--database-url", default="sqlite:////tmp/measure-import.sqlite3")
    args = parser.parse_args()

    if args.database_url.startswith("sqlite:////tmp/"):
        Path(args.database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "sscportal.settings.test"
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from devtools.html_forms import as_post_data, form_fields
    from initiatives.models import Initiative
    from publishing.models import SpreadsheetImport

    settings.PORTAL_IMPORT_MAX_BYTES = 200 * 1024 * 1024
    settings.PORTAL_IMPORT_MAX_ROWS = args.rows  # measure past the limit the admin keeps
    call_command("migrate", verbosity=0)
    call_command("load_portal_content", verbosity=0)
    user = get_user_model().objects.create_superuser("measure", "m@example.org", "not-used")
    client = Client()
    client.force_login(user)
    data = spreadsheet(args.rows, args.format)
    print(f"{args.rows} rows, {args.format}, {len(data) / 1024 / 1024:.1f} MB; {connection.vendor}")
    print(f"before: peak memory {peak_mb():.0f} MB")

    page = client.get(reverse("admin:initiatives_initiative_import")).content.decode()
    value = page.split(f">{args.format}</option>")[0].rsplit('value="', 1)[1].split('"')[0]
    upload = io.BytesIO(data)
    upload.name = f"measure.{args.format}"
    queries = QueryCounter()
    with connection.execute_wrapper(queries):
        started = time.perf_counter()
        preview = client.post(
            reverse("admin:initiatives_initiative_import"),
            {"format": value, "import_file": upload},
        )
        seconds = time.perf_counter() - started
    print(
        f"dry run (preview): {seconds:.1f} s, {queries.count} queries, "
        f"page {len(preview.content) / 1024 / 1024:.1f} MB, peak memory {peak_mb():.0f} MB"
    )
    if preview.status_code == 302:
        # A long file: the worker checked it (the test settings run tasks at once, in the
        # request); its page has the confirm button.
        status_url = preview["Location"]
        job = SpreadsheetImport.objects.get()
        print(f"  checked by the task worker: {job.get_state_display()}, {job.report['totals']}")
        target, data = status_url, {"confirm": "1"}
    else:
        fields = form_fields(preview.content.decode(), action="process_import")
        if not fields:
            print("the preview offers no confirm form: the file has errors")
            return 1
        target = reverse("admin:initiatives_initiative_process_import")
        data = as_post_data(fields)
    queries = QueryCounter()
    with connection.execute_wrapper(queries):
        started = time.perf_counter()
        done = client.post(target, data)
        seconds = time.perf_counter() - started
    print(
        f"confirmed import: {seconds:.1f} s, {queries.count} queries, status {done.status_code}, "
        f"peak memory {peak_mb():.0f} MB"
    )
    print(f"case studies in review now: {Initiative.objects.filter(status='review').count()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

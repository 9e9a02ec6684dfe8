"""Long spreadsheets of case studies, checked and imported by the task worker while their
uploader follows a progress bar: through the admin's own pages (the import form posted with a
file, the import's page, its progress address, its confirm button) and the tasks the worker
runs."""

import datetime
import os
import re

import pytest
import reversion
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Permission
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from initiatives.models import CountryRole, Initiative
from initiatives.tests.test_spreadsheets import HEADER, csv_file, page_text, reference, upload
from publishing import spreadsheet_jobs
from publishing.models import ImportState, SpreadsheetImport, Status
from publishing.spreadsheet_jobs import check_spreadsheet, import_spreadsheet

pytestmark = pytest.mark.usefixtures(reference.__name__)

PERMISSIONS = ("add_initiative", "change_initiative", "view_initiative")


def rows(count, *, bad_row=None):
    """`count` case-study rows; the row at spreadsheet row `bad_row` names a country that does
    not exist. Every row asks to be published: an import never publishes."""
    lines = []
    for number in range(1, count + 1):
        country = "Kenia" if number + 1 == bad_row else "KEN"
        lines.append(
            f"Long file case {number},Summary {number}.,bilateral,Colombia,{country},Health,"
            f"SDG 3,,UNDP,2020,2021,A source document,published\n"
        )
    return HEADER + "".join(lines)


@pytest.fixture
def worker(settings):
    """Tasks wait in the database for the worker, as in production; the test runs them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.PORTAL_IMPORT_BACKGROUND_ROWS = 5


@pytest.fixture
def editor(staff_client):
    return staff_client(*PERMISSIONS)


def queued(path):
    return DBTaskResult.objects.filter(task_path=path).values_list("args_kwargs", flat=True)


def progress_of(client, job):
    url = reverse("admin:initiatives_initiative_import_progress", args=[job.pk])
    response = client.get(url)
    assert response.status_code == 200
    return response.json()


def status_page(client, job):
    return client.get(reverse("admin:initiatives_initiative_import_status", args=[job.pk]))


def test_a_long_file_is_checked_with_a_progress_bar_then_imported_whole_once_confirmed(
    editor, worker, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(spreadsheet_jobs, "PROGRESS_EVERY", 0)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(editor, csv_file(rows(12)))

    job = SpreadsheetImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:initiatives_initiative_import_status", args=[job.pk]
    )
    assert (job.state, job.rows, job.original_name) == (
        ImportState.CHECKING,
        12,
        "case-studies.csv",
    )
    assert list(queued("publishing.spreadsheet_jobs.check_spreadsheet")) == [
        {"args": [job.pk], "kwargs": {}}
    ]
    # Before the worker starts: the bar without a figure, and the script that moves it.
    waiting = status_page(editor, job)
    html = waiting.content.decode()
    assert "Checking the rows" in html and "Working…" in html
    assert re.search(r'<progress id="spreadsheet-progress-bar" max="12">', html)
    assert "js/spreadsheet-progress.js" in html
    assert progress_of(editor, job)["done"] is None

    # While the worker checks the rows, the page and its progress address say how far it got.
    seen = {}
    say = spreadsheet_jobs.Progress.__call__

    def watching(progress, row_number):
        say(progress, row_number)
        if row_number == 6:
            seen["json"] = progress_of(editor, job)
            seen["html"] = status_page(editor, job).content.decode()

    monkeypatch.setattr(spreadsheet_jobs.Progress, "__call__", watching)
    assert check_spreadsheet.call(job.pk) == ImportState.READY

    assert seen["json"] == {
        "state": "checking",
        "running": True,
        "rows": 12,
        "done": 6,
        "text": "6 of 12 rows",
    }
    assert re.search(r'<progress id="spreadsheet-progress-bar" max="12" value="6">', seen["html"])
    assert "6 of 12 rows" in seen["html"]
    assert not Initiative.objects.exists()  # the check wrote nothing

    # Checked: the totals, the rows, and a button to confirm; no more script.
    ready = status_page(editor, job)
    text = page_text(ready)
    assert "12 new, 0 changed, 0 unchanged." in text
    assert "Long file case 1" in text and "Long file case 12" in text
    assert 'name="confirm"' in text and "spreadsheet-progress.js" not in text
    assert progress_of(editor, job)["running"] is False

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = editor.post(
            reverse("admin:initiatives_initiative_import_status", args=[job.pk]), {"confirm": "1"}
        )
        again = editor.post(
            reverse("admin:initiatives_initiative_import_status", args=[job.pk]), {"confirm": "1"}
        )
    assert confirmed.status_code == again.status_code == 302
    job.refresh_from_db()
    assert job.state == ImportState.IMPORTING
    assert len(queued("publishing.spreadsheet_jobs.import_spreadsheet")) == 1  # once only
    assert "Rows imported" in status_page(editor, job).content.decode()

    assert import_spreadsheet.call(job.pk) == ImportState.IMPORTED
    assert import_spreadsheet.call(job.pk) is None  # a second run finds nothing to do

    imported = Initiative.objects.order_by("pk")
    assert imported.count() == 12
    assert {record.status for record in imported} == {Status.IN_REVIEW}
    assert {record.published_at for record in imported} == {None}
    first = imported.get(slug="long-file-case-1")
    assert {(link.country.name, link.role) for link in first.country_roles.all()} == {
        ("Colombia", CountryRole.PROVIDER),
        ("Kenya", CountryRole.BENEFICIARY),
    }
    assert [goal.number for goal in first.sdgs.all()] == [3]
    # In each record's history and in the admin's log, by the uploader.
    versions = reversion.models.Version.objects.get_for_object(first)
    assert [version.revision.comment for version in versions] == ["Imported from a spreadsheet."]
    assert versions[0].revision.user == job.user
    assert LogEntry.objects.filter(action_flag=ADDITION, user=job.user).count() == 12
    # The waiting file is gone; the page says what was written.
    assert not default_storage.exists(f"django-import-export/{job.file_name}")
    text = page_text(status_page(editor, job))
    assert "Written: 12 new, 0 changed, 0 unchanged. Every record is in review." in text


def test_a_long_file_with_one_bad_row_writes_nothing_and_names_the_row(editor, worker):
    upload(editor, csv_file(rows(12, bad_row=9)))
    job = SpreadsheetImport.objects.get()

    assert check_spreadsheet.call(job.pk) == ImportState.INVALID

    text = page_text(status_page(editor, job))
    assert "Nothing was imported" in text
    assert "Row 9, “beneficiary countries”: unknown country “Kenia”" in text
    assert 'name="confirm"' not in text
    assert not Initiative.objects.exists()
    assert not default_storage.exists(f"django-import-export/{job.file_name}")
    # A hand-made confirmation of a file that failed its check writes nothing either.
    refused = editor.post(
        reverse("admin:initiatives_initiative_import_status", args=[job.pk]), {"confirm": "1"}
    )
    assert refused.status_code == 302
    assert not queued("publishing.spreadsheet_jobs.import_spreadsheet")


def test_a_short_file_is_still_previewed_in_the_request(editor, worker):
    preview = upload(editor, csv_file(rows(5)))

    assert preview.status_code == 200
    assert "5 new, 0 changed, 0 unchanged." in page_text(preview)
    assert not SpreadsheetImport.objects.exists()


def test_a_file_longer_than_an_import_takes_is_refused_in_the_request(editor, worker, settings):
    settings.PORTAL_IMPORT_MAX_ROWS = 10

    refused = upload(editor, csv_file(rows(12)))

    assert refused.status_code == 200
    assert "The file has 12 rows: import at most 10 at a time." in page_text(refused)
    assert not SpreadsheetImport.objects.exists()


def test_only_the_uploader_sees_an_import(editor, worker, django_user_model, admin_user):
    upload(editor, csv_file(rows(8)))
    job = SpreadsheetImport.objects.get()

    def client_of(user, *codenames):
        user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
        client = Client()
        client.force_login(user)
        return client

    make = django_user_model.objects.create_user
    other = client_of(make("other", is_staff=True), *PERMISSIONS)
    admin_client = client_of(admin_user)

    assert status_page(other, job).status_code == 404
    assert status_page(admin_client, job).status_code == 404
    url = reverse("admin:initiatives_initiative_import_progress", args=[job.pk])
    assert other.get(url).status_code == 404
    posted = other.post(
        reverse("admin:initiatives_initiative_import_status", args=[job.pk]), {"confirm": "1"}
    )
    assert posted.status_code == 404
    # The same import is not found under another content type.
    other_type = reverse("admin:events_event_import_status", args=[job.pk])
    assert (
        client_of(job.user, *PERMISSIONS, "add_event", "change_event").get(other_type).status_code
        == 404
    )
    # Staff who may not import see nothing of it, even of their own.
    job.user.user_permissions.set(Permission.objects.filter(codename="view_initiative"))
    assert status_page(editor, job).status_code == 403


def test_a_check_that_cannot_read_its_file_says_so_and_writes_nothing(editor, worker):
    upload(editor, csv_file(rows(8)))
    job = SpreadsheetImport.objects.get()
    default_storage.delete(f"django-import-export/{job.file_name}")

    assert check_spreadsheet.call(job.pk) == ImportState.FAILED

    text = page_text(status_page(editor, job))
    assert "The file could not be checked: nothing was written." in text
    assert "Upload the file again" in text


def test_an_import_that_cannot_be_queued_says_so(
    editor, worker, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(*args, **kwargs):
        raise ConnectionError("the queue is away")

    monkeypatch.setattr(type(check_spreadsheet), "enqueue", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        upload(editor, csv_file(rows(8)))

    job = SpreadsheetImport.objects.get()
    assert job.state == ImportState.FAILED
    assert "could not be queued" in page_text(status_page(editor, job))


def test_the_daily_clean_up_deletes_abandoned_files_and_closes_waiting_imports(editor, worker):
    upload(editor, csv_file(rows(8)))
    waiting = SpreadsheetImport.objects.get()
    check_spreadsheet.call(waiting.pk)
    old = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=30)
    SpreadsheetImport.objects.filter(pk=waiting.pk).update(created_at=old)
    stored = default_storage.path(f"django-import-export/{waiting.file_name}")
    os.utime(stored, (old.timestamp(), old.timestamp()))
    fresh = default_storage.save("django-import-export/" + "a" * 32, csv_file(rows(1)))
    forgotten = SpreadsheetImport.objects.create(
        content_type=waiting.content_type,
        user=waiting.user,
        file_name="b" * 32,
        original_name="old.csv",
        format=0,
        rows=300,
        state=ImportState.IMPORTED,
    )
    SpreadsheetImport.objects.filter(pk=forgotten.pk).update(
        created_at=old - datetime.timedelta(days=40)
    )

    call_command("clean_spreadsheet_imports", stdout=open(os.devnull, "w"))  # noqa: SIM115

    assert not os.path.exists(stored)
    assert default_storage.exists(fresh)
    waiting.refresh_from_db()
    assert waiting.state == ImportState.FAILED
    assert "Not confirmed in time" in page_text(status_page(editor, waiting))
    assert not SpreadsheetImport.objects.filter(pk=forgotten.pk).exists()

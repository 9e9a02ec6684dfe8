"""Spreadsheets too long to check and import while their uploader waits for the page (more rows
than PORTAL_IMPORT_BACKGROUND_ROWS).

The admin's import page stores the file and a `SpreadsheetImport`, and the task worker checks
every row: the same dry run as the preview of a short file, rolled back. Once the uploader
confirms, the worker writes the rows, all or nothing, in one transaction. The uploader follows
both on the import's own page (`SpreadsheetAdminMixin.import_status_view`): a progress bar with
the rows done, then the preview or the row errors, then what was written.

How far the work has got is said in the cache every half second: the database cannot say it
while the rows are written in a transaction that other connections do not see. With Redis (in
production) the web processes and the worker share it; with the local-memory cache each process
has its own, and the page then shows the bar without a figure until the work ends.
"""

import logging
import time

from django.contrib import admin
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from .models import ImportState, SpreadsheetImport
from .spreadsheets import row_errors

logger = logging.getLogger(__name__)

#: The rows of a checked file its page shows (all are checked; the totals count every row).
PREVIEW_ROWS = 100
#: The row errors its page lists (the count says how many there are in all).
ERROR_LINES = 200
PROGRESS_EVERY = 0.5  # seconds
PROGRESS_KEEP = 24 * 3600  # seconds


def progress_key(pk):
    return f"spreadsheet-import:{pk}:rows"


class Progress:
    """Called with each row's number once it is done; says the count in the cache at most every
    PROGRESS_EVERY seconds, and always for the last row."""

    def __init__(self, job):
        self.key = progress_key(job.pk)
        self.total = job.rows
        self.said_at = None

    def __call__(self, row_number):
        now = time.monotonic()
        if self.said_at is None or now - self.said_at >= PROGRESS_EVERY or row_number >= self.total:
            cache.set(self.key, row_number, PROGRESS_KEEP)
            self.said_at = now


def rows_done(job):
    """How many rows the running check or import has done, or None when nobody has said yet
    (or the cache is not shared with the worker)."""
    if not job.running:
        return None
    done = cache.get(progress_key(job.pk))
    return min(int(done), job.rows) if isinstance(done, int) else None


def start(job, step):
    """Queue `step` (check_spreadsheet or import_spreadsheet) for `job` once the transaction that
    saved the job has committed."""
    cache.delete(progress_key(job.pk))
    transaction.on_commit(lambda: _enqueue(step, job.pk))


def _enqueue(step, pk):
    try:
        step.enqueue(pk)
    except Exception:  # noqa: BLE001 - the page must say so rather than wait forever
        logger.exception("Could not queue spreadsheet import %s", pk)
        SpreadsheetImport.objects.filter(pk=pk, state__in=SpreadsheetImport.RUNNING).update(
            state=ImportState.FAILED,
            finished_at=timezone.now(),
            report={"message": _("The import could not be queued: upload the file again.")},
        )


def report_of(resource, result):
    """What the import's page shows of a check or an import, as JSON."""
    totals = {kind: result.totals.get(kind, 0) for kind in ("new", "update", "skip")}
    if result.has_errors() or result.has_validation_errors():
        errors = row_errors(resource, result)
        return {"totals": totals, "errors": errors[:ERROR_LINES], "error_count": len(errors)}
    return {
        "totals": totals,
        "headers": [str(header) for header in result.diff_headers],
        "rows": preview_rows(result, PREVIEW_ROWS),
    }


def preview_rows(result, limit=None):
    """The checked rows as the preview shows them, the first `limit` (all without one):
    [{"number" (the spreadsheet's row), "type" (new, update, skip), "cells"}]. Only for a check
    without errors, whose rows are all valid (so the n-th is the spreadsheet's row n + 1)."""
    return [
        {
            "number": number,
            "type": row.import_type,
            "cells": [vars(cell) for cell in row.diff or []],
        }
        for number, row in enumerate(result.valid_rows()[:limit], start=2)
    ]


def _finish(job, state, report):
    job.state = state
    job.report = report
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "report", "finished_at"])
    cache.delete(progress_key(job.pk))
    return state


def run(job_id, *, write):
    """Check (write=False) or write (write=True) the rows of import `job_id`; returns the state
    it ends in, or None when the import is not waiting for this step (already done, or gone)."""
    job = SpreadsheetImport.objects.select_related("content_type", "user").filter(pk=job_id)
    job = job.first()
    waiting = ImportState.IMPORTING if write else ImportState.CHECKING
    if job is None or job.state != waiting:
        return None
    model_admin = admin.site.get_model_admin(job.content_type.model_class())
    try:
        storage, dataset = model_admin.read_stored_import(job.file_name, job.format)
        resource = model_admin.get_import_resource_classes(None)[0]()
        resource.progress = Progress(job)
        result = resource.import_data(
            dataset,
            dry_run=not write,
            raise_errors=False,
            use_transactions=True,
            rollback_on_validation_errors=True,
            user=job.user,
            file_name=job.original_name,
        )
        report = report_of(resource, result)
        if "errors" in report:
            storage.remove()
            return _finish(job, ImportState.INVALID, report)
        if write:
            model_admin.record_import(result, job.user)
            storage.remove()
            return _finish(job, ImportState.IMPORTED, report)
        return _finish(job, ImportState.READY, report)
    except Exception:  # noqa: BLE001 - whatever stopped it, the uploader is told
        logger.exception("Spreadsheet import %s stopped", job.pk)
        message = _("The import stopped on an unexpected error: nothing was written.")
        if not write:
            message = _("The file could not be checked: nothing was written.")
        return _finish(job, ImportState.FAILED, {"message": message})


@task()
def check_spreadsheet(job_id):
    """The dry run of a long spreadsheet: every row checked, nothing kept."""
    return run(job_id, write=False)


@task()
def import_spreadsheet(job_id):
    """The confirmed import of a long spreadsheet, all or nothing."""
    return run(job_id, write=True)


# --- Clean-up (manage.py clean_spreadsheet_imports, daily) --------------------------------------
def waiting_files():
    """The media storage that holds the files waiting between preview and confirmation, and their
    names there: (storage, folder, [names])."""
    from import_export.tmp_storages import MediaStorage

    holder = MediaStorage()
    storage, folder = holder._storage, holder.MEDIA_FOLDER
    try:
        names = storage.listdir(folder)[1]
    except (FileNotFoundError, NotADirectoryError):
        names = []
    return storage, folder, names


def clean_up(*, files_before, jobs_before):
    """Delete the waiting files stored before `files_before` (a preview nobody confirmed, or an
    import that stopped), mark the long imports still waiting since then as stopped, and delete
    the records of imports uploaded before `jobs_before`. Returns the three counts."""
    closed = SpreadsheetImport.objects.filter(
        created_at__lt=files_before,
        state__in=(ImportState.CHECKING, ImportState.READY, ImportState.IMPORTING),
    ).update(
        state=ImportState.FAILED,
        finished_at=timezone.now(),
        report={"message": _("Not confirmed in time: nothing was written. Upload the file again.")},
    )
    storage, folder, names = waiting_files()
    deleted = 0
    for name in names:
        path = f"{folder}/{name}"
        try:
            stored_at = storage.get_modified_time(path)
        except (NotImplementedError, OSError):
            continue
        if stored_at < files_before:
            storage.delete(path)
            deleted += 1
    forgotten, _kinds = SpreadsheetImport.objects.filter(created_at__lt=jobs_before).delete()
    return deleted, closed, forgotten

"""Import and export buttons on a content type's admin list (django-import-export), with the
rules of publishing/spreadsheets.py: a dry run that shows every row before anything is written,
all or nothing when confirmed, row errors named by row and column, and permissions to match.

A content type's admin mixes in `SpreadsheetAdminMixin` and names its resource in
`resource_classes`.
"""

import re

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth import get_permission_codename
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ExportForm, ImportForm
from import_export.results import RowResult

from . import spreadsheet_jobs
from .history import record_change
from .models import ImportState, SpreadsheetImport
from .spreadsheets import row_errors

IMPORTED = _("Imported from a spreadsheet.")

STORED_NAME = re.compile(r"[0-9a-f]{32}")


class SpreadsheetImportForm(ImportForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["import_file"].label = _("Spreadsheet (CSV or XLSX)")
        self.fields["import_file"].widget.attrs["accept"] = ".csv,.xlsx,text/csv"
        self.fields["import_file"].help_text = _(
            "Up to %(limit)s. The first row names the columns; every other row is one record."
        ) % {"limit": filesizeformat(settings.PORTAL_IMPORT_MAX_BYTES)}

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > settings.PORTAL_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s: split it into several.")
                % {"limit": filesizeformat(settings.PORTAL_IMPORT_MAX_BYTES)}
            )
        if not upload.size:
            raise forms.ValidationError(_("The file is empty."))
        return upload


class SpreadsheetAdminMixin(ImportExportMixin):
    import_formats = [CSV, XLSX]
    export_formats = [CSV, XLSX]
    import_form_class = SpreadsheetImportForm
    # The columns of an export are those of the import, always: no choice of fields.
    export_form_class = ExportForm
    import_template_name = "admin/publishing/spreadsheet_import.html"
    # Read as UTF-8, with or without the byte-order mark spreadsheet programs write.
    from_encoding = "utf-8-sig"
    # Written with the byte-order mark, so that spreadsheet programs read the accents right.
    to_encoding = "utf-8-sig"

    def has_import_permission(self, request):
        """Importing creates and changes records: it takes both permissions."""
        opts = self.opts
        return all(
            request.user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")
            for action in ("add", "change")
        )

    def has_export_permission(self, request):
        return self.has_view_or_change_permission(request)

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        # All or nothing: one row that fails leaves the database as it was.
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, UnicodeDecodeError):
            message = _(
                "The file is not in UTF-8: in your spreadsheet program, save it as "
                "“CSV UTF-8”, or as an XLSX workbook."
            )
        else:
            message = _(
                "The file could not be read: check that it is a CSV or XLSX spreadsheet and "
                "that the format chosen below is its own."
            )
        form.add_error("import_file", message)

    def import_action(self, request, **kwargs):
        if request.method == "POST" and self.has_import_permission(request):
            job = self.start_long_import(request)
            if job is not None:
                return HttpResponseRedirect(self.import_job_url(job))
        response = super().import_action(request, **kwargs)
        self.add_row_errors(request, response)
        return response

    # --- Long spreadsheets, checked and imported by the task worker (spreadsheet_jobs.py) ------
    def get_urls(self):
        app_label, model_name = self.get_model_info()
        view = self.admin_site.admin_view
        return [
            path(
                "import/<int:job_id>/",
                view(self.import_status_view),
                name=f"{app_label}_{model_name}_import_status",
            ),
            path(
                "import/<int:job_id>/progress/",
                view(self.import_progress_view),
                name=f"{app_label}_{model_name}_import_progress",
            ),
            *super().get_urls(),
        ]

    def import_job_url(self, job, part="status"):
        app_label, model_name = self.get_model_info()
        return reverse(
            f"{self.admin_site.name}:{app_label}_{model_name}_import_{part}", args=[job.pk]
        )

    def start_long_import(self, request):
        """For a valid upload of more than PORTAL_IMPORT_BACKGROUND_ROWS rows (and no more than
        an import takes): the file stored, its check queued, the job returned. None for any
        other post, which the import page answers as it is (the preview, or what is wrong)."""
        form = self.create_import_form(request)
        if not form.is_valid():
            return None
        input_format = self.get_import_formats()[int(form.cleaned_data["format"])]()
        if not input_format.is_binary():
            input_format.encoding = self.from_encoding
        upload = form.cleaned_data["import_file"]
        try:
            rows = len(input_format.create_dataset(b"".join(upload.chunks())))
        except Exception:  # noqa: BLE001 - the import page says what is wrong with the file
            return None
        if not settings.PORTAL_IMPORT_BACKGROUND_ROWS < rows <= settings.PORTAL_IMPORT_MAX_ROWS:
            return None
        stored = self.write_to_tmp_storage(upload, input_format)
        with transaction.atomic():
            job = SpreadsheetImport.objects.create(
                content_type=ContentType.objects.get_for_model(self.model),
                user=request.user,
                file_name=stored.name,
                original_name=upload.name[:255],
                format=int(form.cleaned_data["format"]),
                rows=rows,
            )
            spreadsheet_jobs.start(job, spreadsheet_jobs.check_spreadsheet)
        return job

    def get_import_job(self, request, job_id):
        """The uploader's own import of this content type; anyone else gets a 404."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        return get_object_or_404(
            SpreadsheetImport.objects.select_related("content_type"),
            pk=job_id,
            user=request.user,
            content_type=ContentType.objects.get_for_model(self.model),
        )

    def import_status_view(self, request, job_id):
        job = self.get_import_job(request, job_id)
        if request.method == "POST":
            return self.confirm_import_job(request, job)
        if request.method != "GET":
            return HttpResponseBadRequest()
        done = spreadsheet_jobs.rows_done(job)
        report = job.report or {}
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import of %(file)s") % {"file": job.original_name},
            "opts": self.model._meta,
            "job": job,
            "rows_done": done,
            "rows_display": number_format(job.rows, force_grouping=True),
            "progress_text": self.progress_text(job, done),
            "report": report,
            "states": ImportState,
            "preview_shown": len(report.get("rows", [])),
            "progress_url": self.import_job_url(job, "progress"),
            "import_url": reverse(
                "{}:{}_{}_import".format(self.admin_site.name, *self.get_model_info())
            ),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/publishing/spreadsheet_job.html", context)

    def confirm_import_job(self, request, job):
        """The uploader confirms a checked file: its import is queued, once."""
        if "confirm" not in request.POST:
            return HttpResponseBadRequest(_("Nothing to do."))
        with transaction.atomic():
            started = SpreadsheetImport.objects.filter(pk=job.pk, state=ImportState.READY).update(
                state=ImportState.IMPORTING
            )
            if started:
                spreadsheet_jobs.start(job, spreadsheet_jobs.import_spreadsheet)
        if not started:
            messages.warning(request, _("This import is not waiting for a confirmation."))
        return HttpResponseRedirect(self.import_job_url(job))

    @staticmethod
    def progress_text(job, done):
        if done is None:
            return _("Working…") if job.running else job.get_state_display()
        return _("%(done)s of %(rows)s rows") % {
            "done": number_format(done, force_grouping=True),
            "rows": number_format(job.rows, force_grouping=True),
        }

    def import_progress_view(self, request, job_id):
        """Where a long import stands, for its page's script."""
        job = self.get_import_job(request, job_id)
        done = spreadsheet_jobs.rows_done(job)
        return JsonResponse(
            {
                "state": job.state,
                "running": job.running,
                "rows": job.rows,
                "done": done,
                "text": str(self.progress_text(job, done)),
            }
        )

    def read_stored_import(self, file_name, format_index):
        """The stored file of an import and its rows: (storage, dataset)."""
        if not STORED_NAME.fullmatch(file_name):
            raise Http404("not a stored import file")
        input_format = self.get_import_formats()[format_index](encoding=self.from_encoding)
        storage = self.get_tmp_storage_class()(
            name=file_name,
            encoding=None if input_format.is_binary() else self.from_encoding,
            read_mode=input_format.get_read_mode(),
            **self.get_tmp_storage_class_kwargs(),
        )
        return storage, input_format.create_dataset(storage.read())

    def record_import(self, result, user):
        """A written import in each record's history and in the admin's log."""
        for import_type, flag in (
            (RowResult.IMPORT_TYPE_NEW, ADDITION),
            (RowResult.IMPORT_TYPE_UPDATE, CHANGE),
        ):
            ids = [
                row.object_id
                for row in result.rows
                if row.import_type == import_type and row.object_id is not None
            ]
            if not ids:
                continue
            records = list(self.model._base_manager.filter(pk__in=ids))
            record_change(records, user, IMPORTED)
            LogEntry.objects.log_actions(
                user.pk,
                records,
                flag,
                change_message=str(IMPORTED),
                single_object=len(records) == 1,
            )

    def generate_log_entries(self, result, request):
        self.record_import(result, request.user)

    def add_row_errors(self, request, response):
        """The row errors in words, or the preview's rows (spreadsheet_preview_table.html)."""
        result = response.context_data.get("result")
        if result is None:
            return
        if result.has_errors() or result.has_validation_errors():
            resource = self.get_import_resource_classes(request)[0]()
            response.context_data["row_errors"] = row_errors(resource, result)
        else:
            response.context_data["preview_rows"] = spreadsheet_jobs.preview_rows(result)

    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        try:
            # The stored file's name comes back in the confirm form: only a name the preview
            # made (a uuid4 in hex) is read from the media storage.
            if not STORED_NAME.fullmatch(request.POST.get("import_file_name", "")):
                raise ValueError("not a stored import file")
            return super().process_import(request, **kwargs)
        except (OSError, IndexError, ValueError, UnicodeDecodeError):
            # The stored file is gone (or the confirm form was tampered with): start again.
            messages.error(request, _("The import could not be confirmed: upload the file again."))
            app_label, model_name = self.get_model_info()
            return HttpResponseRedirect(
                reverse(f"{self.admin_site.name}:{app_label}_{model_name}_import")
            )

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # The records changed between the dry run and the confirmation: nothing was written
            # (get_import_data_kwargs); say why, with the form to try again.
            context = self.admin_site.each_context(request)
            context.update(
                {
                    "title": _("Import"),
                    "opts": self.model._meta,
                    "form": self.get_import_form_class(request)(
                        self.get_import_formats(), self.get_import_resource_classes(request)
                    ),
                    "result": result,
                    "import_error_display": self.import_error_display,
                }
            )
            response = TemplateResponse(request, [self.import_template_name], context)
            self.add_row_errors(request, response)
            return response
        # The import is written: each record it created or changed gets a version in its
        # history and a line in the admin's log (generate_log_entries).
        return super().process_result(result, request)

    def export_action(self, request):
        try:
            return super().export_action(request)
        except IncorrectLookupParameters:
            return HttpResponseBadRequest(_("These list filters are not known."))

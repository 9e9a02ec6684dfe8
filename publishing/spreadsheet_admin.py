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
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ExportForm, ImportForm
from import_export.results import RowResult

from .history import record_change
from .spreadsheets import row_errors

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
        response = super().import_action(request, **kwargs)
        self.add_row_errors(request, response)
        return response

    def add_row_errors(self, request, response):
        result = response.context_data.get("result")
        if result is not None and (result.has_errors() or result.has_validation_errors()):
            resource = self.get_import_resource_classes(request)[0]()
            response.context_data["row_errors"] = row_errors(resource, result)

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
        # The import is written: a version of each record it created or changed, in its history.
        written = [
            row.object_id
            for row in result.rows
            if row.import_type in (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE)
            and row.object_id is not None
        ]
        if written:
            record_change(
                self.model._base_manager.filter(pk__in=written),
                request.user,
                _("Imported from a spreadsheet."),
            )
        return super().process_result(result, request)

    def export_action(self, request):
        try:
            return super().export_action(request)
        except IncorrectLookupParameters:
            return HttpResponseBadRequest(_("These list filters are not known."))

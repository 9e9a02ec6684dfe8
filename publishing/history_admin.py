"""The admin's side of the history of changes (publishing/history.py): every save of the change
form records a version; the "History" page lists the versions with what each changed; any version
can be restored, after a confirmation, by staff who may change the record."""

import reversion
from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.views.main import PAGE_VAR
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reversion.errors import RevertError

from core.signals import send_content_changed

from . import history
from .content import content_for
from .models import Status, may_publish


class HistoryAdminMixin:
    """For a ModelAdmin of a content type: versions recorded on save, history with diffs,
    restore."""

    object_history_template = "admin/history/object_history.html"
    restore_template = "admin/history/restore.html"
    history_per_page = 20

    # --- Recording -----------------------------------------------------------------------------
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id is not None:
            record = self.get_object(request, unquote(object_id))
            if record is not None and self.has_change_permission(request, record):
                # A record from before versions were kept: keep what it was before this change.
                history.record_baseline([record])
        with reversion.create_revision():
            reversion.set_user(request.user)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        if reversion.is_active():
            reversion.set_comment(entry.change_message or _("Added."))
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        if reversion.is_active():
            reversion.set_comment(entry.change_message or _("No fields changed."))
        return entry

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if reversion.is_active():
            # Again, now that the links and the inline rows are saved as well.
            reversion.add_to_revision(form.instance)

    # --- Pages ---------------------------------------------------------------------------------
    def get_urls(self):
        opts = self.opts
        return [
            path(
                "<path:object_id>/history/<int:version_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name=f"{opts.app_label}_{opts.model_name}_restore",
            ),
            *super().get_urls(),
        ]

    def _history_record(self, request, object_id):
        record = self.get_object(request, unquote(object_id))
        if record is None:
            raise Http404(_("There is no such record."))
        return record

    def history_view(self, request, object_id, extra_context=None):
        record = self._history_record(request, object_id)
        if not self.has_view_or_change_permission(request, record):
            raise PermissionDenied
        paginator = Paginator(history.versions_of(record), self.history_per_page)
        page = paginator.get_page(request.GET.get(PAGE_VAR))
        # The page's versions and the one before its oldest, to say what that one changed.
        start = (page.number - 1) * self.history_per_page
        versions = list(history.versions_of(record)[start : start + self.history_per_page + 1])
        parts = history.part_versions_by_revision(self.model, record.pk, versions)
        snapshots = []
        for version in versions:
            try:
                snapshots.append(history.snapshot_of_versions(version, parts[version.revision_id]))
            except RevertError:  # stored by a model since changed beyond reading
                snapshots.append(None)
        names = history.Names([snapshot for snapshot in snapshots if snapshot is not None])
        may_restore = self.may_restore(request, record)
        entries = []
        for index, version in enumerate(versions[: self.history_per_page]):
            snapshot = snapshots[index]
            before = snapshots[index + 1] if index + 1 < len(snapshots) else None
            entries.append(
                {
                    "version": version,
                    "author": history.author(version.revision),
                    "comment": version.revision.get_comment(),
                    "readable": snapshot is not None,
                    "first": index + 1 >= len(versions),
                    "changes": history.diff(before, snapshot, names) if snapshot else [],
                    "current": page.number == 1 and index == 0,
                    "restore_url": reverse(
                        f"{self.admin_site.name}:{self.opts.app_label}_"
                        f"{self.opts.model_name}_restore",
                        args=[quote(record.pk), version.pk],
                    )
                    if may_restore and snapshot is not None
                    else None,
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("History: %s") % record,
            "subtitle": None,
            "entries": entries,
            # Staff who may change the record but not publish it: a live page's versions are
            # restored by a publisher.
            "restore_needs_publisher": not may_restore
            and self.has_change_permission(request, record),
            "page_obj": page,
            "page_range": paginator.get_elided_page_range(page.number),
            "page_var": PAGE_VAR,
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "object": record,
            "opts": self.opts,
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)

    def may_restore(self, request, record):
        """Change permission, and for a published record the right to publish: restoring
        changes a live page at once, which staff who may not publish only propose (their
        changes to a live page wait for a publisher's approval, publishing/staging.py)."""
        if not self.has_change_permission(request, record):
            return False
        return record.status != Status.PUBLISHED or may_publish(request.user, self.model)

    def restore_view(self, request, object_id, version_id):
        record = self._history_record(request, object_id)
        if not self.may_restore(request, record):
            raise PermissionDenied
        # Beyond the largest id a database column holds, no version has it.
        in_range = 0 < version_id < 2**63
        version = history.versions_of(record).filter(pk=version_id).first() if in_range else None
        if version is None:
            raise Http404(_("This record has no such version."))
        part_versions = history.part_versions_by_revision(self.model, record.pk, [version])[
            version.revision_id
        ]
        history_url = reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_history",
            args=[quote(record.pk)],
        )
        try:
            target = history.snapshot_of_versions(version, part_versions)
        except RevertError:
            raise Http404(_("This version can no longer be read.")) from None
        if request.method == "POST":
            return self._restore(request, record, version, part_versions, history_url)
        current = history.current_snapshot(record)
        names = history.Names([current, target])
        publisher = may_publish(request.user, self.model)
        keeps_publishing = not publisher and any(
            current.fields[name] != target.fields[name] for name in history.PUBLISHING_FIELDS
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Restore an earlier version of %s?") % record,
            "subtitle": None,
            "object": record,
            "version": version,
            "author": history.author(version.revision),
            "comment": version.revision.get_comment(),
            "changes": history.diff(current, target, names),
            "keeps_publishing": keeps_publishing,
            "history_url": history_url,
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "opts": self.opts,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.restore_template, context)

    def after_restore(self, request, record):
        """What saving the change form does besides saving, for a record just restored."""

    def _restore(self, request, record, version, part_versions, history_url):
        try:
            restored = history.restore(version, part_versions, user=request.user)
        except (history.RestoreError, RevertError):
            self.message_user(
                request,
                _(
                    "This version cannot be restored as it is: something it names has changed "
                    "since (for example, another record now has its slug). Nothing was changed."
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(history_url)
        record = restored.record
        self.after_restore(request, record)
        # As after the change form: the index and the caches see the record as it now is.
        content_for(self.model).refresh_index(self.model._base_manager.filter(pk=record.pk))
        send_content_changed(self.model)
        self.log_change(request, record, str(history.restore_comment(version)))
        self.message_user(
            request,
            _("%(record)s was restored to the version of %(date)s.")
            % {"record": record, "date": history.version_date(version)},
            messages.SUCCESS,
        )
        if restored.kept_publishing:
            self.message_user(
                request,
                _(
                    "You may not publish or unpublish: the status and the publication date "
                    "were kept as they were."
                ),
                messages.WARNING,
            )
        if restored.left_out:
            self.message_user(
                request,
                ngettext(
                    "Left out, deleted since: %(names)s.",
                    "Left out, deleted since: %(names)s.",
                    len(restored.left_out),
                )
                % {"names": ", ".join(restored.left_out)},
                messages.WARNING,
            )
        return HttpResponseRedirect(
            reverse(
                f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_change",
                args=[quote(record.pk)],
            )
        )

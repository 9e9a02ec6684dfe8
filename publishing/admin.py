"""Admin behaviour every content type shares: the review workflow (publishing/workflow.py) at
every door, status at a glance, and the publishers' queue "Awaiting review".

Who may publish is decided by the type's publish permission alone. Without it, the change form
shows the status and the publication date read-only (so a new record starts as a draft and a
posted status or date is ignored), and only "submit for review" is offered; the steps that need
it are neither offered nor run when posted by hand.

Saving the change form of a published record keeps the changes pending (publishing/staging.py)
until a publisher approves them on the revision's page (`<id>/pending/`), which also discards
them; `<id>/pending/preview/` shows staff the public page as it will look. A publisher may
instead choose "Save and publish now".
"""

from contextlib import nullcontext
from datetime import UTC

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, resolve, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.signals import send_content_changed
from core.translation_admin import TranslatedTextsAdmin

from . import history as versions
from . import staging
from .content import refresh_records, registered
from .duplicate import duplicate_selected
from .history_admin import HistoryAdminMixin
from .models import AwaitingReview, Status, StepKind, Transition, may_publish
from .workflow import STEPS, history, is_scheduled, record_change, take_step

SUBMIT_BUTTON = "_submit_for_review"
PUBLISH_NOW_BUTTON = "_publish_now"
APPROVE_BUTTON = "_approve"
DISCARD_BUTTON = "_discard"

DONE_MESSAGES = {
    "submit_for_review": lambda count: ngettext(
        "%d record submitted for review.", "%d records submitted for review.", count
    ),
    "publish": lambda count: ngettext("%d record published.", "%d records published.", count),
    "send_back": lambda count: ngettext(
        "%d record sent back to draft.", "%d records sent back to draft.", count
    ),
    "unpublish": lambda count: ngettext("%d record unpublished.", "%d records unpublished.", count),
}


def utc_text(moment):
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


class StepForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("Kept with the record's history, for the editors and the publishers."),
    )


class RevisionDecisionForm(StepForm):
    overwrite = forms.BooleanField(
        label=_("Yes, replace the newer live record with these changes"),
        required=False,
    )


class WorkflowCommentForm(forms.ModelForm):
    """Mixed into a content type's admin form: the comment that goes with a status change."""

    submitting = False  # set by PublishableAdmin.get_form from the button pressed
    # The data of the record's pending revision, which the change form shows (a GET).
    pending_data = None

    def __init__(self, data=None, files=None, *args, **kwargs):
        if data is None and self.pending_data is not None:
            data = self.pending_data
        super().__init__(data, files, *args, **kwargs)

    workflow_comment = forms.CharField(
        label=_("Comment for the review"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_(
            "Needed with “Save and submit for review”: what should the publishers look at? "
            "Kept with the record's history when its status changes."
        ),
    )

    def clean(self):
        cleaned_data = super().clean()
        if self.submitting and not (cleaned_data.get("workflow_comment") or "").strip():
            self.add_error(
                "workflow_comment", _("Say what the publishers should look at, for the review.")
            )
        return cleaned_data


class PublishableAdmin(TranslatedTextsAdmin, HistoryAdminMixin, admin.ModelAdmin):
    actions = ["submit_for_review", "publish", "send_back", "unpublish", duplicate_selected]
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "published_at"
    readonly_fields = ["created_at", "updated_at"]
    change_list_template = "admin/publishing/change_list.html"

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        # A type's own change form (admin/<app>/<model>/change_form.html) extends the one of
        # every content type, which is used when the type has none.
        opts = model._meta
        self.change_form_template = [
            f"admin/{opts.app_label}/{opts.model_name}/change_form.html",
            "admin/publishing/change_form.html",
        ]

    # Shown beside the status, in the fieldset that has it.
    workflow_fields = ["public_state", "review_history"]

    # --- Who may publish ----------------------------------------------------------------------
    def has_publish_permission(self, request):
        return may_publish(request.user, self.model)

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), *self.workflow_fields]
        if not self.has_publish_permission(request):
            fields += ["status", "published_at"]
        return fields

    def may_comment(self, request, obj):
        if obj is None:
            return self.has_add_permission(request)
        return self.has_change_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        extra = [*self.workflow_fields]
        if self.may_comment(request, obj):
            extra.append("workflow_comment")
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            if "status" in options.get("fields", ()):
                options = {**options, "fields": [*options["fields"], *extra]}
            fieldsets.append((name, options))
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        submitting = request.method == "POST" and SUBMIT_BUTTON in request.POST
        kwargs["form"] = type(
            self.form.__name__, (WorkflowCommentForm, self.form), {"submitting": submitting}
        )
        form_class = super().get_form(request, obj, change, **kwargs)
        revision = self.shown_revision(request, obj)
        if revision is not None:
            form_class.pending_data = shown_data(form_class, obj, revision)
        return form_class

    def get_formset_kwargs(self, request, obj, inline, prefix):
        params = super().get_formset_kwargs(request, obj, inline, prefix)
        revision = self.shown_revision(request, obj)
        if revision is not None and f"{prefix}-TOTAL_FORMS" in revision.data:
            params["data"] = staging.posted_data(revision)
        return params

    # --- Changes to a published record: pending until approved ---------------------------------
    def form_context(self, request, object_id):
        """What the change form's data is read in (EventAdmin: the event's own time zone)."""
        return nullcontext()

    def shown_revision(self, request, obj):
        """The pending revision the change form shows instead of the live record (on a GET)."""
        if request.method != "GET" or obj is None or obj.pk is None:
            return None
        cached = getattr(request, "_shown_revision", None)
        if cached is None or cached[0] != (type(obj), obj.pk):
            cached = ((type(obj), obj.pk), staging.pending_revision(obj))
            request._shown_revision = cached
        return cached[1]

    def publishing_now(self, request):
        return PUBLISH_NOW_BUTTON in request.POST and self.has_publish_permission(request)

    def stages(self, request, obj, change):
        """Saving this form keeps the changes pending: the record is published, and neither is
        this an approved revision being saved nor a publisher's "Save and publish now"."""
        if not change or getattr(request, "replaying_revision", None) is not None:
            return False
        stored = type(obj)._base_manager.filter(pk=obj.pk).values_list("status", flat=True)
        if stored.first() != Status.PUBLISHED:
            return False
        return not self.publishing_now(request)

    def staged(self, request):
        """The pending revision this request's save made, instead of saving the record."""
        return getattr(request, "staged_revision", None)

    def get_list_display(self, request):
        # The status column says when a published record is scheduled for later.
        return [
            "publication_state" if name == "status" else name
            for name in super().get_list_display(request)
        ]

    # --- The change form ----------------------------------------------------------------------
    def save_model(self, request, obj, form, change):
        model = type(obj)
        comment = form.cleaned_data.get("workflow_comment", "").strip()
        if self.stages(request, obj, change):
            request.staged_revision = staging.stage(
                obj, request=request, form=form, comment=comment
            )
            return
        before = Status.DRAFT
        if change:
            before = model._base_manager.filter(pk=obj.pk).values_list("status", flat=True).get()
        submitted = SUBMIT_BUTTON in request.POST and obj.status == Status.DRAFT
        if submitted:
            obj.status = Status.IN_REVIEW
        super().save_model(request, obj, form, change)
        if getattr(request, "replaying_revision", None) is not None:
            return  # staging.approve() records the step
        record_change(obj, before, user=request.user, comment=comment)
        if change and before == Status.PUBLISHED and self.publishing_now(request):
            Transition.objects.create(
                content_type=ContentType.objects.get_for_model(model),
                object_id=obj.pk,
                from_status=before,
                to_status=obj.status,
                kind=StepKind.PUBLISHED_NOW,
                comment=comment,
                user=request.user,
            )
        if change:
            # The form showed the pending revision's values: they are saved now.
            staging.superseded(obj)
        if submitted:
            self.message_user(
                request, _("Submitted for review: the publishers are told."), messages.SUCCESS
            )

    def construct_change_message(self, request, form, formsets, add=False):
        if self.staged(request) is not None:
            return ""  # the formsets saved nothing: log_change says what happened
        return super().construct_change_message(request, form, formsets, add)

    def log_change(self, request, obj, message):
        if self.staged(request) is not None:
            message = _("Saved changes pending approval.")
        return super().log_change(request, obj, message)

    def response_change(self, request, obj):
        if self.staged(request) is None:
            return super().response_change(request, obj)
        self.message_user(
            request,
            _(
                "Your changes are saved and wait for a publisher's approval: until then the "
                "public sees the record as it was."
            ),
            messages.SUCCESS,
        )
        if "_continue" in request.POST:
            return HttpResponseRedirect(request.path)
        return self.response_post_save_change(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["show_submit_for_review"] = self.may_comment(request, obj) and (
            obj is None or obj.status == Status.DRAFT
        )
        context["submit_for_review_name"] = SUBMIT_BUTTON
        if change and obj is not None:
            live = type(obj)._base_manager.filter(pk=obj.pk, status=Status.PUBLISHED).exists()
            revision = staging.pending_revision(obj)
            publisher = self.has_publish_permission(request)
            context.update(
                record_is_live=live,
                pending_revision=revision,
                show_publish_now=live and publisher and self.may_comment(request, obj),
                publish_now_name=PUBLISH_NOW_BUTTON,
                may_review_revision=publisher,
            )
            if revision is not None:
                context.update(
                    pending_uploads=staging.uploads_of(revision),
                    pending_preview_url=self.pending_url(obj, "pending_preview"),
                    pending_review_url=self.pending_url(obj, "pending"),
                )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changelist_view(self, request, extra_context=None):
        if self.has_publish_permission(request):
            extra_context = {
                **(extra_context or {}),
                "review_queue_url": reverse(
                    "admin:publishing_awaitingreview_changelist", current_app=self.admin_site.name
                ),
            }
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("status"), ordering="status")
    def publication_state(self, obj):
        if is_scheduled(obj):
            return _("Scheduled for %(when)s") % {"when": utc_text(obj.published_at)}
        return obj.get_status_display()

    @admin.display(description=_("on the public site"))
    def public_state(self, obj):
        if obj is None or obj.pk is None or obj.status != Status.PUBLISHED:
            return _("No: not published.")
        if is_scheduled(obj):
            return _("Scheduled for %(when)s") % {"when": utc_text(obj.published_at)}
        return _("Yes, since %(when)s") % {"when": utc_text(obj.published_at)}

    @admin.display(description=_("review history"))
    def review_history(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        steps = list(history(obj))
        if not steps:
            return _("No change of status recorded yet.")
        return format_html(
            '<ol class="review-history">{}</ol>',
            format_html_join(
                "",
                "<li><strong>{}</strong>, {}, {}{}</li>",
                (
                    (
                        str(step),
                        step.user_name,
                        utc_text(step.created_at),
                        format_html(": “{}”", step.comment) if step.comment else "",
                    )
                    for step in steps
                ),
            ),
        )

    # --- A pending revision: preview, approve, discard --------------------------------------------
    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/pending/",
                self.admin_site.admin_view(self.pending_revision_view),
                name="{}_{}_pending".format(*info),
            ),
            path(
                "<path:object_id>/pending/preview/",
                self.admin_site.admin_view(self.pending_preview_view),
                name="{}_{}_pending_preview".format(*info),
            ),
            *super().get_urls(),
        ]

    def pending_url(self, record, name):
        info = self.opts.app_label, self.opts.model_name
        return reverse(
            "admin:{}_{}_{}".format(*info, name), args=[record.pk], current_app=self.admin_site.name
        )

    def record_and_revision(self, request, object_id):
        record = self.get_object(request, unquote(object_id))
        if record is None:
            raise Http404(_("No such record."))
        revision = staging.pending_revision(record)
        return record, revision

    def pending_changes(self, request, record, revision):
        """What approving the revision would change, field by field, as the history shows a
        version: the revision applied in a transaction that is rolled back."""
        current = versions.current_snapshot(record)
        fresh = type(record)._base_manager.get(pk=record.pk)
        applied, _errors = staging.render_applied(
            self, request, fresh, revision, versions.current_snapshot
        )
        if applied is None:
            return []
        return versions.diff(current, applied, versions.Names([current, applied]))

    def pending_revision_view(self, request, object_id):
        """A publisher approves or discards the record's pending revision, with a comment."""
        if not self.has_publish_permission(request):
            raise PermissionDenied
        record, revision = self.record_and_revision(request, object_id)
        change_url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=[record.pk],
            current_app=self.admin_site.name,
        )
        if revision is None:
            self.message_user(request, _("This record has no pending changes."), messages.WARNING)
            return HttpResponseRedirect(change_url)
        form = RevisionDecisionForm(request.POST if request.method == "POST" else None)
        conflict = staging.has_conflict(record, revision)
        errors = []
        if form.is_valid():
            comment = form.cleaned_data["comment"]
            if DISCARD_BUTTON in request.POST:
                staging.discard(self.model, record, user=request.user, comment=comment)
                self.message_user(
                    request,
                    _("The pending changes were discarded; the live record is as it was."),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(change_url)
            if APPROVE_BUTTON in request.POST:
                outcome = staging.approve(
                    self,
                    request,
                    record.pk,
                    comment=comment,
                    overwrite=form.cleaned_data["overwrite"],
                )
                if outcome.done:
                    self.message_user(
                        request, _("The changes are approved and public."), messages.SUCCESS
                    )
                    return HttpResponseRedirect(change_url)
                if outcome.conflict:
                    form.add_error(
                        "overwrite",
                        _("The live record changed after these changes were made: confirm."),
                    )
                errors = outcome.errors
        context = {
            **self.admin_site.each_context(request),
            "title": _("Pending changes to “%(title)s”") % {"title": record},
            "subtitle": None,
            "opts": self.opts,
            "original": record,
            "revision": revision,
            "form": form,
            "conflict": conflict,
            "replay_errors": errors,
            "changes": self.pending_changes(request, record, revision),
            "uploads": staging.uploads_of(revision),
            "change_url": change_url,
            "preview_url": self.pending_url(record, "pending_preview"),
            "approve_name": APPROVE_BUTTON,
            "discard_name": DISCARD_BUTTON,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/publishing/pending_revision.html", context)

    def pending_preview_view(self, request, object_id):
        """The public page as it will look with the pending revision, for staff: the revision is
        applied in a transaction that is rolled back, with every signal held."""
        record, revision = self.record_and_revision(request, object_id)
        if not self.has_view_or_change_permission(request, record):
            raise PermissionDenied
        if revision is None:
            raise Http404(_("This record has no pending changes."))

        def render(applied):
            match = resolve(applied.get_absolute_url())
            request.pending_revision = revision
            response = match.func(request, *match.args, **match.kwargs)
            if hasattr(response, "render"):
                response.render()
            return response

        response, errors = staging.render_applied(self, request, record, revision, render)
        if response is None:
            self.message_user(
                request,
                _("These changes can no longer be applied as they are: %(errors)s")
                % {"errors": " ".join(errors)},
                messages.ERROR,
            )
            return HttpResponseRedirect(self.pending_url(record, "pending"))
        add_never_cache_headers(response)
        return response

    # --- The steps, from the list -------------------------------------------------------------
    def take_step_from_list(self, request, queryset, name):
        """Like Django's "delete selected": a page that lists the records, asks for the comment
        and takes the step once confirmed."""
        step = STEPS[name]
        form = StepForm(request.POST if request.POST.get("post") else None)
        if form.is_valid():
            moved = take_step(
                self.model,
                list(queryset.values_list("pk", flat=True)),
                step,
                user=request.user,
                comment=form.cleaned_data["comment"],
            )
            self.message_user(
                request, DONE_MESSAGES[name](len(moved)) % len(moved), messages.SUCCESS
            )
            return None
        records = list(queryset.only("pk", "title", "status", "published_at"))
        context = {
            **self.admin_site.each_context(request),
            "title": step.title,
            "subtitle": None,
            "opts": self.opts,
            "step": step,
            "form": form,
            "records": [record for record in records if record.status in step.sources],
            "left_out": [record for record in records if record.status not in step.sources],
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/publishing/confirm_step.html", context)

    @admin.action(description=STEPS["submit_for_review"].label, permissions=["change"])
    def submit_for_review(self, request, queryset):
        return self.take_step_from_list(request, queryset, "submit_for_review")

    @admin.action(description=STEPS["publish"].label, permissions=["publish"])
    def publish(self, request, queryset):
        return self.take_step_from_list(request, queryset, "publish")

    @admin.action(description=STEPS["send_back"].label, permissions=["publish"])
    def send_back(self, request, queryset):
        return self.take_step_from_list(request, queryset, "send_back")

    @admin.action(description=STEPS["unpublish"].label, permissions=["publish"])
    def unpublish(self, request, queryset):
        return self.take_step_from_list(request, queryset, "unpublish")

    def save_related(self, request, form, formsets, change):
        if self.staged(request) is not None:
            return  # nothing of the record is saved until the revision is approved
        super().save_related(request, form, formsets, change)
        form.instance.links_saved()
        # Inlines and many-to-many fields are saved after the record, and an inline may have
        # deleted a part (which sends no signal): index the record as it now is, and say so.
        record = form.instance
        refresh_records(type(record), [record.pk])
        send_content_changed(type(record))

    @admin.display(description=_("preview"))
    def image_preview(self, obj):
        if not obj.image:
            return _("No image yet.")
        return format_html(
            '<img src="{}" alt="{}" width="240" loading="lazy">', obj.image.url, obj.image_alt
        )


def shown_data(form_class, record, revision):
    """The revision's data for the change form of `form_class`: the fields the author's form did
    not have (a publisher's status and date, when an editor made the changes) with the live
    record's values, as its widgets would post them."""
    data = staging.posted_data(revision).copy()
    live = form_class(instance=record)
    for name in live.fields:
        if name in revision.fields or name == "workflow_comment":
            continue
        bound_field = live[name]
        widget = bound_field.field.widget
        value = bound_field.value()
        if isinstance(widget, forms.MultiWidget):
            parts = value if isinstance(value, list | tuple) else widget.decompress(value)
            for suffix, subwidget, part in zip(
                widget.widgets_names, widget.widgets, parts, strict=False
            ):
                formatted = subwidget.format_value(part)
                data.setlist(f"{bound_field.html_name}{suffix}", [formatted or ""])
        elif isinstance(widget, forms.CheckboxInput):
            data.setlist(bound_field.html_name, ["on"] if widget.check_test(value) else [])
        else:
            formatted = widget.format_value(value)
            if isinstance(formatted, list):
                data.setlist(bound_field.html_name, [str(item) for item in formatted])
            else:
                data.setlist(bound_field.html_name, ["" if formatted is None else formatted])
    data._mutable = False
    return data


def awaiting_review(contents):
    """The records in review of these content types, the longest waiting first, each with who
    submitted it, when and with what comment: one query per type."""
    rows = []
    for content in contents:
        model = content.model
        submissions = Transition.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id=OuterRef("pk"),
            to_status=Status.IN_REVIEW,
        ).order_by("-created_at", "-pk")

        def latest(field, submissions=submissions):
            return Subquery(submissions.values(field)[:1])

        records = (
            model._base_manager.filter(status=Status.IN_REVIEW)
            .only("pk", "title", "slug", "updated_at")
            .annotate(
                submitted_at=latest("created_at"),
                submitted_comment=latest("comment"),
                submitter_username=latest("user__username"),
                submitter_first_name=latest("user__first_name"),
                submitter_last_name=latest("user__last_name"),
            )
        )
        meta = model._meta
        for record in records:
            full_name = f"{record.submitter_first_name or ''} {record.submitter_last_name or ''}"
            rows.append(
                {
                    "title": record.title,
                    "type": content.label,
                    "submitter": full_name.strip() or record.submitter_username or "—",
                    "submitted_at": record.submitted_at or record.updated_at,
                    "comment": record.submitted_comment or "",
                    "change_url": reverse(
                        f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk]
                    ),
                    "preview_url": record.get_absolute_url(),
                    # The list's steps (publish, send back) start from a post to the list.
                    "changelist_url": reverse(
                        f"admin:{meta.app_label}_{meta.model_name}_changelist"
                    ),
                    "pk": record.pk,
                }
            )
        rows.extend(pending_changes(content))
    return sorted(rows, key=lambda row: row["submitted_at"])


def pending_changes(content):
    """The rows of the queue for the changes waiting on published records of one type."""
    model, meta = content.model, content.model._meta
    revisions = staging.pending_revisions(model)
    records = model._base_manager.filter(pk__in=list(revisions)).only("pk", "title", "slug")
    rows = []
    for record in records:
        revision = revisions[record.pk]
        rows.append(
            {
                "title": record.title,
                "type": content.label,
                "live_changes": True,
                "submitter": revision.author_name,
                "submitted_at": revision.created_at,
                "comment": revision.comment,
                "change_url": reverse(
                    f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk]
                ),
                "preview_url": reverse(
                    f"admin:{meta.app_label}_{meta.model_name}_pending_preview", args=[record.pk]
                ),
                "review_url": reverse(
                    f"admin:{meta.app_label}_{meta.model_name}_pending", args=[record.pk]
                ),
                "pk": record.pk,
            }
        )
    return rows


@admin.register(AwaitingReview)
class AwaitingReviewAdmin(admin.ModelAdmin):
    """The publishers' queue: everything in review, of every type they may publish."""

    def publishable_contents(self, request):
        return [content for content in registered() if may_publish(request.user, content.model)]

    def has_module_permission(self, request):
        return bool(self.publishable_contents(request))

    def has_view_permission(self, request, obj=None):
        return obj is None and self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_changelist"
        return [path("", self.admin_site.admin_view(self.changelist_view), name=name)]

    def changelist_view(self, request, extra_context=None):
        contents = self.publishable_contents(request)
        if not contents:
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Awaiting review"),
            "subtitle": None,
            "opts": self.opts,
            "rows": awaiting_review(contents),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            # Each asks for the comment on the next page before anything changes.
            "review_steps": [("publish", _("Publish…")), ("send_back", _("Send back…"))],
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/publishing/awaiting_review.html", context)

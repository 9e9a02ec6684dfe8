"""Admin behaviour every content type shares: the review workflow (publishing/workflow.py) at
every door, status at a glance, and the publishers' queue "Awaiting review".

Who may publish is decided by the type's publish permission alone. Without it, the change form
shows the status and the publication date read-only (so a new record starts as a draft and a
posted status or date is ignored), and only "submit for review" is offered; the steps that need
it are neither offered nor run when posted by hand.
"""

from datetime import UTC

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.signals import send_content_changed

from .content import content_for, registered
from .duplicate import duplicate_selected
from .history_admin import HistoryAdminMixin
from .models import AwaitingReview, Status, Transition
from .workflow import STEPS, can_publish, history, is_scheduled, record_change, take_step

SUBMIT_BUTTON = "_submit_for_review"

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


class WorkflowCommentForm(forms.ModelForm):
    """Mixed into a content type's admin form: the comment that goes with a status change."""

    submitting = False  # set by PublishableAdmin.get_form from the button pressed

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


class PublishableAdmin(HistoryAdminMixin, admin.ModelAdmin):
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
        return can_publish(request.user, self.model)

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
        return super().get_form(request, obj, change, **kwargs)

    def get_list_display(self, request):
        # The status column says when a published record is scheduled for later.
        return [
            "publication_state" if name == "status" else name
            for name in super().get_list_display(request)
        ]

    # --- The change form ----------------------------------------------------------------------
    def save_model(self, request, obj, form, change):
        model = type(obj)
        before = Status.DRAFT
        if change:
            before = model._base_manager.filter(pk=obj.pk).values_list("status", flat=True).get()
        submitted = SUBMIT_BUTTON in request.POST and obj.status == Status.DRAFT
        if submitted:
            obj.status = Status.IN_REVIEW
        super().save_model(request, obj, form, change)
        comment = form.cleaned_data.get("workflow_comment", "").strip()
        record_change(obj, before, user=request.user, comment=comment)
        if submitted:
            self.message_user(
                request, _("Submitted for review: the publishers are told."), messages.SUCCESS
            )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["show_submit_for_review"] = self.may_comment(request, obj) and (
            obj is None or obj.status == Status.DRAFT
        )
        context["submit_for_review_name"] = SUBMIT_BUTTON
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
                "<li><strong>{} → {}</strong>, {}, {}{}</li>",
                (
                    (
                        step.get_from_status_display(),
                        step.get_to_status_display(),
                        step.user_name,
                        utc_text(step.created_at),
                        format_html(": “{}”", step.comment) if step.comment else "",
                    )
                    for step in steps
                ),
            ),
        )

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
        super().save_related(request, form, formsets, change)
        # Inlines and many-to-many fields are saved after the record, and an inline may have
        # deleted a part (which sends no signal): index the record as it now is, and say so.
        record = form.instance
        content_for(type(record)).refresh_index(type(record)._base_manager.filter(pk=record.pk))
        send_content_changed(type(record))

    @admin.display(description=_("preview"))
    def image_preview(self, obj):
        if not obj.image:
            return _("No image yet.")
        return format_html(
            '<img src="{}" alt="{}" width="240" loading="lazy">', obj.image.url, obj.image_alt
        )


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
    return sorted(rows, key=lambda row: row["submitted_at"])


@admin.register(AwaitingReview)
class AwaitingReviewAdmin(admin.ModelAdmin):
    """The publishers' queue: everything in review, of every type they may publish."""

    def publishable_contents(self, request):
        return [content for content in registered() if can_publish(request.user, content.model)]

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

"""The events admin: events with their registration figures, and the registrations themselves.

An event's start, end and registration dates are entered and shown in the event's own time zone
(EventAdmin.changeform_view). A registration's status changes only through the actions here,
which go through services.py so the capacity rule and the waiting list hold.
"""

import csv
import zoneinfo
from datetime import UTC

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_permission_codename
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin_labels import LabelledDateTimesAdmin
from publishing.admin import PublishableAdmin
from publishing.spreadsheet_admin import SpreadsheetAdminMixin
from taxonomy.admin import URL_FIELDS_ASSUME_HTTPS

from . import privacy, services
from .models import (
    DatePrecision,
    Event,
    Registration,
    RegistrationStatus,
    time_zone_choices,
    time_zone_names,
)
from .resources import EventResource
from .times import zone_label

# Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_csv_cell(value):
    """The cell as text, with a leading apostrophe when a spreadsheet would evaluate it."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(CSV_FORMULA_STARTS) else text


class StartYearListFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = Event.objects.datetimes("starts_at", "year", order="DESC")
        return [(str(moment.year), str(moment.year)) for moment in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(starts_at__year=int(self.value()))
        return queryset


class RegistrationInline(admin.TabularInline):
    """Who registered, read-only: staff change registrations through the registration actions.
    Shown only to staff who may see registrations (the inline's own permission checks)."""

    model = Registration
    fields = [
        "registrant",
        "email",
        "organisation",
        "country",
        "status",
        "created_at",
        "confirmed_at",
    ]
    readonly_fields = fields
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("country")

    @admin.display(description=_("name"))
    def registrant(self, obj):
        return obj.registrant


@admin.register(Event)
class EventAdmin(SpreadsheetAdminMixin, LabelledDateTimesAdmin, PublishableAdmin):
    resource_classes = [EventResource]
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    ordering = ["-starts_at", "title"]  # the coming and most recent events first
    list_display = [
        "title",
        "kind",
        "start",
        "format",
        "status",
        "places",
        "waitlisted",
        "pending",
    ]
    list_filter = [
        "status",
        "kind",
        "format",
        "is_cancelled",
        "registration_enabled",
        StartYearListFilter,
        ("country", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["title", "summary", "city"]
    autocomplete_fields = ["parent", "country", "organisers", "initiatives", "sources"]
    readonly_fields = [*PublishableAdmin.readonly_fields, "image_preview"]
    inlines = [RegistrationInline]
    # As an event is told: what, when, where, what it is about and who organises it, who may
    # come, then what classifies, illustrates and sources it. Who registered (the inline) follows
    # "Registration": templates/admin/events/event/change_form.html names its place.
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "summary", "parent"]}),
        (
            _("When"),
            {
                "description": _(
                    "Dates and times are in the event's time zone. When you change the time "
                    "zone, the times on this page are read in the new one as you save."
                ),
                "fields": [
                    ("starts_at", "ends_at"),
                    "time_zone",
                    "date_precision",
                    "annual",
                ],
            },
        ),
        (
            _("Where"),
            {"fields": ["format", "venue", "city", "country", "online_url", "recording_url"]},
        ),
        (_("About"), {"fields": ["description", "organisers"]}),
        (
            _("Registration"),
            {
                "description": _(
                    "Dates and times are in the event's time zone. Raising the capacity gives "
                    "the new places to the waiting list, in order, as you save."
                ),
                "fields": [
                    "registration_enabled",
                    ("registration_opens_at", "registration_closes_at"),
                    "capacity",
                    "waiting_list",
                    "is_cancelled",
                ],
            },
        ),
        (_("Topics and related case studies"), {"fields": ["themes", "sdgs", "initiatives"]}),
        (_("Image"), {"fields": ["image", "image_alt", "image_preview"]}),
        (_("Sources"), {"fields": ["sources", "source_note"]}),
        (_("Publishing"), {"fields": ["status", "published_at"]}),
        (_("Advanced"), {"classes": ["collapse"], "fields": ["created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_registration_counts()

    def get_inlines(self, request, obj):
        # A new event has nobody registered yet.
        return self.inlines if obj is not None else []

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "time_zone":
            kwargs["widget"] = forms.Select(choices=time_zone_choices())
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "time_zone":
            # The CharField's maximum length: an attribute HTML has no place for on a <select>.
            formfield.widget.attrs.pop("maxlength", None)
        return formfield

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # Short, fixed vocabularies read best as checkboxes.
        if db_field.name in {"sdgs", "themes"}:
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    # --- The event's own time zone ------------------------------------------------------------
    def form_time_zone(self, request, object_id):
        """The zone the form's datetimes are read and shown in: the one being saved if valid,
        else the stored event's, else the default for new events."""
        posted = request.POST.get("time_zone") if request.method == "POST" else None
        if posted in time_zone_names():
            return posted
        if object_id is not None:
            event = self.get_object(request, unquote(object_id))
            if event is not None and event.time_zone in time_zone_names():
                return event.time_zone
        return Event._meta.get_field("time_zone").default

    def form_context(self, request, object_id):
        return timezone.override(zoneinfo.ZoneInfo(self.form_time_zone(request, object_id)))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with self.form_context(request, object_id):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            # Render here: the form shows its datetimes in the zone current at rendering.
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and self.staged(request) is None:  # a change held back frees no place yet
            self.fill_free_places(request, obj)

    def after_restore(self, request, record):
        # A restored version may give more places, or open the waiting list, as a save does.
        self.fill_free_places(request, record)

    def fill_free_places(self, request, obj):
        # A raised capacity, an opened waiting list or a place left free: fill it now.
        promoted = services.promote_after_capacity_change(obj.pk)
        if promoted:
            self.message_user(
                request,
                ngettext(
                    "%(count)d person on the waiting list was given a place and told by e-mail.",
                    "%(count)d people on the waiting list were given a place and told by e-mail.",
                    len(promoted),
                )
                % {"count": len(promoted)},
                messages.SUCCESS,
            )
        confirmed = services.confirmed_count(obj)
        if obj.capacity is not None and confirmed > obj.capacity:
            self.message_user(
                request,
                _(
                    "%(confirmed)d places are confirmed, more than the capacity of %(capacity)d. "
                    "Nobody's place was taken away."
                )
                % {"confirmed": confirmed, "capacity": obj.capacity},
                messages.WARNING,
            )

    # --- Columns ------------------------------------------------------------------------------
    @admin.display(description=_("starts"), ordering="starts_at")
    def start(self, obj):
        start = obj.local_start
        if obj.date_precision == DatePrecision.MONTH:
            return f"{start:%Y-%m}"
        if obj.date_precision == DatePrecision.DAY:
            return f"{start:%Y-%m-%d}"
        return f"{start:%Y-%m-%d %H:%M} {zone_label(obj.time_zone)}"

    @admin.display(description=_("confirmed / capacity"), ordering="confirmed_count")
    def places(self, obj):
        capacity = "—" if obj.capacity is None else obj.capacity
        return f"{obj.confirmed_count} / {capacity}"

    @admin.display(description=_("waiting list"), ordering="waitlisted_count")
    def waitlisted(self, obj):
        return obj.waitlisted_count

    @admin.display(description=_("unconfirmed"), ordering="pending_count")
    def pending(self, obj):
        return obj.pending_count


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = [
        "registrant",
        "email",
        "organisation",
        "country",
        "event",
        "status",
        "created_at",
        "last_email_at",
        "email_delivered",
    ]
    list_filter = [
        "status",
        ("event", admin.RelatedOnlyFieldListFilter),
        ("country", admin.RelatedOnlyFieldListFilter),
        ("erased_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["name", "email", "organisation"]
    list_select_related = ["event", "country"]
    actions = ["resend_email", "cancel_registrations", "erase_personal_data", "export_csv"]
    fieldsets = [
        (
            None,
            {
                "description": _(
                    "A registration changes only through the actions on the list of "
                    "registrations (resend the e-mail, cancel), so that places and the waiting "
                    "list stay right."
                ),
                "fields": ["event", "registrant", "email", "organisation", "country", "status"],
            },
        ),
        (
            _("Dates"),
            {
                "fields": [
                    "consented_at",
                    "created_at",
                    "confirmed_at",
                    "waitlisted_at",
                    "cancelled_at",
                    "erased_at",
                ]
            },
        ),
        (_("E-mail"), {"fields": ["last_email_at", "last_email_error"]}),
    ]
    readonly_fields = [field for _title, options in fieldsets for field in options["fields"]]

    def has_add_permission(self, request):
        # People register on the event's page, agreeing to the privacy notice.
        return False

    def delete_model(self, request, obj):
        self.delete_queryset(request, Registration.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        """Deleting (e.g. to honour an erasure request) first cancels through the registration
        rules, so that a confirmed place it frees goes to the waiting list."""
        for pk in queryset.exclude(status=RegistrationStatus.CANCELLED).values_list(
            "pk", flat=True
        ):
            services.cancel(pk, notify=False)
        queryset.delete()

    def has_export_permission(self, request):
        codename = get_permission_codename("export", self.opts)
        return request.user.has_perm(f"{self.opts.app_label}.{codename}")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Every field is read-only: there is nothing to save.
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("name"), ordering="name")
    def registrant(self, obj):
        return obj.registrant

    @admin.display(description=_("e-mail delivered"), boolean=True)
    def email_delivered(self, obj):
        if obj.last_email_error:
            return False
        return True if obj.last_email_at else None

    # --- Actions ------------------------------------------------------------------------------
    @admin.action(description=_("Resend the e-mail"), permissions=["change"])
    def resend_email(self, request, queryset):
        erased = queryset.filter(erased_at__isnull=False).count()
        if erased:
            self.message_user(
                request,
                ngettext(
                    "%(count)d registration is erased: it has no address to write to.",
                    "%(count)d registrations are erased: they have no address to write to.",
                    erased,
                )
                % {"count": erased},
                messages.WARNING,
            )
        queryset = queryset.filter(erased_at__isnull=True)
        results = [services.resend(registration) for registration in queryset]
        sent, failed = results.count(True), results.count(False)
        self.message_user(
            request,
            ngettext("%(count)d e-mail sent.", "%(count)d e-mails sent.", sent) % {"count": sent},
            messages.SUCCESS,
        )
        if failed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d e-mail failed; the error is kept on the registration.",
                    "%(count)d e-mails failed; the errors are kept on the registrations.",
                    failed,
                )
                % {"count": failed},
                messages.ERROR,
            )

    @admin.action(description=_("Cancel (promotes from the waiting list)"), permissions=["change"])
    def cancel_registrations(self, request, queryset):
        cancelled = promoted = 0
        for pk in queryset.values_list("pk", flat=True):
            result = services.cancel(pk)
            if result.outcome == services.Outcome.CANCELLED:
                cancelled += 1
                promoted += len(result.promoted)
        self.message_user(
            request,
            ngettext(
                "%(count)d registration cancelled.", "%(count)d registrations cancelled.", cancelled
            )
            % {"count": cancelled}
            + " "
            + ngettext(
                "%(count)d person promoted from the waiting list.",
                "%(count)d people promoted from the waiting list.",
                promoted,
            )
            % {"count": promoted},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Erase personal data (cancels, promotes from the waiting list)"),
        permissions=["change"],
    )
    def erase_personal_data(self, request, queryset):
        """For a request made by letter or e-mail: as the registrant's own "delete my data"."""
        erased = 0
        for pk in queryset.filter(erased_at__isnull=True).values_list("pk", flat=True):
            privacy.delete_my_data(pk)
            erased += 1
        self.message_user(
            request,
            ngettext(
                "The personal data of %(count)d registration was erased.",
                "The personal data of %(count)d registrations was erased.",
                erased,
            )
            % {"count": erased},
            messages.SUCCESS,
        )

    @admin.action(description=_("Export to CSV"), permissions=["export"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        filename = f"registrations-{timezone.now():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response.write("\ufeff")  # the BOM tells spreadsheets the file is UTF-8
        writer = csv.writer(response)
        writer.writerow(
            [
                _("event"),
                _("name"),
                _("e-mail"),
                _("organisation"),
                _("country"),
                _("status"),
                _("registered (UTC)"),
                _("confirmed (UTC)"),
                _("agreed to the privacy notice (UTC, ISO 8601)"),
                _("personal data erased (UTC, ISO 8601)"),
            ]
        )
        registrations = queryset.select_related("event", "country").order_by(
            "event__starts_at", "event__title", "created_at", "pk"
        )
        for registration in registrations:
            row = [
                registration.event.title,
                registration.registrant,
                registration.email,
                registration.organisation,
                registration.country.name if registration.country else "",
                registration.get_status_display(),
                utc_text(registration.created_at),
                utc_text(registration.confirmed_at),
                utc_iso(registration.consented_at),
                utc_iso(registration.erased_at),
            ]
            writer.writerow([neutralise_csv_cell(cell) for cell in row])
        return response


def utc_text(moment):
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M}" if moment else ""


def utc_iso(moment):
    """ISO 8601 in UTC to the second, e.g. 2026-12-02T09:30:05Z."""
    return f"{moment.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}" if moment else ""

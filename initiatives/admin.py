from django import forms
from django.contrib import admin
from django.db.models import Prefetch
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from core.admin_labels import LabelledCellsInline, LabelledDateTimesAdmin
from core.translation_admin import TranslatedTextsAdmin
from core.widgets import GroupedCheckboxes, grouped_choices
from publishing.admin import PublishableAdmin
from publishing.spreadsheet_admin import SpreadsheetAdminMixin
from taxonomy.models import Region, SDGTarget

from .models import CooperationForm, Initiative, InitiativeCountry, InitiativeOrganisation
from .resources import InitiativeResource


class InitiativeCountryInline(LabelledCellsInline, admin.TabularInline):
    model = InitiativeCountry
    extra = 1
    autocomplete_fields = ["country"]


class InitiativeOrganisationInline(LabelledCellsInline, admin.TabularInline):
    model = InitiativeOrganisation
    extra = 1
    autocomplete_fields = ["organisation"]


class TargetChoices(ModelChoiceIterator):
    """The 169 targets grouped by goal, each named "8.2 — text" (one query)."""

    def __iter__(self):
        yield from grouped_choices(self.queryset, lambda target: str(target.goal), self.choice)

    def __len__(self):
        return self.queryset.count()


class TargetsField(forms.ModelMultipleChoiceField):
    iterator = TargetChoices

    def label_from_instance(self, target):
        return target.label()


class RegionListFilter(admin.SimpleListFilter):
    """Case studies in a region or anywhere inside it, through their countries or named regions."""

    title = _("region")
    parameter_name = "region"

    def lookups(self, request, model_admin):
        return [
            (region.slug, "\u2003" * (region.level - 1) + region.name)
            for region in Region.objects.only("slug", "name", "level")
        ]

    def queryset(self, request, queryset):
        region = Region.objects.filter(slug=self.value()).first() if self.value() else None
        if region is None:
            return queryset
        return queryset.in_region(region)


@admin.register(Initiative)
class InitiativeAdmin(SpreadsheetAdminMixin, LabelledDateTimesAdmin, PublishableAdmin):
    resource_classes = [InitiativeResource]
    list_display = ["title", "modality", "country_list", "status", "published_at", "featured"]
    list_filter = [
        "status",
        "modality",
        RegionListFilter,
        "themes",
        "sdgs",
        "project_status",
        "featured",
    ]
    search_fields = ["title", "summary", "countries__name"]
    autocomplete_fields = ["regions", "sources"]
    inlines = [InitiativeCountryInline, InitiativeOrganisationInline]
    readonly_fields = [*PublishableAdmin.readonly_fields, "image_preview"]
    # In the order a case study is told: what, where and who, the story, then what classifies,
    # illustrates and sources it. The inlines of countries and organisations follow "Where and
    # who": templates/admin/initiatives/initiative/change_form.html names its place.
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "modality", "featured"]}),
        (
            _("Where and who"),
            {
                "description": _(
                    "The countries with their roles and the organisations follow. Name regions "
                    "only where the sources name a region instead of countries."
                ),
                "fields": ["regions"],
            },
        ),
        (
            _("The good practice"),
            {"fields": ["challenge", "solution", "results", "replication"]},
        ),
        (_("Topics"), {"fields": ["themes", "sdgs", "targets", "cooperation_forms"]}),
        (
            _("Project"),
            {
                "fields": [
                    "project_status",
                    ("start_year", "end_year"),
                    ("budget_amount", "budget_currency"),
                    ("contact_name", "contact_email"),
                ]
            },
        ),
        (_("Image"), {"fields": ["image", "image_alt", "image_preview"]}),
        (_("Sources"), {"fields": ["sources", "source_note"]}),
        (_("Publishing"), {"fields": ["status", "published_at"]}),
        (
            _("Advanced"),
            {"classes": ["collapse"], "fields": ["created_at", "updated_at"]},
        ),
    ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # Short, fixed vocabularies read best as checkboxes.
        if db_field.name in {"sdgs", "themes", "cooperation_forms"}:
            kwargs["widget"] = forms.CheckboxSelectMultiple
        if db_field.name == "targets":
            # Grouped by goal, each goal a disclosure: 169 boxes would bury the rest of the form.
            kwargs["form_class"] = TargetsField
            kwargs["widget"] = GroupedCheckboxes
            kwargs["queryset"] = SDGTarget.objects.select_related("goal")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "targets":
            # Reference data, loaded from the official list: never added from a case study.
            field.widget.can_add_related = False
        return field

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "country_roles",
                    queryset=InitiativeCountry.objects.select_related("country").order_by(
                        "country__name"
                    ),
                )
            )
        )

    @admin.display(description=_("countries"))
    def country_list(self, obj):
        names = dict.fromkeys(link.country.name for link in obj.country_roles.all())
        return ", ".join(names) or "—"


@admin.register(CooperationForm)
class CooperationFormAdmin(TranslatedTextsAdmin, admin.ModelAdmin):
    list_display = ["name", "sort_order"]
    list_editable = ["sort_order"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ("name",)}

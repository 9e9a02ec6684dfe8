from django import forms
from django.contrib import admin
from django.db.models import Prefetch
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from core.admin_labels import (
    BlankLabelledAutocompleteSelect,
    LabelledCellsFormSet,
    LabelledCellsInline,
    LabelledDateTimesAdmin,
)
from core.translation_admin import TranslatedTextsAdmin
from core.widgets import GroupedCheckboxes, grouped_choices
from publishing.admin import PublishableAdmin
from publishing.spreadsheet_admin import SpreadsheetAdminMixin
from taxonomy.models import Region, SDGTarget

from . import lineage
from .models import (
    CooperationForm,
    Initiative,
    InitiativeCountry,
    InitiativeOrganisation,
    Replication,
)
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


class ReplicationFormSet(LabelledCellsFormSet):
    """One side of a case study's lineage: the links to where it was replicated (the inline of
    `origin`) or to what it replicates (the inline of `derived`). Refuses a link that would
    close a cycle, a case study building on its own replication, counting the other side's
    rows as the same form posts them."""

    # A form posts at most this many rows of the other side worth reading.
    MAX_OTHER_ROWS = 1000

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        this = self.instance.pk
        near = self.fk.name  # "origin": this case study is the origin of these rows
        far = "derived" if near == "origin" else "origin"
        rows = {}
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            other = form.cleaned_data.get(far)
            if other is not None:
                rows[other.pk] = form
        others = self.other_side(this, far)
        origins, derived = (others, set(rows)) if near == "origin" else (set(rows), others)
        above = Replication.objects.walk(list(origins), upward=True, avoid=this)
        below = Replication.objects.walk(list(derived), upward=False, avoid=this)
        bad_origins, bad_derived = lineage.cycle_closers(
            this,
            origins,
            derived,
            above.values_list("origin_id", "derived_id"),
            below.values_list("origin_id", "derived_id"),
        )
        for key in bad_derived if near == "origin" else bad_origins:
            form = rows[key]
            if key == this:
                message = _("A case study cannot replicate itself.")
            elif near == "origin":
                message = _(
                    "“%(title)s” is among the case studies this one builds on: it cannot also "
                    "build on this one."
                )
            else:
                message = _(
                    "“%(title)s” builds on this case study, directly or through others: this "
                    "case study cannot also build on it."
                )
            form.add_error(far, message % {"title": form.cleaned_data[far].title})

    def other_side(self, this, far):
        """The ids of the case studies on the lineage's other side, as this form posts them
        (the other inline), else as stored."""
        # The other inline's prefix is the name of its rows on the case study.
        prefix = Replication._meta.get_field(far).remote_field.get_accessor_name()
        try:
            total = int(self.data.get(f"{prefix}-TOTAL_FORMS", ""))
        except ValueError:
            total = None
        if total is None:
            if this is None:
                return set()
            stored = Replication.objects.filter(**{far: this})
            return set(stored.values_list(f"{self.fk.name}_id", flat=True))
        ids = set()
        for index in range(min(total, self.MAX_OTHER_ROWS)):
            if self.data.get(f"{prefix}-{index}-DELETE"):
                continue
            value = str(self.data.get(f"{prefix}-{index}-{self.fk.name}", ""))
            if value.isdigit():
                ids.add(int(value))
        return ids


class ReplicationInline(LabelledCellsInline, admin.TabularInline):
    model = Replication
    formset = ReplicationFormSet
    extra = 1
    show_change_link = True  # the note's translations are edited on the link's own page
    # After "The good practice", whose last text is the potential for replication
    # (templates/admin/includes/fieldsets_and_inlines.html).
    after_fieldset = 2

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "country":  # optional
            kwargs["widget"] = BlankLabelledAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReplicatedInInline(ReplicationInline):
    fk_name = "origin"
    fields = ["derived", "kind", "country", "year", "note"]
    autocomplete_fields = ["derived", "country"]
    verbose_name = _("replicated or adapted in")
    verbose_name_plural = _("replicated or adapted in")


class ReplicatesInline(ReplicationInline):
    fk_name = "derived"
    fields = ["origin", "kind", "country", "year", "note"]
    autocomplete_fields = ["origin", "country"]
    verbose_name = _("replicates or adapts")
    verbose_name_plural = _("replicates or adapts")


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
    inlines = [
        InitiativeCountryInline,
        InitiativeOrganisationInline,
        ReplicatesInline,
        ReplicatedInInline,
    ]
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


@admin.register(Replication)
class ReplicationAdmin(TranslatedTextsAdmin, admin.ModelAdmin):
    """A link's own page, reached from a case study's inlines: where its note is translated.
    Links are made and changed in the case studies' forms, which keep lineages free of
    cycles."""

    list_display = ["origin", "kind", "derived", "country", "year"]
    list_filter = ["kind"]
    search_fields = ["origin__title", "derived__title"]
    list_select_related = ["origin", "derived", "country"]
    fields = ["origin", "derived", "kind", "country", "year", "note"]
    readonly_fields = ["origin", "derived"]
    autocomplete_fields = ["country"]

    def has_add_permission(self, request):
        return False

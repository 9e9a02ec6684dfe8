"""Names for the admin's form controls that Django leaves without a label.

Django's date-and-time field puts two inputs under one <label> that points at neither, and a
tabular inline's cells have only their column's heading; screen readers then announce "edit
text" with no name (axe: "Form elements must have labels"). These give each such control an
aria-label from its field: "publication date: date", "role", "delete".
"""

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime, AutocompleteSelect
from django.db import models
from django.db.models import BLANK_CHOICE_DASH
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _


class LabelledSplitDateTime(AdminSplitDateTime):
    def __init__(self, label, attrs=None):
        super().__init__(attrs)
        self.widgets[0].attrs["aria-label"] = format_lazy("{}: {}", capfirst(label), _("date"))
        self.widgets[1].attrs["aria-label"] = format_lazy("{}: {}", capfirst(label), _("time"))


class LabelledDateTimesAdmin:
    """For a ModelAdmin: each date-and-time field's two inputs named after the field."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.DateTimeField) and "widget" not in kwargs:
            kwargs["widget"] = LabelledSplitDateTime(db_field.verbose_name)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class LabelledCellsFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        for name, field in form.fields.items():
            if field.widget.is_hidden:  # nothing to name, and HTML allows no aria-* on it
                continue
            if name == "DELETE":
                field.widget.attrs.setdefault("aria-label", capfirst(_("delete")))
            elif field.label:
                field.widget.attrs.setdefault("aria-label", capfirst(field.label))


class LabelledCellsInline:
    """For a TabularInline: every control of a row named after its column."""

    formset = LabelledCellsFormSet


class BlankLabelledAutocompleteSelect(AutocompleteSelect):
    """The admin's autocomplete of an optional foreign key, whose empty choice Django writes as
    an <option> with no text (invalid HTML): the choice reads "---------", as in a plain
    <select>."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        if value == "" and not label:
            label = BLANK_CHOICE_DASH[0][1]
        return super().create_option(name, value, label, selected, index, subindex, attrs)

"""Filters whose choices are records, loaded once per request or once per content version.

Django's ModelChoiceField queries twice: once to render the options and once more to look up
the submitted value. On a list page with several such filters that doubles their queries; the
fields here load their choices once (or take them from the process-wide choice cache) and
validate against what they loaded, so that a page's query count is the same whatever is chosen.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.forms.models import ModelChoiceIterator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import widgets
from .choice_cache import cached_choices
from .collation import in_order
from .widgets import grouped_choices


class ChoiceFilter(django_filters.ChoiceFilter):
    """One of fixed choices, offered as a <select> written in Python (widgets.Select), "Any"
    when none is chosen."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", _("Any"))
        kwargs.setdefault("widget", widgets.Select)
        super().__init__(*args, **kwargs)


class PreloadedChoiceIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.group_by is not None:
            yield from grouped_choices(self.field.objects(), self.field.group_by, self.choice)
            return
        for obj in self.field.objects():
            yield self.choice(obj)

    def __len__(self):
        if self.field.group_by is not None:
            return len(list(self))
        return len(self.field.objects()) + (self.field.empty_label is not None)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.field.objects())


class PreloadedModelChoiceField(forms.ModelChoiceField):
    """A model choice that loads its choices once and validates against them."""

    iterator = PreloadedChoiceIterator

    def __init__(self, *args, cache_as=None, group_by=None, label_from_instance=None, **kwargs):
        """`cache_as` names the choices in the process-wide choice cache (choice_cache.py);
        without it they are loaded once per request. With `group_by` (a function of a choice's
        object giving its group's label), the choices come in groups (<optgroup>s);
        `label_from_instance` names a choice otherwise than str()."""
        self._objects = None
        self.cache_as = cache_as
        self.group_by = group_by
        if label_from_instance is not None:
            self.label_from_instance = label_from_instance
        super().__init__(*args, **kwargs)

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result._objects = None
        return result

    def _set_queryset(self, queryset):
        self._objects = None
        super()._set_queryset(queryset)

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def objects(self):
        if self._objects is None:
            if self.cache_as:
                language = get_language()
                self._objects = cached_choices(
                    f"{self.cache_as}:{language}", lambda: self.in_order(self.queryset.all())
                )
            else:
                self._objects = self.in_order(self.queryset)
        return self._objects

    def in_order(self, objects):
        """The choices in the page language's alphabetical order when the model orders them by
        a name that is translated (countries, organisations); else in the model's order."""
        objects = list(objects)
        ordering = objects[0]._meta.ordering if objects else ()
        first = ordering[0] if ordering else None
        if first and first in getattr(type(objects[0]), "translated_fields", ()):
            return in_order(objects, lambda obj: self.label_from_instance(obj))
        return objects

    def to_python(self, value):
        if value in self.empty_values:
            return None
        key = self.to_field_name or "pk"
        for obj in self.objects():
            if str(getattr(obj, key)) == str(value):
                return obj
        raise ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class PreloadedModelChoiceFilter(django_filters.ModelChoiceFilter):
    """A filter by one record, offered as a <select> written in Python (widgets.Select)."""

    field_class = PreloadedModelChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", widgets.Select)
        super().__init__(*args, **kwargs)


class LinkedToFilter(PreloadedModelChoiceFilter):
    """Records linked to the chosen object through the many-to-many field `field_name`
    (themes, goals, publishers, ...), as one EXISTS over the link table: no join, so no record
    twice, and the planner may use the link table's index alone.

    Without a `queryset`, the choices are every object of the field's target model, in its
    default order."""

    def get_queryset(self, request):
        if self.queryset is None:
            field = self.model._meta.get_field(self.field_name)
            return field.related_model._default_manager.all()
        return super().get_queryset(request)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        field = qs.model._meta.get_field(self.field_name)
        links = field.remote_field.through.objects.filter(
            **{field.m2m_field_name(): OuterRef("pk"), field.m2m_reverse_field_name(): value}
        )
        return qs.filter(Exists(links))

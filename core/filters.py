"""Filters whose choices are records, loaded once per request or once per content version.

Django's ModelChoiceField queries twice: once to render the options and once more to look up
the submitted value. On a list page with several such filters that doubles their queries; the
fields here load their choices once (or take them from the process-wide choice cache) and
validate against what they loaded, so that a page's query count is the same whatever is chosen.
"""

import copy
from functools import partial

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.forms.models import ModelChoiceIterator
from django.http import QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import widgets
from .choice_cache import cached_choices, cached_reference, is_reference
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

    # A function giving the queryset afresh (a FilterSet's `queryset=callable`), for a field
    # made once per process: a queryset made once would keep the moment it was made, which
    # `published()` compares publication dates with.
    load_queryset = None

    def current_queryset(self):
        return self.queryset if self.load_queryset is None else self.load_queryset()

    def fresh_queryset(self):
        """The choices' queryset not yet read: the field's own (made once) copied, or what
        `load_queryset` gives, as it gives it (it may have read it already)."""
        if self.load_queryset is None:
            return self.queryset.all()
        return self.load_queryset()

    def objects(self):
        if self._objects is None:
            if self.cache_as:
                # Choices of reference data alone (every region, goal, theme) stay loaded when
                # content changes; the others (the countries with a case study) do not.
                keep = cached_reference if self.of_reference_alone() else cached_choices
                self._objects = keep(
                    f"{self.cache_as}:{get_language()}",
                    lambda: self.in_order(self.fresh_queryset()),
                )
            else:
                self._objects = self.in_order(self.current_queryset())
        return self._objects

    def of_reference_alone(self):
        """Whether the choices are every record of a reference model (core/choice_cache.py's
        is_reference): a queryset made once, without a condition that could reach content."""
        queryset = self.queryset
        return (
            self.load_queryset is None
            and queryset is not None
            and is_reference(queryset.model)
            and not queryset.query.where
        )

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


class FilterSet(django_filters.FilterSet):
    """A FilterSet whose form class, fields and choices are made once per process, not on every
    request: django-filter deep-copies every filter for each FilterSet and builds a form class
    from their new fields, and the form deep-copies those fields again.

    Here each request gets shallow copies: of the filters, each with its own `parent` (the
    request's FilterSet) and method, and of the form's fields, each with its own widget (so that
    what a request sets on them, `option_counts` say, stays in its own form) and its own
    choices iterator. What they share is what no request changes: labels, choices, querysets.
    Every <select> of the form writes its options once per language and content version
    (widgets.Select, `options_key`). A filter whose choices depend on the content takes a
    callable (`choices=function`), read on every use, rather than changing its copy.
    """

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        model = queryset.model
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.get_form_class()  # the filters' fields made before they are copied
        self.filters = {
            name: own_filter(filter_, model, self) for name, filter_ in self.base_filters.items()
        }

    @classmethod
    def shared_form_class(cls):
        form_class = cls.__dict__.get("_shared_form_class")
        if form_class is None:
            for filter_ in cls.base_filters.values():
                filter_.model = cls._meta.model
            fields = {name: filter_.field for name, filter_ in cls.base_filters.items()}
            for name, field in fields.items():
                queryset = getattr(cls.base_filters[name], "queryset", None)
                if callable(queryset) and isinstance(field, PreloadedModelChoiceField):
                    field.load_queryset = partial(queryset, None)  # no request: the same for all
                if isinstance(field.widget, widgets.Select):
                    field.widget.options_key = f"{cls.__module__}.{cls.__qualname__}.{name}"
            form_class = type(f"{cls.__name__}Form", (cls._meta.form,), fields)
            form_class.base_fields = SharedFields(form_class.base_fields)
            cls._shared_form_class = form_class
        return form_class

    def get_form_class(self):
        return self.shared_form_class()


def own_filter(filter_, model, parent):
    """A request's copy of one of a FilterSet's filters."""
    clone = copy.copy(filter_)
    clone.model = model
    clone.parent = parent
    if clone.method is not None:
        clone.method = clone.method  # a FilterMethod of the copy's own, reading `parent`
    return clone


def own_field(field):
    """A form's copy of a shared field: its own widget, attributes and choices iterator."""
    clone = copy.copy(field)
    clone.widget = copy.copy(field.widget)
    clone.widget.attrs = field.widget.attrs.copy()
    clone.error_messages = field.error_messages.copy()
    clone.validators = field.validators[:]
    if isinstance(field, PreloadedModelChoiceField):
        clone._objects = None
        clone.widget.choices = clone.choices  # iterates the copy, not the shared field
    return clone


class SharedFields(dict):
    """A form class's fields, copied for each form by own_field() rather than deep-copied."""

    def __deepcopy__(self, memo):
        return {name: own_field(field) for name, field in self.items()}

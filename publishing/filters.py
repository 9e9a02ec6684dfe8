"""The filters several content lists share. Every parameter is a readable code (a slug, a goal
number, a year), so that a filtered list is a link people can share."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core import widgets
from core.filters import LinkedToFilter

from .search import search

MAX_QUERY_LENGTH = 200
MIN_YEAR, MAX_YEAR = 1945, 2100


class SearchFilter(django_filters.CharFilter):
    """Free text, matched as publishing/search.py does: every word must be found."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("max_length", MAX_QUERY_LENGTH)
        kwargs.setdefault("widget", widgets.SearchInput)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return search(qs, value) if value else qs


class YearFilter(django_filters.NumberFilter):
    """A year between MIN_YEAR and MAX_YEAR."""

    field_class = forms.IntegerField  # not django-filter's default decimal

    def __init__(self, *args, **kwargs):
        # A text box with a numeric keyboard, not type="number": what was typed stays in view
        # beside its error ("abc" cannot be the value of a number input), and no spinner.
        kwargs.setdefault("widget", widgets.TextInput(attrs={"inputmode": "numeric"}))
        kwargs.setdefault("min_value", MIN_YEAR)
        kwargs.setdefault("max_value", MAX_YEAR)
        super().__init__(*args, **kwargs)


class ThemeFilter(LinkedToFilter):
    """Records with the chosen theme, through the many-to-many field `themes`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Theme"))
        kwargs.setdefault("field_name", "themes")
        kwargs.setdefault("cache_as", "themes")
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("empty_label", _("All themes"))
        super().__init__(*args, **kwargs)


class GoalFilter(LinkedToFilter):
    """Records with the chosen Sustainable Development Goal (by its number), through `sdgs`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Sustainable Development Goal"))
        kwargs.setdefault("field_name", "sdgs")
        kwargs.setdefault("cache_as", "sdgs")
        kwargs.setdefault("to_field_name", "number")
        kwargs.setdefault("empty_label", _("All goals"))
        super().__init__(*args, **kwargs)

"""The filters several content lists share. Every parameter is a readable code (a slug, a goal
number, a year), so that a filtered list is a link people can share."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core import widgets
from core.filters import LinkedToFilter

from .models import MAX_YEAR, MIN_YEAR
from .search import close_search, search

MAX_QUERY_LENGTH = 200


class SearchFilter(django_filters.CharFilter):
    """Free text, matched as publishing/search.py does: every word must be found. When its
    filterset has `close_matches` set (FilteredListView, after a search that found nothing),
    the records close to the words instead."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("max_length", MAX_QUERY_LENGTH)
        kwargs.setdefault("widget", widgets.SearchInput)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        if getattr(self.parent, "close_matches", False):
            close = close_search(qs, value)
            return qs.none() if close is None else close
        return search(qs, value)


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


# The links every content type has, filtered alike: the choices are shared by every list.
SHARED_LINKS = {
    "themes": {"label": _("Theme"), "to_field_name": "slug", "empty_label": _("All themes")},
    "sdgs": {
        "label": _("Sustainable Development Goal"),
        "to_field_name": "number",
        "empty_label": _("All goals"),
    },
}


def linked_to(field_name, **kwargs):
    """The filter by theme ("themes") or by goal ("sdgs", by its number), through that
    many-to-many field (or by a `method` of the FilterSet's)."""
    return LinkedToFilter(
        field_name=field_name, cache_as=field_name, **SHARED_LINKS[field_name], **kwargs
    )

"""Filtering content by reference data: a region takes in everything inside it."""

from django.utils.translation import gettext_lazy as _

from core.filters import PreloadedModelChoiceField, PreloadedModelChoiceFilter

from .models import Region


class RegionChoiceField(PreloadedModelChoiceField):
    def label_from_instance(self, obj):
        # Indent sub-regions under their region; a <select> cannot nest deeper than one optgroup.
        return "\u2003" * (obj.level - 1) + obj.texts.name


class RegionFilter(PreloadedModelChoiceFilter):
    """A region, chosen by its slug, with every region inside it (`Region.within()`): Africa
    finds what is in Western Africa too. `field_name` is the lookup from the filtered model to a
    region (e.g. "country__region"); a `method` may say instead how a region filters."""

    field_class = RegionChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Region"))
        kwargs.setdefault("queryset", Region.objects.all())
        kwargs.setdefault("cache_as", "regions")
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("empty_label", _("All regions"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        return qs.filter(**{f"{self.field_name}__in": Region.objects.within(value)})


class CountryFilter(PreloadedModelChoiceFilter):
    """A country, chosen by its ISO alpha-2 code, from `queryset` (a callable that gives only
    the countries with something to show), kept in the choice cache under `cache_as`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Country"))
        kwargs.setdefault("to_field_name", "iso2")
        kwargs.setdefault("empty_label", _("All countries"))
        super().__init__(*args, **kwargs)

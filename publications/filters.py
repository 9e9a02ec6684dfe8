"""The publication list's filters: readable codes in the address, as for case studies."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from initiatives.filters import MAX_QUERY_LENGTH, MAX_YEAR, MIN_YEAR, YearFilter
from publishing import widgets
from publishing.filters import LinkedToFilter
from taxonomy.models import SDG, Organisation, Theme

from .models import Language, Publication, PublicationKind
from .search import search


def published_publishers(request=None):
    """Organisations that publish a published publication: the only useful choices."""
    return Organisation.objects.filter(
        Exists(
            Publication.publishers.through.objects.filter(
                organisation=OuterRef("pk"), publication__in=Publication.objects.published()
            )
        )
    ).only("slug", "name", "acronym")


class PublicationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_text",
        max_length=MAX_QUERY_LENGTH,
        widget=widgets.SearchInput,
        help_text=_("Words in the title or description, or a symbol such as A/RES/58/220."),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind of publication"),
        choices=PublicationKind.choices,
        empty_label=_("Any"),
        widget=widgets.Select,
    )
    year_from = YearFilter(
        label=_("Issued from (year)"),
        field_name="year",
        lookup_expr="gte",
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
    )
    year_to = YearFilter(
        label=_("Issued until (year)"),
        field_name="year",
        lookup_expr="lte",
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
    )
    publisher = LinkedToFilter(
        label=_("Publisher"),
        queryset=published_publishers,
        cache_as="publication-publishers",
        to_field_name="slug",
        field_name="publishers",
        empty_label=_("All publishers"),
        widget=widgets.Select,
    )
    theme = LinkedToFilter(
        label=_("Theme"),
        queryset=Theme.objects.all(),
        cache_as="themes",
        to_field_name="slug",
        field_name="themes",
        empty_label=_("All themes"),
        widget=widgets.Select,
    )
    sdg = LinkedToFilter(
        label=_("Sustainable Development Goal"),
        queryset=SDG.objects.all(),
        cache_as="sdgs",
        to_field_name="number",
        field_name="sdgs",
        empty_label=_("All goals"),
        widget=widgets.Select,
    )
    language = django_filters.ChoiceFilter(
        label=_("Language"),
        choices=Language.choices,
        empty_label=_("Any"),
        widget=widgets.Select,
    )

    class Meta:
        model = Publication
        fields = []

    def filter_text(self, queryset, name, value):
        return search(queryset, value)

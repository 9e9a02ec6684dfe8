"""The case-study filters. Every parameter is a readable code (a slug, an ISO code, a goal
number), so that a filtered list is a link people can share."""

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from publishing import widgets
from publishing.filters import LinkedToFilter, PreloadedModelChoiceField, PreloadedModelChoiceFilter
from taxonomy.models import SDG, Country, Region, Theme

from .models import CountryRole, Initiative, InitiativeCountry, Modality, ProjectStatus
from .search import search

MAX_QUERY_LENGTH = 200
MIN_YEAR, MAX_YEAR = 1945, 2100


class RegionChoiceField(PreloadedModelChoiceField):
    def label_from_instance(self, obj):
        # Indent sub-regions under their region; a <select> cannot nest deeper than one optgroup.
        return "\u2003" * (obj.level - 1) + obj.name


class RegionFilter(PreloadedModelChoiceFilter):
    field_class = RegionChoiceField


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField  # not django-filter's default decimal

    def __init__(self, *args, **kwargs):
        # A text box with a numeric keyboard, not type="number": what was typed stays in view
        # beside its error ("abc" cannot be the value of a number input), and no spinner.
        kwargs.setdefault("widget", widgets.TextInput(attrs={"inputmode": "numeric"}))
        super().__init__(*args, **kwargs)


def published_initiative_countries(request=None):
    """Countries that take part in a published case study: the only useful choices."""
    return Country.objects.filter(
        Exists(
            InitiativeCountry.objects.filter(
                country=OuterRef("pk"),
                initiative__in=Initiative.objects.published(),
            )
        )
    )


class InitiativeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_text",
        max_length=MAX_QUERY_LENGTH,
        widget=widgets.SearchInput,
        help_text=_("Words in the title, texts, countries or organisations."),
    )
    region = RegionFilter(
        label=_("Region"),
        queryset=Region.objects.all(),
        cache_as="regions",
        to_field_name="slug",
        method="filter_region",
        empty_label=_("All regions"),
        widget=widgets.Select,
    )
    country = PreloadedModelChoiceFilter(
        label=_("Country"),
        queryset=published_initiative_countries,
        cache_as="initiative-countries",
        to_field_name="iso2",
        method="filter_country",
        empty_label=_("All countries"),
        widget=widgets.Select,
    )
    group = django_filters.ChoiceFilter(
        label=_("Beneficiary group"),
        choices=[
            ("ldc", _("Least developed countries")),
            ("lldc", _("Landlocked developing countries")),
            ("sids", _("Small island developing States")),
        ],
        method="filter_group",
        empty_label=_("Any"),
        widget=widgets.Select,
    )
    modality = django_filters.ChoiceFilter(
        label=_("Modality"), choices=Modality.choices, empty_label=_("Any")
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
    status = django_filters.ChoiceFilter(
        label=_("Project status"),
        field_name="project_status",
        choices=ProjectStatus.choices,
        empty_label=_("Any"),
        widget=widgets.Select,
    )
    year_from = YearFilter(
        label=_("Active from (year)"),
        method="filter_year_from",
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
    )
    year_to = YearFilter(
        label=_("Active until (year)"),
        method="filter_year_to",
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=[
            ("newest", _("Newest first")),
            ("oldest", _("Oldest first")),
            ("title", _("Title, A to Z")),
            ("start", _("Project start, latest first")),
        ],
        method="sort_by",
        empty_label=None,
        null_label=None,
        widget=widgets.Select,
    )

    class Meta:
        model = Initiative
        fields = []

    def filter_text(self, queryset, name, value):
        return search(queryset, value)

    def filter_region(self, queryset, name, region):
        return queryset.in_region(region)

    def filter_country(self, queryset, name, country):
        return queryset.filter(
            Exists(InitiativeCountry.objects.filter(initiative=OuterRef("pk"), country=country))
        )

    def filter_group(self, queryset, name, group):
        return queryset.filter(
            Exists(
                InitiativeCountry.objects.filter(
                    initiative=OuterRef("pk"),
                    role=CountryRole.BENEFICIARY,
                    **{f"country__is_{group}": True},
                )
            )
        )

    def filter_year_from(self, queryset, name, year):
        """Projects still running in or after `year`. An ongoing project with no end year is
        open-ended; a finished one with no end year counts as ending when it started."""
        return queryset.filter(
            Q(end_year__gte=year)
            | Q(end_year__isnull=True, project_status=ProjectStatus.ONGOING)
            | Q(end_year__isnull=True, start_year__gte=year)
        )

    def filter_year_to(self, queryset, name, year):
        """Projects that had started by `year`."""
        return queryset.filter(
            Q(start_year__lte=year) | Q(start_year__isnull=True, end_year__lte=year)
        )

    def sort_by(self, queryset, name, value):
        orderings = {
            "newest": ["-published_at", "title"],
            "oldest": ["published_at", "title"],
            "title": ["title"],
            "start": [F("start_year").desc(nulls_last=True), "-published_at"],
        }
        return queryset.order_by(*orderings[value])

"""The case-study filters. Every parameter is a readable code (a slug, an ISO code, a goal
number), so that a filtered list is a link people can share."""

from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.choice_cache import keep_result, kept_result
from core.filters import ChoiceFilter, FilterSet, LinkedToFilter
from publishing.filters import SearchFilter, YearFilter, linked_to
from publishing.search import uses_postgresql
from taxonomy.filters import CountryFilter, RegionFilter
from taxonomy.models import Country, SDGTarget

from .models import CountryRole, Initiative, InitiativeCountry, Modality, ProjectStatus
from .search import country_key, goal_key, group_key, region_key, theme_key

# A target's text in the filter's choices: enough to tell it from the others, not to widen the
# list beyond a phone's screen.
TARGET_LABEL_LENGTH = 70


def by_keys(queryset):
    """Whether the filters read the case studies' filter keys (search.py): on PostgreSQL, where
    the keys have their GIN index. Elsewhere they join the tables the keys are made of; both
    select the same case studies."""
    return uses_postgresql(queryset)


def published_initiative_countries(request=None):
    """Countries that take part in a published case study: the only useful choices. Finding
    them reads every link of every published case study (a fifth of a second at 100,000), so
    their ids are kept in the shared cache for the content state (core/choice_cache.py), and
    every process and language after the first reads the countries by id: one query either
    way. A country missing from the choices for a moment after a change is harmless."""
    ids = kept_result("initiative-country-ids", ())
    if ids is not None:
        return Country.objects.filter(pk__in=ids)
    countries = Country.objects.filter(
        Exists(
            InitiativeCountry.objects.filter(
                country=OuterRef("pk"),
                initiative__in=Initiative.objects.published(),
            )
        )
    )
    keep_result(
        "initiative-country-ids", (), sorted(country.pk for country in countries), stale_ok=True
    )
    return countries  # read already: the choices are made of it as it is


class InitiativeFilter(FilterSet):
    q = SearchFilter(help_text=_("Words in the title, texts, countries or organisations."))
    region = RegionFilter(method="filter_region")
    country = CountryFilter(
        queryset=published_initiative_countries,
        cache_as="initiative-countries",
        method="filter_country",
    )
    group = ChoiceFilter(
        label=_("Beneficiary group"),
        choices=[
            ("ldc", _("Least developed countries")),
            ("lldc", _("Landlocked developing countries")),
            ("sids", _("Small island developing States")),
        ],
        method="filter_group",
    )
    modality = ChoiceFilter(label=_("Modality"), choices=Modality.choices)
    theme = linked_to("themes", method="filter_theme")
    sdg = linked_to("sdgs", method="filter_sdg")
    # By code (?target=8.2), in the goals' order, grouped by goal.
    target = LinkedToFilter(
        field_name="targets",
        queryset=SDGTarget.objects.select_related("goal"),
        to_field_name="code",
        cache_as="sdg-targets",
        group_by=lambda target: str(target.goal),
        label_from_instance=lambda target: target.label(length=TARGET_LABEL_LENGTH),
        label=_("SDG target"),
        empty_label=_("All targets"),
    )
    status = ChoiceFilter(
        label=_("Project status"),
        field_name="project_status",
        choices=ProjectStatus.choices,
    )
    year_from = YearFilter(label=_("Active from (year)"), method="filter_year_from")
    year_to = YearFilter(label=_("Active until (year)"), method="filter_year_to")
    replicated = ChoiceFilter(
        label=_("Replicated elsewhere"),
        choices=[("yes", _("Yes: replicated or adapted in another case study"))],
        method="filter_replicated",
    )
    sort = ChoiceFilter(
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
    )

    class Meta:
        model = Initiative
        fields = []

    def filter_region(self, queryset, name, region):
        if by_keys(queryset):
            return queryset.filter(filter_keys__contains=[region_key(region)])
        return queryset.in_region(region)

    def filter_country(self, queryset, name, country):
        if by_keys(queryset):
            return queryset.filter(filter_keys__contains=[country_key(country)])
        return queryset.filter(
            Exists(InitiativeCountry.objects.filter(initiative=OuterRef("pk"), country=country))
        )

    def filter_group(self, queryset, name, group):
        if by_keys(queryset):
            return queryset.filter(filter_keys__contains=[group_key(group)])
        return queryset.filter(
            Exists(
                InitiativeCountry.objects.filter(
                    initiative=OuterRef("pk"),
                    role=CountryRole.BENEFICIARY,
                    **{f"country__is_{group}": True},
                )
            )
        )

    def filter_theme(self, queryset, name, theme):
        if by_keys(queryset):
            return queryset.filter(filter_keys__contains=[theme_key(theme)])
        return LinkedToFilter.filter(self.filters["theme"], queryset, theme)

    def filter_sdg(self, queryset, name, goal):
        if by_keys(queryset):
            return queryset.filter(filter_keys__contains=[goal_key(goal)])
        return LinkedToFilter.filter(self.filters["sdg"], queryset, goal)

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

    def filter_replicated(self, queryset, name, value):
        return queryset.replicated_elsewhere() if value == "yes" else queryset

    def sort_by(self, queryset, name, value):
        orderings = {
            "newest": ["-published_at", "title"],
            "oldest": ["published_at", "title"],
            "title": ["title"],
            "start": [F("start_year").desc(nulls_last=True), "-published_at"],
        }
        return queryset.order_by(*orderings[value])

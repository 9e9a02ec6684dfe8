"""How many case studies of a result fall under each goal, theme, region, modality and start
year: in one query whatever the result's size, so that a list page can show its result in
figures and its filter options with counts within its budget of queries.

A case study counts under a region exactly when the region filter for that region lists it
(InitiativeQuerySet.in_region): when one of its countries or one of the regions it names is
anywhere inside the region.
"""

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import CharField, Count, Exists, OuterRef, Value
from django.db.models.functions import Cast, Length, Substr
from django.utils.translation import gettext, ngettext

from core import dates
from publishing.charts import Bar, BarChart

from .filters import by_keys
from .models import Initiative, InitiativeCountry, Modality

# A region's path is its M49 codes from the top down, each followed by "/": "002/202/011/".
# The first 4, 8 and 12 characters of a path name the region, sub-region and intermediate
# region it lies in. Region.Level has three levels; a fourth would need a fourth length here.
PATH_STEP = 4
REGION_LEVELS = 3
# Start years are grouped in periods of this many years when there are more distinct years.
YEARS_SHOWN_ONE_BY_ONE = 15
YEARS_PER_PERIOD = 5


def _counted(queryset, kind, key, count):
    """One SELECT of the union: (kind, key as text, count) grouped by key."""
    return (
        queryset.order_by()
        .values(kind=Value(kind, output_field=CharField()), key=Cast(key, CharField()))
        .annotate(n=count)
        .values_list("kind", "key", "n")
    )


def _region_branches(ids):
    """Per region path prefix, the case studies with a country inside it, then those with a
    named region inside it and no country there (so that none counts twice)."""
    branches = []
    for level in range(1, REGION_LEVELS + 1):
        length = level * PATH_STEP
        by_country = (
            InitiativeCountry.objects.filter(initiative__in=ids)
            .annotate(path_length=Length("country__region__path"))
            .filter(path_length__gte=length)
        )
        branches.append(
            _counted(
                by_country,
                "region",
                Substr("country__region__path", 1, length),
                Count("initiative_id", distinct=True),
            )
        )
        by_name = (
            Initiative.regions.through.objects.filter(initiative__in=ids)
            .annotate(
                path_length=Length("region__path"),
                prefix=Substr("region__path", 1, length),
            )
            .filter(path_length__gte=length)
            .exclude(
                Exists(
                    InitiativeCountry.objects.filter(
                        initiative=OuterRef("initiative_id"),
                        country__region__path__startswith=OuterRef("prefix"),
                    )
                )
            )
        )
        branches.append(
            _counted(by_name, "region", "prefix", Count("initiative_id", distinct=True))
        )
    return branches


def result_counts(queryset, regions=True):
    """{"sdg": {goal number: n}, "theme": {theme id: n}, "modality": {code: n}, "year": {year:
    n}, "region": {M49 code: n}} for the case studies of `queryset`, in one query; only keys
    with a count are present. `regions=False` leaves the regions out (a query less costly).

    On PostgreSQL the case studies' filter keys (search.py) hold their goals, themes and
    regions with those above them, which the filters read: one pass over the result's rows
    counts them all. Elsewhere, one branch per link table, united."""
    if by_keys(queryset):
        return _counts_by_keys(queryset, regions)
    ids = queryset.order_by().values("pk")
    one = Count("pk")
    branches = [
        _counted(
            Initiative.sdgs.through.objects.filter(initiative__in=ids), "sdg", "sdg__number", one
        ),
        _counted(
            Initiative.themes.through.objects.filter(initiative__in=ids),
            "theme",
            "theme_id",
            one,
        ),
        _counted(Initiative.objects.filter(pk__in=ids), "modality", "modality", one),
        _counted(
            Initiative.objects.filter(pk__in=ids, start_year__isnull=False),
            "year",
            "start_year",
            one,
        ),
        *(_region_branches(ids) if regions else []),
    ]
    counts = {kind: {} for kind in KINDS}
    for kind, key, n in branches[0].union(*branches[1:], all=True):
        if kind in NUMBERED:
            key = int(key)
        elif kind == "region":  # a path, "002/202/": its last code
            key = key.rstrip("/").rsplit("/", 1)[-1]
        counts[kind][key] = counts[kind].get(key, 0) + n
    return counts


KINDS = ("sdg", "theme", "modality", "year", "region")
NUMBERED = frozenset({"sdg", "theme", "year"})  # kinds whose keys are numbers

# Each row of the result once, its filter keys and its modality and start year as keys alike,
# counted by key: "sdg:3", "theme:12", "region:002", "modality:training", "year:2019".
COUNTS_BY_KEY_SQL = """
SELECT counted_key, count(*)
FROM ({rows}) AS counted_rows,
    unnest(
        counted_rows.filter_keys::text[]
        || ARRAY['modality:' || counted_rows.modality, 'year:' || counted_rows.start_year]
    ) AS counted_key
WHERE split_part(counted_key, ':', 1) = ANY(%s)
GROUP BY counted_key
"""


def _counts_by_keys(queryset, regions):
    kinds = [kind for kind in KINDS if regions or kind != "region"]
    counts = {kind: {} for kind in KINDS}
    try:
        rows, params = (
            queryset.order_by()
            .values("filter_keys", "modality", "start_year")
            .query.sql_with_params()
        )
    except EmptyResultSet:  # a search of no words, qs.none(): nothing to count
        return counts
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(COUNTS_BY_KEY_SQL.format(rows=rows), (*params, kinds))
        for key, n in cursor.fetchall():
            kind, value = key.split(":", 1)
            counts[kind][int(value) if kind in NUMBERED else value] = n
    return counts


# --- The charts of these counts (publishing/charts.py), for the list and the country pages ---


def counted(count):
    """'4 case studies', as a chart names a count."""
    return ngettext("%(count)s case study", "%(count)s case studies", count) % {
        "count": dates.number(count)
    }


def chart(slug, title, description, bars, label_heading):
    return BarChart(
        slug,
        title,
        description,
        bars,
        label_heading=label_heading,
        count_heading=gettext("Case studies"),
        counted=counted,
    )


def goal_chart(counts, goals, link):
    """By goal, in the goals' colours; `link(number)` is the address of a bar's case studies,
    or None."""
    bars = [
        Bar(
            label=gettext("Goal %(number)s, %(name)s")
            % {"number": goal.number, "name": goal.texts.short_name},
            short_label=f"{goal.number} · {goal.texts.short_name}",
            count=counts.get(goal.number, 0),
            url=link(goal.number),
            colour=goal.colour,
        )
        for goal in goals
    ]
    return chart(
        "goals",
        gettext("By Sustainable Development Goal"),
        gettext(
            "How many of these case studies serve each goal. A case study may serve several goals."
        ),
        bars,
        gettext("Goal"),
    )


def modality_chart(counts, link):
    bars = [
        Bar(label=str(label), count=counts.get(value, 0), url=link(value))
        for value, label in Modality.choices
    ]
    return chart(
        "modalities",
        gettext("By modality"),
        gettext("How many of these case studies follow each modality of cooperation."),
        bars,
        gettext("Modality"),
    )


def year_chart(counts):
    """By start year, or by periods of five years when there are many years. No links: no
    filter selects a start year."""
    if len(counts) <= YEARS_SHOWN_ONE_BY_ONE:
        bars = [Bar(label=str(year), count=counts[year]) for year in sorted(counts)]
        description = gettext(
            "How many of these case studies started in each year. Case studies that do not "
            "give their start year are not counted."
        )
        return chart("years", gettext("By start year"), description, bars, gettext("Year"))
    periods = {}
    for year, count in counts.items():
        first = year - year % YEARS_PER_PERIOD
        periods[first] = periods.get(first, 0) + count
    bars = [
        # Isolated left to right, so that a right-to-left page still reads 2005–2009.
        Bar(label=f"\u2066{first}–{first + YEARS_PER_PERIOD - 1}\u2069", count=periods[first])
        for first in sorted(periods)
    ]
    description = gettext(
        "How many of these case studies started in each period of five years. Case studies "
        "that do not give their start year are not counted."
    )
    return chart("years", gettext("By start year"), description, bars, gettext("Years"))

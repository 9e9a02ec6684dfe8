"""How many case studies of a result fall under each goal, theme, region, modality and start
year: in one query whatever the result's size, so that a list page can show its result in
figures and its filter options with counts within its budget of queries.

A case study counts under a region exactly when the region filter for that region lists it
(InitiativeQuerySet.in_region): when one of its countries or one of the regions it names is
anywhere inside the region.
"""

from django.db.models import CharField, Count, Exists, OuterRef, Value
from django.db.models.functions import Cast, Length, Substr

from .models import Initiative, InitiativeCountry

# A region's path is its M49 codes from the top down, each followed by "/": "002/202/011/".
# The first 4, 8 and 12 characters of a path name the region, sub-region and intermediate
# region it lies in. Region.Level has three levels; a fourth would need a fourth length here.
PATH_STEP = 4
REGION_LEVELS = 3


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


def result_counts(queryset):
    """{"sdg": {goal id: n}, "theme": {theme id: n}, "modality": {code: n}, "year": {year: n},
    "region": {path: n}} for the case studies of `queryset`, in one query. A region's count is
    under its whole path ("002/202/"); only keys with a count are present."""
    ids = queryset.order_by().values("pk")
    one = Count("pk")
    branches = [
        _counted(Initiative.sdgs.through.objects.filter(initiative__in=ids), "sdg", "sdg_id", one),
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
        *_region_branches(ids),
    ]
    counts = {"sdg": {}, "theme": {}, "modality": {}, "year": {}, "region": {}}
    for kind, key, n in branches[0].union(*branches[1:], all=True):
        if kind in ("sdg", "theme", "year"):
            key = int(key)
        counts[kind][key] = counts[kind].get(key, 0) + n
    return counts

"""Full-text search over case studies.

Every case study keeps `search_text`: its narrative fields and the names of its countries,
regions, organisations (with acronyms) and themes, so that a search reads one row and joins
nothing. On PostgreSQL, `search_vector` holds the same words as a weighted tsvector (title A,
summary B, the rest C) behind a GIN index: each word of a query matches as a prefix after
stemming ("irrigat" finds "irrigation") and results come most relevant first. Elsewhere (SQLite
in development) each word must appear, in any case, in the title, summary or search text.

The index follows the data: saving a case study, one of its countries or organisations, or
changing its themes or regions refreshes it (see `signals.py`); the admin refreshes it once more
after all inlines are saved; `load_portal_content` and `generate_volume` refresh what they load.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import F, Q

SEARCH_CONFIG = "english"
MAX_WORDS = 10
WORD = re.compile(r"[^\W_]+")  # letters and digits of any script

SEARCH_VECTOR = (
    SearchVector("title", weight="A", config=SEARCH_CONFIG)
    + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
    + SearchVector("search_text", weight="C", config=SEARCH_CONFIG)
)


def search_words(value):
    """The words of a query, without punctuation, at most MAX_WORDS of them."""
    return WORD.findall(value or "")[:MAX_WORDS]


def build_search_text(initiative):
    """The words a case study is found by, besides its title and summary. Reads the countries,
    organisations, regions and themes through the prefetch cache when there is one."""
    parts = [
        initiative.challenge,
        initiative.solution,
        initiative.results,
        initiative.replication,
    ]
    parts += [country.name for country in initiative.countries.all()]
    for organisation in initiative.organisations.all():
        parts += [organisation.name, organisation.acronym]
    parts += [region.name for region in initiative.regions.all()]
    parts += [theme.name for theme in initiative.themes.all()]
    return "\n".join(part for part in parts if part)


def uses_postgresql(queryset_or_alias):
    alias = getattr(queryset_or_alias, "db", queryset_or_alias)
    return connections[alias].vendor == "postgresql"


def refresh_search_index(queryset, batch_size=1000):
    """Rebuild the search text (and, on PostgreSQL, the search vector) of the case studies in
    `queryset`, a batch at a time. Returns how many were refreshed. Works on the historical
    model in a migration as well as on the live one."""
    model = queryset.model
    pks = list(queryset.order_by().values_list("pk", flat=True))
    alias = queryset.db
    for start in range(0, len(pks), batch_size):
        batch = pks[start : start + batch_size]
        initiatives = list(
            model._base_manager.using(alias)
            .filter(pk__in=batch)
            .only("challenge", "solution", "results", "replication", "search_text")
            .prefetch_related(
                "countries",
                "organisations",
                "regions",
                "themes",
            )
        )
        changed = []
        for initiative in initiatives:
            text = build_search_text(initiative)
            if text != initiative.search_text:
                initiative.search_text = text
                changed.append(initiative)
        model._base_manager.using(alias).bulk_update(changed, ["search_text"], batch_size=500)
        if uses_postgresql(alias):
            model._base_manager.using(alias).filter(pk__in=batch).update(
                search_vector=SEARCH_VECTOR
            )
    return len(pks)


def search(queryset, value):
    """Case studies matching every word of `value`; on PostgreSQL ranked by relevance (a sort
    chosen afterwards replaces that order)."""
    words = search_words(value)
    if not words:
        # Only punctuation: nothing can match it, and it is no reason to show everything.
        return queryset.none() if value and value.strip() else queryset
    if uses_postgresql(queryset):
        # Each word quoted as a lexeme with a prefix marker; WORD leaves no quote or operator.
        query = SearchQuery(
            " & ".join(f"'{word}':*" for word in words),
            search_type="raw",
            config=SEARCH_CONFIG,
        )
        return (
            queryset.filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-published_at", "title")
        )
    for word in words:
        queryset = queryset.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(search_text__icontains=word)
        )
    return queryset

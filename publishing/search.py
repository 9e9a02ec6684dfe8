"""Full-text search that every content type shares.

Each content type keeps `search_text`: the words it is found by besides its title and summary
(its other texts and the names of what it links to), so that a search reads one row and joins
nothing. On PostgreSQL, `search_vector` holds title, summary and search text as a weighted
tsvector (A, B, C) behind a GIN index: each word of a query matches as a prefix of a stemmed
word, and results come most relevant first. Elsewhere (SQLite in development) each word must
appear, in any case, in the title, the summary or the search text.

What a type's search text holds, and what keeps it current, is its declaration
(publishing/content.py).
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import F, Q

from .content import content_for

SEARCH_CONFIG = "english"
MAX_WORDS = 10
WORD = re.compile(r"[^\W_]+")  # letters and digits of any script
# Where each word is looked for without full-text search: the search text holds the rest.
TEXT_FIELDS = ("title", "summary", "search_text")

SEARCH_VECTOR = (
    SearchVector("title", weight="A", config=SEARCH_CONFIG)
    + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
    + SearchVector("search_text", weight="C", config=SEARCH_CONFIG)
)


def search_words(value):
    """The words of a query, without punctuation, at most MAX_WORDS of them."""
    return WORD.findall(value or "")[:MAX_WORDS]


def uses_postgresql(queryset_or_alias):
    alias = getattr(queryset_or_alias, "db", queryset_or_alias)
    return connections[alias].vendor == "postgresql"


def search_query(words):
    """Every word, as a quoted lexeme with a prefix marker; WORD leaves no quote or operator."""
    return SearchQuery(
        " & ".join(f"'{word}':*" for word in words), search_type="raw", config=SEARCH_CONFIG
    )


def matching(queryset, words, query=None):
    """The records of `queryset` that match every word: through the search vector when `query`
    (a search_query()) is given, else each word in one of TEXT_FIELDS."""
    if query is not None:
        return queryset.filter(search_vector=query)
    for word in words:
        matches = Q()
        for name in TEXT_FIELDS:
            matches |= Q(**{f"{name}__icontains": word})
        queryset = queryset.filter(matches)
    return queryset


def search(queryset, value):
    """Records matching every word of `value`. On PostgreSQL ranked by relevance, then by the
    type's `ranked_order` (a sort chosen afterwards replaces that order)."""
    words = search_words(value)
    if not words:
        # Only punctuation: nothing can match it, and it is no reason to show everything.
        return queryset.none() if value and value.strip() else queryset
    if not uses_postgresql(queryset):
        return matching(queryset, words)
    query = search_query(words)
    return (
        matching(queryset, words, query)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by(F("rank").desc(nulls_last=True), *content_for(queryset.model).ranked_order)
    )


def refresh_search_index(queryset, batch_size=1000):
    """Rebuild the search text (and, on PostgreSQL, the search vector) of the records in
    `queryset`, a batch at a time; returns how many were refreshed. Works on a migration's
    historical model as well as on the live one."""
    model = queryset.model
    content = content_for(model)
    pks = list(queryset.order_by().values_list("pk", flat=True))
    manager = model._base_manager.using(queryset.db)
    for start in range(0, len(pks), batch_size):
        batch = pks[start : start + batch_size]
        changed = []
        for record in content.index_reads(manager.filter(pk__in=batch)):
            text = content.search_text(record)
            if text != record.search_text:
                record.search_text = text
                changed.append(record)
        manager.bulk_update(changed, ["search_text"], batch_size=500)
        if uses_postgresql(queryset):
            manager.filter(pk__in=batch).update(search_vector=SEARCH_VECTOR)
    return len(pks)

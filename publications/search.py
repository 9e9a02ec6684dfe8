"""Full-text search over publications, built like the case studies' (initiatives/search.py).

Every publication keeps `search_text`: its description, document symbol, kind, publishers and
authors (with acronyms) and themes, so that a search reads one row and joins nothing. On
PostgreSQL `search_vector` holds the same words weighted (title A, summary B, the rest C) behind
a GIN index; elsewhere each word must appear, in any case, in the title, summary, description,
symbol or search text.

The index follows the data: saving a publication, changing its publishers, authors or themes,
or renaming one of those refreshes it (signals.py); the admin refreshes it once more after the
related fields are saved; `load_portal_content` refreshes what it loads.
"""

import re

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import F, Q
from django.utils import translation

from initiatives.search import SEARCH_CONFIG, search_words, uses_postgresql

from .models import PublicationKind

SEARCH_VECTOR = (
    SearchVector("title", weight="A", config=SEARCH_CONFIG)
    + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
    + SearchVector("search_text", weight="C", config=SEARCH_CONFIG)
)
SYMBOL_SEPARATORS = re.compile(r"[/.\-]+")


def build_search_text(publication):
    """The words a publication is found by, besides its title and summary. Reads publishers,
    authors and themes through the prefetch cache when there is one."""
    symbol = publication.document_symbol
    parts = [publication.description, symbol]
    if symbol:
        # "A/RES/58/220" is one token to PostgreSQL's parser: add its parts as words, so that
        # "58/220" or "RES 58" find it.
        parts.append(SYMBOL_SEPARATORS.sub(" ", symbol))
    if publication.kind in PublicationKind.values:
        with translation.override(settings.LANGUAGE_CODE):
            parts.append(str(PublicationKind(publication.kind).label))
    for organisation in [*publication.publishers.all(), *publication.authors.all()]:
        parts += [organisation.name, organisation.acronym]
    parts += [theme.name for theme in publication.themes.all()]
    return "\n".join(dict.fromkeys(part for part in parts if part))


def refresh_search_index(queryset, batch_size=1000):
    """Rebuild the search text (and, on PostgreSQL, the search vector) of the publications in
    `queryset`, a batch at a time. Returns how many were refreshed."""
    model = queryset.model
    pks = list(queryset.order_by().values_list("pk", flat=True))
    alias = queryset.db
    manager = model._base_manager.using(alias)
    for start in range(0, len(pks), batch_size):
        batch = pks[start : start + batch_size]
        publications = list(
            manager.filter(pk__in=batch)
            .only("description", "document_symbol", "kind", "search_text")
            .prefetch_related("publishers", "authors", "themes")
        )
        changed = []
        for publication in publications:
            text = build_search_text(publication)
            if text != publication.search_text:
                publication.search_text = text
                changed.append(publication)
        manager.bulk_update(changed, ["search_text"], batch_size=500)
        if uses_postgresql(alias):
            manager.filter(pk__in=batch).update(search_vector=SEARCH_VECTOR)
    return len(pks)


def search(queryset, value):
    """Publications matching every word of `value`; on PostgreSQL ranked by relevance. A symbol
    is found word by word too ("A/RES/58/220": res, 58, 220; see build_search_text), which keeps
    the query on the GIN index."""
    words = search_words(value)
    if not words:
        # Only punctuation: nothing can match it, and it is no reason to show everything.
        return queryset.none() if value and value.strip() else queryset
    if uses_postgresql(queryset):
        # Each word quoted as a lexeme with a prefix marker; search_words leaves no quote or
        # operator in a word.
        query = SearchQuery(
            " & ".join(f"'{word}':*" for word in words), search_type="raw", config=SEARCH_CONFIG
        )
        return (
            queryset.filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by(F("rank").desc(nulls_last=True), "-year", "title")
        )
    for word in words:
        queryset = queryset.filter(
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(description__icontains=word)
            | Q(document_symbol__icontains=word)
            | Q(search_text__icontains=word)
        )
    return queryset

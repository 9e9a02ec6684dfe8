"""What a publication is found by (the shared mechanism is publishing/search.py).

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
from django.utils import translation

from publishing import search as shared

from .models import PublicationKind

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


def prepare(queryset):
    return queryset.only("description", "document_symbol", "kind", "search_text").prefetch_related(
        "publishers", "authors", "themes"
    )


def refresh_search_index(queryset, batch_size=1000):
    """Rebuild the index of the publications in `queryset`; returns how many."""
    return shared.refresh_search_index(
        queryset, build_search_text, prepare=prepare, batch_size=batch_size
    )


def search(queryset, value):
    """Publications matching every word of `value`; on PostgreSQL ranked by relevance. A symbol
    is found word by word too ("A/RES/58/220": res, 58, 220; see build_search_text), which keeps
    the query on the GIN index."""
    return shared.search(
        queryset,
        value,
        text_fields=["title", "summary", "description", "document_symbol", "search_text"],
        ranked_order=["-year", "title"],
    )

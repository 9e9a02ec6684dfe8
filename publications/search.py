"""What a publication is found by (the shared mechanism is publishing/search.py).

Every publication keeps `search_text`: its description, document symbol, kind, publishers and
authors (with acronyms) and themes, so that a search reads one row and joins nothing. A symbol
is found word by word too ("A/RES/58/220": res, 58, 220), which keeps the query on the GIN
index. apps.py declares what keeps it current.
"""

import re

from django.conf import settings
from django.utils import translation

from core.content_language import all_texts
from publishing.search import chinese_columns

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
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                parts.append(str(PublicationKind(publication.kind).label))
    for organisation in [*publication.publishers.all(), *publication.authors.all()]:
        parts += [*all_texts(organisation, "name"), organisation.acronym]
    for theme in publication.themes.all():
        parts += all_texts(theme, "name")
    return "\n".join(dict.fromkeys(part for part in parts if part))


def index_reads(queryset):
    """What build_search_text reads, loaded for a batch of publications."""
    return queryset.only(
        "description", "document_symbol", "kind", "search_text", *chinese_columns(queryset)
    ).prefetch_related("publishers", "authors", "themes")

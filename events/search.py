"""What an event is found by (the shared mechanism is publishing/search.py).

Every event keeps `search_text`: its description, place (venue, city, country) and the names of
its organisers (with acronyms) and themes, so that a search reads one row and joins nothing. On
PostgreSQL, `search_vector` holds the same words as a weighted tsvector (title A, summary B, the
rest C) behind a GIN index.

apps.py declares what keeps it current.
"""

from core.content_language import (
    all_texts,
    translation_field,
    translation_languages,
    with_translations,
)
from publishing.search import chinese_columns

# Saving only other fields (update_fields) leaves the index as it is.
INDEXED_FIELDS = frozenset(
    {"venue", "city", "country", "country_id"}
    | {
        name
        for text in ("title", "summary", "description")
        for name in [text, *(translation_field(text, code) for code in translation_languages())]
    }
)


def build_search_text(event):
    """The words an event is found by, besides its title and summary. Reads the country,
    organisers and themes through the select/prefetch cache when there is one."""
    parts = [event.description, event.venue, event.city]
    if event.country_id:
        parts += all_texts(event.country, "name")
    for organisation in event.organisers.all():
        parts += [*all_texts(organisation, "name"), organisation.acronym]
    for theme in event.themes.all():
        parts += all_texts(theme, "name")
    return "\n".join(part for part in parts if part)


def index_reads(queryset):
    """What build_search_text reads, loaded for a batch of events."""
    return (
        queryset.only(
            "description",
            "venue",
            "city",
            "search_text",
            *with_translations(queryset.model, "country__name"),
            *chinese_columns(queryset),
        )
        .select_related("country")
        .prefetch_related("organisers", "themes")
    )

"""What an event is found by (the shared mechanism is publishing/search.py).

Every event keeps `search_text`: its description, place (venue, city, country) and the names of
its organisers (with acronyms) and themes, so that a search reads one row and joins nothing. On
PostgreSQL, `search_vector` holds the same words as a weighted tsvector (title A, summary B, the
rest C) behind a GIN index.

apps.py declares what keeps it current.
"""

# Saving only other fields (update_fields) leaves the index as it is.
INDEXED_FIELDS = frozenset(
    {"title", "summary", "description", "venue", "city", "country", "country_id"}
)


def build_search_text(event):
    """The words an event is found by, besides its title and summary. Reads the country,
    organisers and themes through the select/prefetch cache when there is one."""
    parts = [event.description, event.venue, event.city]
    if event.country_id:
        parts.append(event.country.name)
    for organisation in event.organisers.all():
        parts += [organisation.name, organisation.acronym]
    parts += [theme.name for theme in event.themes.all()]
    return "\n".join(part for part in parts if part)


def index_reads(queryset):
    """What build_search_text reads, loaded for a batch of events."""
    return (
        queryset.only("description", "venue", "city", "country__name", "search_text")
        .select_related("country")
        .prefetch_related("organisers", "themes")
    )

"""The events' search index, as the case studies have it (see initiatives/search.py).

Every event keeps `search_text`: its description, place (venue, city, country) and the names of
its organisers (with acronyms) and themes, so that a search reads one row and joins nothing. On
PostgreSQL, `search_vector` holds the same words as a weighted tsvector (title A, summary B, the
rest C) behind a GIN index.

The index follows the data: saving an event, or changing its organisers or themes, refreshes it
(see `signals.py`); `load_portal_content` refreshes what it loads.
"""

from initiatives.search import SEARCH_VECTOR, uses_postgresql

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


def refresh_search_index(queryset, batch_size=1000):
    """Rebuild the search text (and, on PostgreSQL, the search vector) of the events in
    `queryset`, a batch at a time. Returns how many were refreshed. Works on the historical
    model in a migration as well as on the live one."""
    model = queryset.model
    pks = list(queryset.order_by().values_list("pk", flat=True))
    alias = queryset.db
    for start in range(0, len(pks), batch_size):
        batch = pks[start : start + batch_size]
        events = list(
            model._base_manager.using(alias)
            .filter(pk__in=batch)
            .only("description", "venue", "city", "country__name", "search_text")
            .select_related("country")
            .prefetch_related("organisers", "themes")
        )
        changed = []
        for event in events:
            text = build_search_text(event)
            if text != event.search_text:
                event.search_text = text
                changed.append(event)
        model._base_manager.using(alias).bulk_update(changed, ["search_text"], batch_size=500)
        if uses_postgresql(alias):
            model._base_manager.using(alias).filter(pk__in=batch).update(
                search_vector=SEARCH_VECTOR
            )
    return len(pks)

"""What a case study is found by (the shared mechanism is publishing/search.py).

Its `search_text` holds the narrative fields and the names of its countries, regions,
organisations (with acronyms) and themes. The index follows the data: saving a case study, one
of its countries or organisations, or changing its themes or regions refreshes it (see
`signals.py`); the admin refreshes it once more after all inlines are saved;
`load_portal_content` and `generate_volume` refresh what they load.
"""

from publishing import search as shared
from publishing.search import search_words  # noqa: F401 - part of this module's interface


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


def prepare(queryset):
    return queryset.only(
        "challenge", "solution", "results", "replication", "search_text"
    ).prefetch_related("countries", "organisations", "regions", "themes")


def refresh_search_index(queryset, batch_size=1000):
    """Rebuild the index of the case studies in `queryset`; returns how many."""
    return shared.refresh_search_index(
        queryset, build_search_text, prepare=prepare, batch_size=batch_size
    )


def search(queryset, value):
    """Case studies matching every word of `value`; on PostgreSQL ranked by relevance."""
    return shared.search(
        queryset,
        value,
        text_fields=["title", "summary", "search_text"],
        ranked_order=["-published_at", "title"],
    )

"""What a case study is found by (the shared mechanism is publishing/search.py).

Its `search_text` holds the narrative fields and the names of its countries, regions,
organisations (with acronyms) and themes. apps.py declares what keeps it current.
"""

from core.content_language import all_texts
from publishing.search import chinese_columns


def build_search_text(initiative):
    """The words a case study is found by, besides its title and summary. Reads the countries,
    organisations, regions and themes through the prefetch cache when there is one."""
    parts = [
        initiative.challenge,
        initiative.solution,
        initiative.results,
        initiative.replication,
    ]
    for country in initiative.countries.all():
        parts += all_texts(country, "name")
    for organisation in initiative.organisations.all():
        parts += [*all_texts(organisation, "name"), organisation.acronym]
    for region in initiative.regions.all():
        parts += all_texts(region, "name")
    for theme in initiative.themes.all():
        parts += all_texts(theme, "name")
    return "\n".join(part for part in parts if part)


def index_reads(queryset):
    """What build_search_text reads, loaded for a batch of case studies."""
    return queryset.only(
        "challenge", "solution", "results", "replication", "search_text", *chinese_columns(queryset)
    ).prefetch_related("countries", "organisations", "regions", "themes")

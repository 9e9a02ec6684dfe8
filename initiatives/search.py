"""What a case study is found by (the shared mechanism is publishing/search.py).

Its `search_text` holds the narrative fields and the names of its countries, regions,
organisations (with acronyms) and themes. apps.py declares what keeps it current.
"""

from core.content_language import all_texts
from publishing.search import chinese_columns

from .models import CountryRole


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


# The filter keys of a case study (`Initiative.filter_keys`): what the list's region, country,
# beneficiary group, goal and theme filters select it by, one token each, so that on
# PostgreSQL a filter, or several at once, is one lookup in one GIN index (`filter_keys @>
# ARRAY[...]`). Its related case studies are those sharing a theme or country key (`&&`).
# One column of prefixed tokens rather than a column per filter: one index to keep, and a
# combination of filters is one containment test of the tokens together.


def region_key(region):
    """Everything inside `region` (Region.within) carries this key: Africa, 002."""
    return f"region:{region.m49_code}"


def country_key(country, role=None):
    """A case study with `country` (in any role, or in `role`: "beneficiary:KE")."""
    return f"{role or 'country'}:{country.iso2}"


def group_key(group):
    """A case study with a beneficiary in a group of countries ("ldc", "lldc", "sids")."""
    return f"group:{group}"


def goal_key(goal):
    return f"sdg:{goal.number}"


def theme_key(theme):
    """By the theme's id, which no edit changes (its slug and names may)."""
    return f"theme:{theme.pk}"


GROUPS = ("ldc", "lldc", "sids")


def path_keys(path):
    """A region's path ("002/202/011/") as the keys of the region and of those it is inside."""
    return {f"region:{code}" for code in path.split("/") if code}


def build_filter_keys(initiative):
    """The filter keys of a case study: each of its countries, in any role and in its role,
    the regions they are in with every region above those, the regions it names with theirs,
    the groups of its beneficiaries, its goals and its themes. Reads what filter_key_reads()
    loads."""
    keys = set()
    for role in initiative.country_roles.all():
        country = role.country
        keys |= {country_key(country), country_key(country, role.role)}
        if country.region_id is not None:
            keys |= path_keys(country.region.path)
        if role.role == CountryRole.BENEFICIARY:
            keys |= {group_key(group) for group in GROUPS if getattr(country, f"is_{group}")}
    for region in initiative.regions.all():
        keys |= path_keys(region.path)
    keys |= {goal_key(goal) for goal in initiative.sdgs.all()}
    keys |= {theme_key(theme) for theme in initiative.themes.all()}
    return keys


def filter_key_reads(queryset):
    """What build_filter_keys reads, loaded for a batch of case studies."""
    return queryset.prefetch_related("country_roles__country__region", "regions", "sdgs", "themes")

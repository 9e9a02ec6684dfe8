"""Who works with whom in the published case studies: how many each country takes part in, by
role; the flows from providers' regions to beneficiaries' regions; a country's partners.

Everything comes from one query: the (case study, role, country) rows of the published case
studies, with the regions a case study names (Initiative.regions) as rows of their own. The
countries and regions themselves are reference data, loaded once per content version into the
choice cache (core/choice_cache.py). So /countries/ and the partners on a country page cost one
query each, however many case studies there are; the figures of them all (overview()) are kept
in the shared cache for the content version, as the home page's are.

A case study counts once for a country in a role, and once for a pair of regions, however many
of its countries are in them. Its beneficiaries are its beneficiary countries; where it names
none but names regions (the source speaks of "West Africa"), those regions.
"""

from collections import defaultdict

from django.db.models import CharField, IntegerField, Value

from core.choice_cache import cached_reference, cached_result
from core.collation import in_order
from initiatives.models import CountryRole, Initiative, InitiativeCountry
from taxonomy.models import Country, Region

ROLES = list(CountryRole.values)
REGION = "region"  # the "role" of a row naming a region
# The level of the regions of the flows: M49 sub-regions (Sub-Saharan Africa, Latin America and
# the Caribbean, Western Asia...); a region named at the top level (Africa) stays as it is.
FLOW_LEVEL = Region.Level.SUB_REGION


def regions_by_id():
    return {
        region.pk: region
        for region in cached_reference("cooperation:regions", lambda: Region.objects.all())
    }


def countries_by_id():
    return {
        country.pk: country
        for country in cached_reference("cooperation:countries", lambda: Country.objects.all())
    }


def case_studies(initiatives):
    """{case study id: {role: {country ids}, REGION: {region ids}}} of `initiatives`, a
    queryset of published case studies: one query."""
    countries = InitiativeCountry.objects.filter(initiative__in=initiatives.values("pk"))
    countries = countries.order_by().values_list(
        "initiative_id", "role", "country_id", Value(None, IntegerField())
    )
    named = Initiative.regions.through.objects.filter(initiative__in=initiatives.values("pk"))
    named = named.order_by().values_list(
        "initiative_id",
        Value(REGION, CharField()),
        Value(None, IntegerField()),
        "region_id",
    )
    result = defaultdict(lambda: defaultdict(set))
    for initiative_id, role, country_id, region_id in countries.union(named, all=True):
        result[initiative_id][role].add(country_id if role != REGION else region_id)
    return result


def counts_by_country(studies):
    """{country id: {role: number of case studies, "total": number in any role}}."""
    counts = defaultdict(lambda: dict.fromkeys([*ROLES, "total"], 0))
    for places in studies.values():
        involved = set()
        for role in ROLES:
            for country_id in places.get(role, ()):
                counts[country_id][role] += 1
                involved.add(country_id)
        for country_id in involved:
            counts[country_id]["total"] += 1
    return dict(counts)


def flow_region(region_id, regions):
    """The region of the flows that `region_id` is in: itself, or its ancestor at FLOW_LEVEL."""
    region = regions.get(region_id)
    while region is not None and region.level > FLOW_LEVEL and region.parent_id in regions:
        region = regions[region.parent_id]
    return region


def beneficiary_places(places, countries, regions):
    """The beneficiaries of a case study: ("country", Country) for each beneficiary country, or
    where it has none, ("region", Region) for each region it names."""
    if places.get(CountryRole.BENEFICIARY):
        return [
            ("country", countries[pk]) for pk in places[CountryRole.BENEFICIARY] if pk in countries
        ]
    return [("region", regions[pk]) for pk in places.get(REGION, ()) if pk in regions]


def region_flows(studies, countries, regions):
    """{(provider region, beneficiary region): number of case studies}, at FLOW_LEVEL."""
    flows = defaultdict(int)
    for places in studies.values():
        providers = {
            flow_region(countries[pk].region_id, regions)
            for pk in places.get(CountryRole.PROVIDER, ())
            if pk in countries
        }
        beneficiaries = {
            flow_region(place.region_id if kind == "country" else place.pk, regions)
            for kind, place in beneficiary_places(places, countries, regions)
        }
        providers.discard(None)
        beneficiaries.discard(None)
        for provider in providers:
            for beneficiary in beneficiaries:
                flows[provider, beneficiary] += 1
    return dict(flows)


def overview():
    """{"by_country": counts_by_country(), "flows": {(provider region id, beneficiary region
    id): n}, "case_studies": n} of every published case study: one query once per content
    state, kept in the shared cache (core/choice_cache.py's cached_result). Reading and
    counting every row of the cooperation takes seconds at 100,000 case studies, so while one
    request counts again, the others get the last figures (stale_ok)."""

    def load():
        studies = case_studies(Initiative.objects.published())
        flows = region_flows(studies, countries_by_id(), regions_by_id())
        return {
            "by_country": counts_by_country(studies),
            "flows": {(source.pk, target.pk): n for (source, target), n in flows.items()},
            "case_studies": len(studies),
        }

    return cached_result("cooperation-overview", (), load, stale_ok=True)


def partners(studies, country, countries, regions):
    """{(the country's role, partner, partner's role): number of case studies} where a partner is
    a Country or a Region (named for the beneficiaries where no country is) and the partner's
    role one of ROLES: everyone else in the case studies `country` takes part in."""
    result = defaultdict(int)
    for places in studies.values():
        own_roles = [role for role in ROLES if country.pk in places.get(role, ())]
        others = set()
        for role in ROLES:
            if role == CountryRole.BENEFICIARY:
                found = beneficiary_places(places, countries, regions)
                others |= {(place, role) for _kind, place in found}
            else:
                others |= {(countries[pk], role) for pk in places.get(role, ()) if pk in countries}
        others = {(place, role) for place, role in others if place != country}
        for own in own_roles:
            for place, role in others:
                result[own, place, role] += 1
    return dict(result)


def country_partners(country):
    """partners() of the published case studies `country` takes part in: one query once per
    content state, kept in the shared cache like overview() (a country in thousands of case
    studies has thousands of rows to read)."""
    countries, regions = countries_by_id(), regions_by_id()

    def load():
        involving = Initiative.objects.published().filter(country_roles__country=country)
        studies = case_studies(involving)
        return {
            (own, isinstance(partner, Country), partner.pk, role): n
            for (own, partner, role), n in partners(studies, country, countries, regions).items()
        }

    kept = cached_result("country-partners", (country.pk,), load, stale_ok=True)
    found = {}
    for (own, is_country, pk, role), n in kept.items():
        partner = (countries if is_country else regions).get(pk)
        if partner is not None:
            found[own, partner, role] = n
    return found


def region_groups(counts, countries, regions):
    """Every country and area by region, for the table under the map: [{region, sub_regions:
    [{region, countries: [(country, counts)]}]}], regions and countries in the page's
    alphabetical order; a country with no region (Antarctica) under a group of its own
    (region None)."""
    zero = dict.fromkeys([*ROLES, "total"], 0)
    tree = defaultdict(lambda: defaultdict(list))
    for country in countries.values():
        sub_region = flow_region(country.region_id, regions)
        top = sub_region
        while top is not None and top.parent_id in regions:
            top = regions[top.parent_id]
        tree[top][sub_region].append((country, counts.get(country.pk, zero)))

    def name(region):
        return region.texts.name if region is not None else ""

    groups = []
    for top in in_order(list(tree), name):
        subs = tree[top]
        groups.append(
            {
                "region": top,
                "sub_regions": [
                    {
                        "region": sub,
                        "countries": in_order(subs[sub], lambda row: row[0].texts.name),
                    }
                    for sub in in_order(list(subs), name)
                ],
            }
        )
    # The countries and areas of no region last.
    groups.sort(key=lambda group: group["region"] is None)
    return groups

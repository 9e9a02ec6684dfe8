"""The country index (/countries/): the world map shaded by the number of published case
studies of each country, in all roles or one (?role=); the same numbers in a table by region;
the flows from providers' regions to beneficiaries' regions (a Sankey diagram and its table).
Every number is checked against the database; drafts and scheduled case studies never count;
a fixed number of queries; the page's weight; odd roles answer 400."""

import gzip
import re
from collections import defaultdict
from datetime import timedelta
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from devtools.samples import count_queries
from initiatives.models import CountryRole, Initiative, InitiativeCountry
from publishing.models import Status
from sscportal.countries import CountryIndexView
from sscportal.world_map import world_map
from taxonomy.models import Country, Region

pytestmark = pytest.mark.django_db

MAX_QUERIES = 10
DISCLAIMER = (
    "The boundaries and names shown and the designations used on this map do not imply "
    "official endorsement or acceptance by the United Nations."
)
ROLES = ["", *CountryRole.values]

# <a href="/countries/KE/" class="shade-3" aria-label="Kenya: 2 case studies">
MAP_LINK = re.compile(
    r'<a href="(?:/[a-z-]+)?/countries/(?P<iso2>[A-Z]{2})/" '
    r'class="shade-(?P<shade>\d)(?P<dot> map-dot)?"\s+'
    r'aria-label="(?P<label>[^"]+)"><title>(?P<title>[^<]+)</title><(?P<shape>path|circle) '
)
TABLE_ROW = re.compile(
    r'<th scope="row"><a href="/countries/(?P<iso2>[A-Z]{2})/">(?P<name>[^<]+)</a></th>'
    r"<td>(?P<groups>[^<]*)</td>\s*"
    r'<td class="number">(?P<provider>\d+)</td><td class="number">(?P<beneficiary>\d+)</td>\s*'
    r'<td class="number">(?P<facilitator>\d+)</td><td class="number">(?P<total>\d+)</td>'
)
FLOW_ROW = re.compile(
    r"<tr><td>(?P<provider>[^<]+)</td><td>(?P<beneficiary>[^<]+)</td>\s*"
    r'<td class="number">(?P<count>\d+)</td></tr>'
)


def world_map_svg(html):
    start = html.index('<svg class="world-map"')
    return html[start : html.index("</svg>", start) + len("</svg>")]


def map_links(html):
    """{ISO code: (shade, accessible name, is a dot)} of the map's links."""
    return {
        match["iso2"]: (int(match["shade"]), unescape(match["label"]), bool(match["dot"]))
        for match in MAP_LINK.finditer(world_map_svg(html))
    }


def table_rows(html):
    section = html[html.index('id="countries-table"') :]
    section = section[: section.index("</section>")]
    return {
        match["iso2"]: {
            "groups": match["groups"].split(", ") if match["groups"] else [],
            **{key: int(match[key]) for key in (*CountryRole.values, "total")},
        }
        for match in TABLE_ROW.finditer(section)
    }


def flow_rows(html):
    section = html[html.index('id="flows-table-caption"') :]
    section = section[: section.index("</table>")]
    return {
        (unescape(match["provider"]), unescape(match["beneficiary"])): int(match["count"])
        for match in FLOW_ROW.finditer(section)
    }


# --- What the database says, worked out here on its own ------------------------------------------


def counts_in_database(role=""):
    """{ISO code: published case studies the country takes part in, in `role` or any}."""
    rows = InitiativeCountry.objects.filter(initiative__in=Initiative.objects.published())
    if role:
        rows = rows.filter(role=role)
    return dict(rows.values_list("country__iso2").annotate(n=Count("initiative", distinct=True)))


def sub_region(region):
    while region.level > Region.Level.SUB_REGION:
        region = region.parent
    return region.name


def flows_in_database():
    """{(providers' sub-region, beneficiaries' sub-region): published case studies}."""
    flows = defaultdict(int)
    for initiative in Initiative.objects.published().prefetch_related(
        "country_roles__country__region__parent", "regions__parent"
    ):
        providers = {
            sub_region(link.country.region)
            for link in initiative.country_roles.all()
            if link.role == CountryRole.PROVIDER
        }
        beneficiaries = {
            sub_region(link.country.region)
            for link in initiative.country_roles.all()
            if link.role == CountryRole.BENEFICIARY
        } or {sub_region(region) for region in initiative.regions.all()}
        for pair in ((p, b) for p in providers for b in beneficiaries):
            flows[pair] += 1
    return dict(flows)


# --- The records -----------------------------------------------------------------------------


@pytest.fixture
def places(regions):
    """Countries with their real M49 codes, so that the map has their shapes; Barbados, too
    small for them, is a dot."""

    def make(name, iso2, code, region, **flags):
        return Country.objects.create(
            name=name,
            slug=name.lower().replace(" ", "-"),
            iso2=iso2,
            iso3=iso2 + "X",
            m49_code=code,
            region=regions[region],
            **flags,
        )

    return {
        "sierra_leone": make("Sierra Leone", "SL", "694", "western_africa", is_ldc=True),
        "mali": make("Mali", "ML", "466", "western_africa", is_ldc=True, is_lldc=True),
        "kenya": make("Kenya", "KE", "404", "eastern_africa"),
        "jamaica": make("Jamaica", "JM", "388", "caribbean", is_sids=True),
        "barbados": make("Barbados", "BB", "052", "caribbean", is_sids=True),
        "colombia": make("Colombia", "CO", "170", "south_america"),
        "chile": make("Chile", "CL", "152", "south_america"),
        "cambodia": make("Cambodia", "KH", "116", "south_east_asia", is_ldc=True),
    }


@pytest.fixture
def cooperation(places, regions, make_initiative):
    """Five published case studies, and three the public cannot see (all with Mali)."""
    p, b, f = CountryRole.PROVIDER, CountryRole.BENEFICIARY, CountryRole.FACILITATOR
    make_initiative(
        "Seeds", countries={places["colombia"]: p, places["kenya"]: b, places["jamaica"]: b}
    )
    make_initiative(
        "Clinics",
        countries={
            places["colombia"]: p,
            places["chile"]: p,
            places["sierra_leone"]: b,
            places["cambodia"]: f,
        },
    )
    # Its beneficiaries are a region, named instead of countries.
    make_initiative(
        "Rice in West Africa",
        countries={places["chile"]: p},
        regions=[regions["western_africa"]],
    )
    make_initiative(
        "Coastal schools",
        countries={places["kenya"]: p, places["colombia"]: b, places["barbados"]: b},
    )
    # Colombia in two roles: once in "All roles".
    make_initiative("Both ways", countries={places["colombia"]: p}).country_roles.create(
        country=places["colombia"], role=b
    )
    later = timezone.now() + timedelta(days=3)
    make_initiative("Draft", status=Status.DRAFT, countries={places["mali"]: p, places["kenya"]: b})
    make_initiative(
        "In review", status=Status.IN_REVIEW, countries={places["mali"]: b, places["chile"]: p}
    )
    make_initiative(
        "Scheduled", published_at=later, countries={places["mali"]: f, places["colombia"]: p}
    )
    return places


# --- The map ---------------------------------------------------------------------------------


def test_the_page_has_the_map_the_table_and_the_flows(client, cooperation):
    response = client.get("/countries/")

    assert response.status_code == 200
    assertContains(response, "<h1>Countries and areas</h1>", html=True)
    html = response.content.decode()
    svg = world_map_svg(html)
    assert re.match(
        r'<svg class="world-map" viewBox="0 0 1000 \d+" role="group"\s+'
        r'aria-labelledby="map-title" aria-describedby="map-desc"><title id="map-title">',
        svg,
    )
    assert '<desc id="map-desc">A world map: 7 countries and areas are shaded' in svg
    assert DISCLAIMER in " ".join(html.split())
    assert '<svg class="sankey"' in html and 'role="img"' in html
    # The menu leads here, and says where the visitor is.
    assertContains(response, '<a href="/countries/" aria-current="page">Countries</a>', html=True)


@pytest.mark.parametrize("role", ROLES)
def test_each_country_with_case_studies_is_a_link_shaded_by_its_number_in_the_role(
    client, cooperation, role
):
    response = client.get(f"/countries/?role={role}" if role else "/countries/")
    links = map_links(response.content.decode())
    expected = counts_in_database(role)

    assert set(links) == set(expected)
    names = dict(Country.objects.values_list("iso2", "name"))
    for iso2, (_shade, label, _dot) in links.items():
        count = expected[iso2]
        assert label == f"{names[iso2]}: {count} case stud{'y' if count == 1 else 'ies'}"
    # The more case studies, the darker; the most, the darkest.
    for a in links:
        for b in links:
            if expected[a] < expected[b]:
                assert links[a][0] < links[b][0]
            if expected[a] == expected[b]:
                assert links[a][0] == links[b][0]
    assert max(shade for shade, _label, _dot in links.values()) == 5


def test_the_shades_and_the_legend_for_all_roles(client, cooperation):
    response = client.get("/countries/")
    links = map_links(response.content.decode())

    # Colombia 4, Kenya and Chile 2, the others 1: four steps, spread over the palette.
    assert {iso2: shade for iso2, (shade, _l, _d) in links.items()} == {
        "CO": 5,
        "KE": 2,
        "CL": 2,
        "JM": 1,
        "SL": 1,
        "KH": 1,
        "BB": 1,
    }
    assert links["CO"][1] == "Colombia: 4 case studies"
    assert links["BB"][2] is True  # too small for a shape: a dot
    assert links["KE"][2] is False
    legend = response.content.decode().split('class="map-legend"')[1].split("</ul>")[0]
    assert re.findall(r'class="swatch shade-(\d)"></span>([^<]*)<', legend) == [
        ("1", "1"),
        ("2", "2"),
        ("4", "3"),
        ("5", "4"),
        ("0", "None"),
    ]


def test_a_country_without_case_studies_is_drawn_but_not_a_link(client, cooperation):
    html = client.get("/countries/").content.decode()
    svg = world_map_svg(html)

    assert 'href="/countries/ML/"' not in svg  # only drafts and scheduled ones involve Mali
    mali = world_map()["shapes"]["466"]
    assert f'<path d="{mali}"/>' in svg.split('<g class="map-land" aria-hidden="true">')[1]
    # Everything not a link is hidden from screen readers, in one group.
    assert svg.count("aria-hidden") == 1


def test_a_role_shows_only_the_countries_in_that_role(client, cooperation):
    links = map_links(client.get("/countries/?role=facilitator").content.decode())
    assert links == {"KH": (5, "Cambodia: 1 case study", False)}

    response = client.get("/countries/?role=provider")
    assertContains(
        response,
        '<a href="/countries/?role=provider" aria-current="page">As a provider</a>',
        html=True,
    )
    assertContains(response, '<a href="/countries/">All roles</a>', html=True)
    assertContains(
        response, '<title id="map-title">Countries and areas by the number of case studies as a'
    )


@pytest.mark.parametrize(
    "query",
    [
        "role=donor",
        "role=PROVIDER",
        "role=provider%20",
        "role=%00",
        "role=%C3%A7",
        f"role={'x' * 3000}",
        "role=provider&role=donor",
        "role[]=provider",
    ],
)
def test_an_unknown_role_answers_400_with_the_map_of_all_roles(client, cooperation, query):
    response = client.get(f"/countries/?{query}")

    if query == "role[]=provider":  # not the role parameter at all: ignored
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assertContains(response, "the map shows the case studies in all roles", status_code=400)
    assert map_links(response.content.decode()) == map_links(
        client.get("/countries/").content.decode()
    )


def test_an_empty_role_is_all_roles(client, cooperation):
    response = client.get("/countries/?role=")
    assert response.status_code == 200
    assert set(map_links(response.content.decode())) == set(counts_in_database())


def test_the_map_is_not_mirrored_in_arabic(client, cooperation):
    english = world_map_svg(client.get("/countries/").content.decode())
    arabic = client.get("/ar/countries/").content.decode()

    assert '<html lang="ar" dir="rtl">' in arabic
    shapes = re.compile(r' d="([^"]+)"')
    assert shapes.findall(world_map_svg(arabic)) == shapes.findall(english)
    assert "transform" not in world_map_svg(arabic)


def test_a_country_the_map_cannot_show_is_named_under_it(client, places, regions, make_initiative):
    tuvalu = Country.objects.create(
        name="Tuvalu", slug="tuvalu", iso2="TV", iso3="TUV", m49_code="798", is_sids=True
    )
    make_initiative(countries={places["kenya"]: CountryRole.PROVIDER, tuvalu: "beneficiary"})

    response = client.get("/countries/")

    assert "TV" not in map_links(response.content.decode())
    assertContains(response, '<a href="/countries/TV/">Tuvalu: 1 case study</a>', html=True)
    assertContains(response, "A world map: 1 country or area is shaded")


def test_with_nothing_published_the_page_still_stands(client, places):
    response = client.get("/countries/")

    assert response.status_code == 200
    assert map_links(response.content.decode()) == {}
    assertContains(response, "No published case study names both a provider and a beneficiary")
    assertContains(response, '<span class="swatch shade-0"></span>None', html=True)


# --- The table -------------------------------------------------------------------------------


def test_the_table_gives_every_country_by_region_with_its_groups_and_counts(client, cooperation):
    html = client.get("/countries/").content.decode()
    rows = table_rows(html)

    assert set(rows) == set(Country.objects.values_list("iso2", flat=True))
    by_role = {role: counts_in_database(role) for role in CountryRole.values}
    totals = counts_in_database()
    for iso2, row in rows.items():
        for role in CountryRole.values:
            assert row[role] == by_role[role].get(iso2, 0), (iso2, role)
        assert row["total"] == totals.get(iso2, 0), iso2
    assert rows["CO"] == {
        "groups": [],
        "provider": 3,
        "beneficiary": 2,
        "facilitator": 0,
        "total": 4,
    }
    assert rows["ML"]["groups"] == ["LDC", "LLDC"]
    assert rows["ML"]["total"] == 0
    assert rows["BB"]["groups"] == ["SIDS"]
    # Grouped by region and sub-region, in alphabetical order.
    groups = re.findall(r'<th scope="rowgroup" colspan="6">([^<]+)</th>', html)
    assert [unescape(group) for group in groups] == [
        "Africa › Sub-Saharan Africa",
        "Americas › Latin America and the Caribbean",
        "Asia › South-eastern Asia",
    ]
    # The table scrolls in its own container, which a keyboard can reach.
    assert '<div class="table-scroll" role="region" tabindex="0"' in html


# --- The flows -------------------------------------------------------------------------------


def test_the_flows_join_providers_regions_to_beneficiaries_regions(client, cooperation):
    html = client.get("/countries/").content.decode()

    assert flow_rows(html) == flows_in_database()
    assert flow_rows(html) == {
        # Seeds, Clinics (two providers in the region: once), Rice in West Africa (a region
        # named for its beneficiaries)
        ("Latin America and the Caribbean", "Sub-Saharan Africa"): 3,
        # Seeds (Jamaica), Both ways
        ("Latin America and the Caribbean", "Latin America and the Caribbean"): 2,
        ("Sub-Saharan Africa", "Latin America and the Caribbean"): 1,  # Coastal schools
    }
    svg = html[html.index('<svg class="sankey"') :]
    svg = svg[: svg.index("</svg>")]
    assert '<title id="flows-title">' in svg and '<desc id="flows-desc">' in svg
    assert svg.count('<path class="flow-') == 3
    assert (
        "<title>From Latin America and the Caribbean to Sub-Saharan Africa: 3 case studies"
        "</title>" in svg
    )
    # Each region is labelled with its number of case studies.
    assert ">Latin America and the Caribbean (5)</tspan>" in svg or (
        ">Latin America and the" in svg and "Caribbean (5)</tspan>" in svg
    )


def test_without_flows_the_page_says_so(client, places, make_initiative):
    make_initiative(countries={places["kenya"]: CountryRole.FACILITATOR})

    response = client.get("/countries/")

    assertContains(response, "No published case study names both a provider and a beneficiary")
    assertNotContains(response, '<svg class="sankey"')


# --- Only what is published ------------------------------------------------------------------


def test_drafts_in_review_and_scheduled_case_studies_count_nowhere(client, cooperation):
    html = client.get("/countries/").content.decode()

    assert "ML" not in map_links(html)
    assert table_rows(html)["ML"]["total"] == 0
    # The draft's Kenya as a beneficiary and the scheduled one's Colombia as a provider: not
    # counted.
    assert table_rows(html)["KE"]["beneficiary"] == 1
    assert table_rows(html)["CO"]["provider"] == 3
    for role in CountryRole.values:
        assert "ML" not in map_links(client.get(f"/countries/?role={role}").content.decode())
    assert sum(flow_rows(html).values()) == 6
    assert "of the 5 published case studies" in html or "the 5 published case studies" in html


# --- Queries, cache, weight ------------------------------------------------------------------


def test_the_page_makes_the_same_few_queries_for_one_and_for_fifty_case_studies(
    client, places, regions, make_initiative
):
    countries = list(places.values())

    def make(index):
        make_initiative(
            countries={
                countries[index % len(countries)]: CountryRole.PROVIDER,
                countries[(index + 1) % len(countries)]: CountryRole.BENEFICIARY,
                countries[(index + 2) % len(countries)]: CountryRole.FACILITATOR,
            },
            regions=[regions["caribbean"]] if index % 3 == 0 else [],
        )

    make(0)
    with_one, response = count_queries(client, "/countries/")
    assert len(map_links(response.content.decode())) == 3
    for index in range(1, 50):
        make(index)
    with_fifty, response = count_queries(client, "/countries/?role=provider")
    assert len(map_links(response.content.decode())) == len(countries)

    print(f"\ncountry index: {with_one} queries with 1 case study, {with_fifty} with 50")
    assert with_one == with_fifty
    assert with_fifty <= MAX_QUERIES


def test_the_page_is_kept_in_the_page_cache(settings, client, cooperation):
    assert CountryIndexView.page_cache is True
    settings.PAGE_CACHE_SECONDS = 300

    assert client.get("/countries/")["X-Page-Cache"] == "miss"
    assert client.get("/countries/")["X-Page-Cache"] == "hit"
    # An unknown role's answer is not kept.
    client.get("/countries/?role=donor")
    assert client.get("/countries/?role=donor")["X-Page-Cache"] == "bypass"


@pytest.mark.parametrize("language", ["en", "ar", "ru"])
def test_the_map_and_the_rest_of_the_page_stay_light(client, make_initiative, language):
    """With every country and area of M49 taking part in case studies, each a link with its
    accessible name: the map under 60 KB compressed, the rest of the page under 30 KB."""
    fixtures = Path(settings.BASE_DIR) / "fixtures"
    call_command(
        "loaddata", fixtures / "01_regions.json", fixtures / "02_countries.json", verbosity=0
    )
    countries = list(Country.objects.order_by("pk"))
    roles = CountryRole.values
    for index in range(40):
        make_initiative(
            countries={
                country: roles[(index + number) % 3]
                for number, country in enumerate(countries[index::40])
            }
        )

    html = client.get(f"/{language}/countries/" if language != "en" else "/countries/")
    html = html.content.decode()
    svg = world_map_svg(html)
    rest = html.replace(svg, "")
    map_size = len(gzip.compress(svg.encode()))
    rest_size = len(gzip.compress(rest.encode()))
    print(f"\n{language}: map {map_size:,} bytes, the rest {rest_size:,} bytes, gzip-compressed")

    assert len(map_links(html)) == len(world_map()["shapes"]) + len(world_map()["dots"])
    assert map_size < 60_000
    assert rest_size < 30_000


# --- The sitemap -----------------------------------------------------------------------------


def test_the_index_is_in_the_sitemap_in_every_language(client):
    sitemap = client.get("/sitemap-pages.xml").content.decode()
    for prefix in ("", "/ar", "/es", "/fr", "/ru", "/zh-hans"):
        assert f"<loc>http://testserver{prefix}/countries/</loc>" in sitemap

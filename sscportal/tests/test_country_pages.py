"""A country's page (/countries/<ISO alpha-2>/): its region and groups, the case studies it
takes part in by role, who it works with (its partners, by role: a diagram and a table), the
events held there, related publications; only what is published; a fixed number of queries; odd
codes answer 404; other pages link country names to it."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from devtools.samples import count_queries, in_days
from initiatives.models import CountryRole, Initiative, Modality
from publishing.models import Status
from sscportal.countries import CASES_PER_ROLE, CHART_WIDTH, EVENTS_PER_LIST, PARTNERS_SHOWN

MAX_QUERIES = 10

pytestmark = pytest.mark.django_db


def text_of(response):
    """The page's visible text, tags removed and white space collapsed."""
    html = response.content.decode()
    body = html[html.index("<main") :]
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


# --- The country, its region and groups --------------------------------------------------------


def test_the_page_names_the_country_its_region_path_and_its_groups(client, countries):
    response = client.get("/countries/ML/")

    assert response.status_code == 200
    assertContains(response, "<title>Mali · ", html=False)
    assertContains(response, '<meta name="description" content="South-South and triangular')
    assertContains(response, "<h1>Mali</h1>", html=True)
    text = text_of(response)
    assert "Home Mali" in text  # the breadcrumbs
    assert "Africa › Sub-Saharan Africa › Western Africa" in text
    for slug, name in (
        ("africa", "Africa"),
        ("sub-saharan-africa", "Sub-Saharan Africa"),
        ("western-africa", "Western Africa"),
    ):
        assertContains(response, f'<a href="/initiatives/?region={slug}">{name}</a>', html=True)
    assertContains(response, "Least developed country (LDC)")
    assertContains(response, "Landlocked developing country (LLDC)")
    assertNotContains(response, "Small island developing State (SIDS)")


def test_a_small_island_state_says_so_and_a_country_in_no_group_shows_none(client, countries):
    assertContains(client.get("/countries/JM/"), "Small island developing State (SIDS)")

    response = client.get("/countries/KE/")
    for group in ("(LDC)", "(LLDC)", "(SIDS)", ">Groups<"):
        assertNotContains(response, group)


def test_a_country_with_nothing_published_says_so(client, countries, make_initiative):
    make_initiative("A draft", status=Status.DRAFT, countries={countries["chile"]: "provider"})

    response = client.get("/countries/CL/")

    assertContains(response, "Nothing involving Chile has been published on the portal yet.")
    assertNotContains(response, "A draft")


# --- Case studies by role ----------------------------------------------------------------------


def test_case_studies_are_grouped_by_the_countrys_role_with_counts(
    client, countries, make_initiative
):
    colombia, chile = countries["colombia"], countries["chile"]
    given = make_initiative("Colombia gives", countries={colombia: CountryRole.PROVIDER})
    make_initiative("Colombia receives", countries={colombia: CountryRole.BENEFICIARY})
    make_initiative(
        "Colombia receives from Chile",
        countries={chile: CountryRole.PROVIDER, colombia: CountryRole.BENEFICIARY},
    )
    make_initiative("Chile alone", countries={chile: CountryRole.PROVIDER})

    response = client.get("/countries/CO/")
    text = text_of(response)

    assert [group["role"] for group in response.context["roles"]] == ["provider", "beneficiary"]
    provider = text.index("As a provider: 1 case study")
    beneficiary = text.index("As a beneficiary: 2 case studies")
    assert provider < text.index("Colombia gives") < beneficiary
    assert beneficiary < text.index("Colombia receives from Chile")
    assert "As a facilitator" not in text
    assert "Chile alone" not in text
    assertContains(response, f'<a href="{given.get_absolute_url()}">Colombia gives</a>', html=True)
    # The cards name each country with its role, linked to its own page.
    assertContains(response, '<a href="/countries/CL/">Chile</a>', html=True)
    # Not more than are shown: no "see all".
    assertNotContains(response, "See all case studies")


def test_a_case_study_with_two_roles_is_in_both_sections(client, countries, make_initiative):
    colombia = countries["colombia"]
    make_initiative(
        "Both ways",
        countries={colombia: CountryRole.PROVIDER},
        modality="bilateral",
    ).country_roles.create(country=colombia, role=CountryRole.BENEFICIARY)

    response = client.get("/countries/CO/")
    text = text_of(response)

    assert "As a provider: 1 case study" in text
    assert "As a beneficiary: 1 case study" in text
    assert response.content.decode().count(">Both ways</a>") == 2


def test_more_case_studies_than_shown_lead_to_the_filtered_list(client, countries, make_initiative):
    colombia = countries["colombia"]
    for number in range(CASES_PER_ROLE + 2):
        make_initiative(
            f"Facilitated {number:02d}",
            published_at=timezone.now() - timedelta(days=number + 1),
            countries={colombia: CountryRole.FACILITATOR},
        )

    response = client.get("/countries/CO/")

    (group,) = response.context["roles"]
    assert group["total"] == CASES_PER_ROLE + 2
    # The newest first, as on the list.
    assert [i.title for i in group["initiatives"]] == [
        f"Facilitated {number:02d}" for number in range(CASES_PER_ROLE)
    ]
    assertContains(response, f"As a facilitator: {CASES_PER_ROLE + 2} case studies")
    assertContains(
        response,
        '<a href="/initiatives/?country=CO">See all case studies involving Colombia</a>',
        html=True,
    )


# --- Only what is published --------------------------------------------------------------------


def test_drafts_and_scheduled_records_are_not_shown(
    client, countries, make_initiative, make_event, make_publication
):
    colombia = countries["colombia"]
    later = timezone.now() + timedelta(days=2)
    public_case = make_initiative("Public case", countries={colombia: CountryRole.PROVIDER})
    draft_case = make_initiative(
        "Draft case", status=Status.DRAFT, countries={colombia: CountryRole.PROVIDER}
    )
    make_initiative(
        "Case in review", status=Status.IN_REVIEW, countries={colombia: CountryRole.BENEFICIARY}
    )
    scheduled_case = make_initiative(
        "Scheduled case", published_at=later, countries={colombia: CountryRole.FACILITATOR}
    )
    public_event = make_event("Public event", country=colombia)
    draft_event = make_event("Draft event", status=Status.DRAFT, country=colombia)
    scheduled_event = make_event("Scheduled event", published_at=later, country=colombia)
    make_publication("Publication on a public case", initiatives=[public_case])
    make_publication("Publication on a public event", events=[public_event])
    make_publication("Draft publication", status=Status.DRAFT, initiatives=[public_case])
    make_publication("Scheduled publication", published_at=later, events=[public_event])
    # Published, but related only to records the public cannot see.
    make_publication("Publication on a draft case", initiatives=[draft_case, scheduled_case])
    make_publication("Publication on hidden events", events=[draft_event, scheduled_event])

    response = client.get("/countries/CO/")
    text = text_of(response)

    for shown in (
        "Public case",
        "Public event",
        "Publication on a public case",
        "Publication on a public event",
    ):
        assert shown in text
    for hidden in (
        "Draft case",
        "Case in review",
        "Scheduled case",
        "Draft event",
        "Scheduled event",
        "Draft publication",
        "Scheduled publication",
        "Publication on a draft case",
        "Publication on hidden events",
    ):
        assert hidden not in text, hidden
    assert "As a provider: 1 case study" in text
    assert "As a beneficiary" not in text
    assert "2 related publications" in text


def test_a_publication_on_several_of_the_countrys_records_is_listed_once(
    client, countries, make_initiative, make_event, make_publication
):
    colombia = countries["colombia"]
    cases = [make_initiative(countries={colombia: CountryRole.PROVIDER}) for _ in range(2)]
    event = make_event(country=colombia)
    publication = make_publication("The compendium", initiatives=cases, events=[event])

    response = client.get("/countries/CO/")

    assert response.context["publications"] == [publication]
    assertContains(response, "1 related publication")
    assertContains(
        response, f'<a href="{publication.get_absolute_url()}">The compendium</a>', html=True
    )


# --- Who the country works with ---------------------------------------------------------------

PARTNER_ROW = re.compile(
    r"<tr>\s*<td>(?P<own>[^<]+)</td><td><a href=\"(?P<url>[^\"]+)\">(?P<partner>[^<]+)</a></td>\s*"
    r'<td>(?P<role>[^<]+)</td><td class="number">(?P<count>\d+)</td></tr>'
)


def partner_rows(response):
    html = response.content.decode()
    if 'id="partners-table-caption"' not in html:
        return {}
    table = html[html.index('id="partners-table-caption"') :]
    table = table[: table.index("</table>")]
    return {
        (row["own"].lower(), row["partner"], row["role"].lower()): int(row["count"])
        for row in PARTNER_ROW.finditer(table)
    }


def partners_in_database(country):
    """{(the country's role, partner, partner's role): published case studies}, worked out
    from each case study's rows: every other country in it, and the regions it names where it
    names no beneficiary country."""
    result = {}
    for initiative in Initiative.objects.published().prefetch_related(
        "country_roles__country", "regions"
    ):
        links = list(initiative.country_roles.all())
        own = {link.role for link in links if link.country == country}
        others = {(link.country.name, link.role) for link in links if link.country != country}
        if not any(link.role == CountryRole.BENEFICIARY for link in links):
            others |= {
                (region.name, CountryRole.BENEFICIARY) for region in initiative.regions.all()
            }
        for role in own:
            for partner, partner_role in others:
                key = (role, partner, partner_role)
                result[key] = result.get(key, 0) + 1
    return result


def test_the_partners_by_role_are_those_of_the_database(
    client, countries, regions, make_initiative
):
    colombia, chile, kenya = countries["colombia"], countries["chile"], countries["kenya"]
    p, b, f = CountryRole.PROVIDER, CountryRole.BENEFICIARY, CountryRole.FACILITATOR
    make_initiative(countries={colombia: p, chile: p, kenya: b, countries["cambodia"]: f})
    make_initiative(countries={colombia: p, kenya: b})
    make_initiative(countries={chile: p, colombia: b})
    # Its beneficiaries are a region, named instead of countries.
    make_initiative(countries={colombia: p}, regions=[regions["caribbean"]])
    make_initiative(countries={colombia: f, chile: p, countries["jamaica"]: b})
    # Never counted: the public cannot see them.
    make_initiative(status=Status.DRAFT, countries={colombia: p, countries["mali"]: b})
    make_initiative(
        published_at=timezone.now() + timedelta(days=2),
        countries={colombia: b, countries["sierra_leone"]: p},
    )

    response = client.get("/countries/CO/")
    rows = partner_rows(response)

    assert rows == partners_in_database(colombia)
    assert rows == {
        ("provider", "Kenya", "beneficiary"): 2,
        ("provider", "Chile", "provider"): 1,
        ("provider", "Cambodia", "facilitator"): 1,
        ("provider", "Caribbean", "beneficiary"): 1,
        ("beneficiary", "Chile", "provider"): 1,
        ("facilitator", "Chile", "provider"): 1,
        ("facilitator", "Jamaica", "beneficiary"): 1,
    }
    for hidden in ("Mali", "Sierra Leone"):
        assert hidden not in str(rows)
    html = response.content.decode()
    assertContains(response, "Who Colombia works with")
    # A partner country links to its page, a region to its case studies.
    assert '<a href="/countries/KE/">Kenya</a>' in html
    assert '<a href="/initiatives/?region=caribbean">Caribbean</a>' in html
    # The diagram: a heading for each role of Colombia, a bar for each partner.
    chart = html[html.index('<svg class="partners-chart"') :]
    chart = chart[: chart.index("</svg>")]
    assert 'role="img"' in chart
    assert 'aria-labelledby="partners-chart-title partners-chart-desc"' in chart
    assert chart.count("<rect ") == len(rows)
    for heading in ("Colombia as a provider", "Colombia as a beneficiary"):
        assert f">{heading}</text>" in chart
    assert ">Kenya (beneficiary)</text>" in chart
    # The longest bar is Kenya's, the one with two case studies; the others half as long.
    widths = [
        float(w)
        for w in re.findall(r'<rect class="bar-\w+" x="[^"]*" y="[^"]*" width="([^"]+)"', chart)
    ]
    assert max(widths) == pytest.approx(2 * min(widths))


def test_the_diagram_shows_the_first_partners_and_the_table_all(
    client, countries, make_initiative, make_country, regions
):
    colombia = countries["colombia"]
    partners = [
        make_country(f"Partner {number:02d}", f"Q{chr(65 + number)}", regions["caribbean"])
        for number in range(PARTNERS_SHOWN + 2)
    ]
    for partner in partners:
        make_initiative(
            countries={colombia: CountryRole.PROVIDER, partner: CountryRole.BENEFICIARY}
        )

    response = client.get("/countries/CO/")

    assert len(partner_rows(response)) == PARTNERS_SHOWN + 2
    html = response.content.decode()
    chart = html[html.index('<svg class="partners-chart"') :]
    assert chart[: chart.index("</svg>")].count("<rect ") == PARTNERS_SHOWN
    assertContains(response, "and 2 more partners, in the table")


def test_a_country_without_partners_has_no_diagram(client, countries, make_initiative):
    make_initiative(countries={countries["colombia"]: CountryRole.PROVIDER})

    response = client.get("/countries/CO/")

    assertNotContains(response, "Who Colombia works with")
    assertNotContains(response, "partners-chart")
    assert "partners-chart" not in client.get("/countries/KE/").content.decode()


def test_the_partners_diagram_runs_from_the_right_in_arabic(client, countries, make_initiative):
    make_initiative(
        countries={countries["colombia"]: CountryRole.PROVIDER, countries["kenya"]: "beneficiary"}
    )

    html = client.get("/ar/countries/CO/").content.decode()

    chart = html[html.index('<svg class="partners-chart"') :]
    (bar,) = re.findall(
        r'<rect class="bar-beneficiary" x="([^"]+)" y="[^"]*" width="([^"]+)"', chart
    )
    # The bar ends at the right edge of the diagram.
    assert float(bar[0]) + float(bar[1]) == pytest.approx(CHART_WIDTH)


# --- Events held there -------------------------------------------------------------------------


def test_events_held_in_the_country_are_listed_upcoming_then_past(client, countries, make_event):
    colombia = countries["colombia"]
    soon = make_event(
        "Bogotá forum",
        starts_at=in_days(3),
        country=colombia,
        city="Bogotá",
        time_zone="America/Bogota",
    )
    make_event("Cartagena meeting", starts_at=in_days(-40), country=colombia)
    make_event("Nairobi expo", starts_at=in_days(5), country=countries["kenya"])
    make_event("Online webinar", starts_at=in_days(5))

    response = client.get("/countries/CO/")
    text = text_of(response)

    assert "1 upcoming event" in text
    assert "1 past event" in text
    assert text.index("Bogotá forum") < text.index("Cartagena meeting")
    assert "Nairobi expo" not in text
    assert "Online webinar" not in text
    # The date in the event's own zone, as on the event pages.
    assert "Bogotá time (UTC-5)" in text
    assertContains(response, f'<a href="{soon.get_absolute_url()}">Bogotá forum</a>', html=True)
    assertContains(response, 'Bogotá, <a href="/countries/CO/">Colombia</a>')


def test_more_events_than_shown_lead_to_the_filtered_event_lists(client, countries, make_event):
    colombia = countries["colombia"]
    for number in range(EVENTS_PER_LIST + 1):
        make_event(starts_at=in_days(10 + number), country=colombia)
        make_event(starts_at=in_days(-10 - number), country=colombia)

    response = client.get("/countries/CO/")

    assert len(response.context["upcoming_events"]) == EVENTS_PER_LIST
    assert len(response.context["past_events"]) == EVENTS_PER_LIST
    assertContains(response, f"{EVENTS_PER_LIST + 1} upcoming events")
    assertContains(response, f"{EVENTS_PER_LIST + 1} past events")
    assertContains(response, 'href="/events/?country=CO"')
    assertContains(response, 'href="/events/?country=CO&amp;when=past"')


# --- Addresses ---------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["COX", "cox", "co", "Co"])
def test_alpha_3_codes_and_lower_case_redirect_to_the_alpha_2_address(client, countries, code):
    # The factory's alpha-3 code is the alpha-2 code and an X.
    response = client.get(f"/countries/{code}/")

    assert response.status_code == 301
    assert response["Location"] == "/countries/CO/"


def test_the_country_knows_its_address(countries):
    assert countries["colombia"].get_absolute_url() == "/countries/CO/"


@pytest.mark.parametrize(
    "code",
    [
        "ZZ",
        "ZZZ",
        "C",
        "COLO",
        "colombia",
        "C0",
        "12",
        "C-",
        "%00%00",
        "%C3%87O",  # ÇO: a letter, but not an ISO code's
        "%20CO",
        "CO%20",
        "..",
        "X" * 5000,
        "%F0%9F%87%A8%F0%9F%87%B4",  # the flag of Colombia
    ],
)
def test_unknown_and_odd_codes_are_not_found(client, countries, code):
    assert client.get(f"/countries/{code}/").status_code == 404


# --- A fixed number of queries -----------------------------------------------------------------


@pytest.fixture
def make_colombian_records(
    countries, regions, make_initiative, make_event, make_publication, make_theme
):
    """make_colombian_records(n): n case studies in each role, n upcoming and n past events in
    Colombia, and a publication for each case study and event."""
    colombia, kenya = countries["colombia"], countries["kenya"]
    theme = make_theme("Health")

    def make(number):
        for index in range(number):
            cases = [
                make_initiative(
                    countries={colombia: role, kenya: CountryRole.BENEFICIARY},
                    regions=[regions["south_america"]],
                    themes=[theme],
                )
                for role in (CountryRole.PROVIDER, CountryRole.FACILITATOR)
            ]
            cases.append(
                make_initiative(
                    countries={colombia: CountryRole.BENEFICIARY, kenya: CountryRole.PROVIDER}
                )
            )
            events = [
                make_event(
                    starts_at=in_days(5 + index), country=colombia, registration_enabled=True
                ),
                make_event(starts_at=in_days(-5 - index), country=colombia),
            ]
            side = make_event(starts_at=in_days(6 + index), country=colombia, parent=events[0])
            make_publication(initiatives=cases)
            make_publication(events=[*events, side])

    return make


def test_the_page_makes_the_same_few_queries_for_one_and_for_fifty_of_everything(
    client, make_colombian_records
):
    make_colombian_records(1)
    with_one, response = count_queries(client, "/countries/CO/")
    assert len(response.context["roles"]) == 3
    assert response.context["charts"]  # the case studies in figures

    make_colombian_records(49)
    with_fifty, response = count_queries(client, "/countries/CO/")
    assert response.context["roles"][0]["total"] == 50
    assert len(response.context["upcoming_events"]) == EVENTS_PER_LIST

    print(f"\ncountry page: {with_one} queries with 1 of everything, {with_fifty} with 50")
    assert with_one == with_fifty
    assert with_fifty <= MAX_QUERIES


# --- Links from other pages ---------------------------------------------------------------------


def test_a_case_study_page_links_its_countries_to_their_pages(client, countries, make_initiative):
    initiative = make_initiative(
        countries={
            countries["cambodia"]: CountryRole.PROVIDER,
            countries["colombia"]: CountryRole.BENEFICIARY,
        }
    )

    response = client.get(initiative.get_absolute_url())

    # The facts list keeps its filter links, and names each country's page after them.
    for iso2, name in (("KH", "Cambodia"), ("CO", "Colombia")):
        assertContains(response, f'<a href="/initiatives/?country={iso2}">{name}</a>', html=True)
        assertContains(
            response,
            f'<a href="/countries/{iso2}/"><span class="visually-hidden">{name}: </span>'
            "country page</a>",
            html=True,
        )
    # The case study list's cards link the names themselves.
    assertContains(client.get("/initiatives/"), '<a href="/countries/KH/">Cambodia</a>', html=True)


def test_an_event_page_links_its_country_to_the_country_page(client, countries, make_event):
    event = make_event(country=countries["kenya"], city="Nairobi")

    response = client.get(event.get_absolute_url())

    assertContains(
        response,
        '<a href="/countries/KE/"><span class="visually-hidden">Kenya: </span>country page</a>',
        html=True,
    )
    assertContains(
        client.get("/events/"), 'Nairobi, <a href="/countries/KE/">Kenya</a>', html=False
    )


def test_the_page_is_there_in_other_languages(client, countries):
    response = client.get("/fr/countries/CO/")

    assert response.status_code == 200
    assert response.context["country"].iso2 == "CO"


def test_country_pages_with_published_content_are_in_the_sitemap_and_have_a_canonical_address(
    client, countries, make_initiative
):
    make_initiative(countries={countries["colombia"]: "provider"})
    make_initiative(status="draft", countries={countries["kenya"]: "beneficiary"})

    sitemap = client.get("/sitemap-countries.xml").content.decode()
    assert "/countries/CO/" in sitemap
    assert "/countries/KE/" not in sitemap  # only a draft involves Kenya
    page = client.get("/countries/CO/").content.decode()
    assert '<link rel="canonical" href="http://testserver/countries/CO/">' in page


# --- The country's case studies in figures (publishing/charts.py) -------------------------------


def test_the_countrys_case_studies_in_figures_count_only_its_published_ones(
    client, countries, sdgs, make_initiative
):
    colombia, kenya = countries["colombia"], countries["kenya"]
    make_initiative(
        countries={colombia: CountryRole.PROVIDER, kenya: CountryRole.BENEFICIARY},
        sdgs=[sdgs[3], sdgs[16]],
        modality=Modality.TRIANGULAR,
        start_year=2015,
    )
    make_initiative(
        countries={colombia: CountryRole.BENEFICIARY},
        sdgs=[sdgs[3]],
        modality=Modality.BILATERAL,
        start_year=2015,
    )
    make_initiative(countries={kenya: CountryRole.PROVIDER}, sdgs=[sdgs[3]])
    make_initiative(countries={colombia: CountryRole.PROVIDER}, sdgs=[sdgs[3]], status=Status.DRAFT)

    response = client.get("/countries/CO/")
    charts = {chart.slug: chart for chart in response.context["charts"]}

    goals = {bar.label: bar for bar in charts["goals"].bars}
    assert {label: bar.count for label, bar in goals.items()} == {
        "Goal 3, Goal name 3": 2,
        "Goal 16, Goal name 16": 1,
    }
    assert {bar.label: bar.count for bar in charts["modalities"].bars} == {
        "Bilateral": 1,
        "Triangular": 1,
    }
    assert {bar.label: bar.count for bar in charts["years"].bars} == {"2015": 2}
    # Each goal leads to the list of the country's case studies serving it: as many.
    for bar in [*charts["goals"].bars, *charts["modalities"].bars]:
        assert bar.url.startswith("/initiatives/?country=CO&")
        listed = client.get(bar.url)
        assert listed.context["paginator"].count == bar.count, bar.url
    assert response.content.decode().count('<svg class="bar-chart"') == 3


def test_a_country_without_case_studies_has_no_figures(client, countries):
    response = client.get("/countries/CO/")
    assert response.context["charts"] == []
    assert b"bar-chart" not in response.content

"""The case-study list's result in figures: charts of the whole filtered result by goal,
region, modality and start year, each bar a link to the narrower list; and the count of the
result beside each goal, theme, region and modality the filter form offers."""

import html
import re
import shutil
import subprocess
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from devtools.node_tools import NodeToolMissing, node_tool
from devtools.samples import count_queries
from initiatives.models import CountryRole, Initiative, Modality
from publishing.models import Status

LIST_URL = "/initiatives/"
MAX_QUERIES = 10

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(make_initiative, make_theme, countries, regions, sdgs):
    """Four case studies in Africa (one named by its region only, one both by a country and by
    name), one in the Caribbean; a draft and a scheduled one that must never count."""
    health = make_theme("Health")
    beneficiary = CountryRole.BENEFICIARY
    made = {
        "sierra_leone": make_initiative(
            countries={countries["sierra_leone"]: beneficiary},
            sdgs=[sdgs[3], sdgs[16]],
            themes=[health],
            modality=Modality.BILATERAL,
            start_year=2015,
        ),
        "kenya": make_initiative(
            countries={countries["kenya"]: beneficiary},
            sdgs=[sdgs[3]],
            themes=[health],
            modality=Modality.TRIANGULAR,
            start_year=2016,
        ),
        "west_africa": make_initiative(
            regions=[regions["western_africa"]],
            sdgs=[sdgs[16]],
            modality=Modality.BILATERAL,
            start_year=2018,
        ),
        "mali_and_west_africa": make_initiative(
            countries={countries["mali"]: beneficiary},
            regions=[regions["western_africa"]],
            sdgs=[sdgs[2]],
            modality=Modality.REGIONAL,
        ),
        "jamaica": make_initiative(
            countries={countries["jamaica"]: beneficiary},
            sdgs=[sdgs[2], sdgs[3]],
            modality=Modality.REGIONAL,
            start_year=2015,
        ),
    }
    for status, published_at in [
        (Status.DRAFT, None),
        (Status.PUBLISHED, timezone.now() + timedelta(days=3)),
    ]:
        make_initiative(
            status=status,
            published_at=published_at,
            countries={countries["kenya"]: beneficiary},
            regions=[regions["caribbean"]],
            sdgs=[sdgs[3], sdgs[16]],
            themes=[health],
            modality=Modality.MULTILATERAL,
            start_year=2015,
        )
    return made


def charts(response):
    assert response.status_code == 200
    return {chart.slug: chart for chart in response.context["charts"]}


def bars(chart):
    return {bar.label: bar for bar in chart.bars}


def query_of(url):
    return parse_qs(urlsplit(url).query)


def test_goal_counts_of_a_result_filtered_by_region_are_the_databases(client, cases, regions, sdgs):
    response = client.get(LIST_URL, {"region": "africa"})

    goals = bars(charts(response)["goals"])
    in_africa = Initiative.objects.published().in_region(regions["africa"])
    expected = {
        f"Goal {goal.number}, Goal name {goal.number}": in_africa.filter(sdgs=goal).count()
        for goal in sdgs.values()
    }
    assert {label: bar.count for label, bar in goals.items()} == expected
    # Not vacuous: Sierra Leone and Kenya serve goal 3, Sierra Leone and the West African case
    # study goal 16, the Malian one goal 2; Jamaica's is outside Africa.
    assert expected == {
        "Goal 2, Goal name 2": 1,
        "Goal 3, Goal name 3": 2,
        "Goal 16, Goal name 16": 2,
    }
    assert response.context["paginator"].count == 4


def test_regions_count_what_the_region_filter_lists_each_case_study_once(client, cases, regions):
    top = bars(charts(client.get(LIST_URL))["regions"])
    assert {label: bar.count for label, bar in top.items()} == {"Africa": 4, "Americas": 1}

    within_africa = bars(charts(client.get(LIST_URL, {"region": "africa"}))["regions"])
    assert {label: bar.count for label, bar in within_africa.items()} == {
        "Sub-Saharan Africa": Initiative.objects.published().in_region(regions["ssa"]).count()
    }
    assert within_africa["Sub-Saharan Africa"].count == 4

    within_ssa = bars(charts(client.get(LIST_URL, {"region": "sub-saharan-africa"}))["regions"])
    # The Malian case study names Western Africa too: it counts there once.
    assert {label: bar.count for label, bar in within_ssa.items()} == {
        "Western Africa": 3,
        "Eastern Africa": 1,
    }


def test_modality_and_start_year_counts(client, cases):
    figures = charts(client.get(LIST_URL, {"region": "africa"}))

    assert {label: bar.count for label, bar in bars(figures["modalities"]).items()} == {
        "Bilateral": 2,
        "Triangular": 1,
        "Regional": 1,
    }
    # The Malian case study gives no start year.
    assert {label: bar.count for label, bar in bars(figures["years"]).items()} == {
        "2015": 1,
        "2016": 1,
        "2018": 1,
    }
    assert all(bar.url is None for bar in figures["years"].bars)


def test_following_a_bar_gives_the_list_narrowed_to_exactly_its_count(client, cases):
    start = {"region": "africa", "sort": "title", "page": "1"}
    figures = charts(client.get(LIST_URL, start))

    followed = 0
    for chart in figures.values():
        for bar in chart.bars:
            if bar.url is None:
                continue
            query = query_of(bar.url)
            assert "page" not in query
            assert query["sort"] == ["title"]
            assert urlsplit(bar.url).path == LIST_URL
            response = client.get(bar.url)
            assert response.status_code == 200
            assert not response.context["filter"].form.errors
            assert response.context["paginator"].count == bar.count, bar.url
            followed += 1
    # Goals (3), sub-regions (1), modalities (3).
    assert followed == 7


def test_bars_of_a_filter_in_use_do_not_link_since_another_value_would_widen_the_result(
    client, cases
):
    figures = charts(client.get(LIST_URL, {"sdg": "3", "modality": "bilateral"}))

    assert figures["goals"].bars and all(bar.url is None for bar in figures["goals"].bars)
    assert all(bar.url is None for bar in figures["modalities"].bars)
    region_links = [bar.url for bar in figures["regions"].bars]
    assert region_links and all(url for url in region_links)
    assert all(query_of(url)["sdg"] == ["3"] for url in region_links)


def test_the_page_draws_each_bar_as_a_named_link_and_the_figures_as_a_table(client, cases):
    response = client.get(LIST_URL, {"region": "africa"})
    content = html.unescape(response.content.decode())

    assert '<details class="result-figures">' in content
    assert content.count('<svg class="bar-chart"') == 4
    link = re.search(r'<a href="([^"]*sdg=3[^"]*)" aria-label="([^"]*)">', content)
    assert link is not None
    assert link.group(2) == "Goal 3, Goal name 3: 2 case studies — show only these"
    assert "region=africa" in link.group(1)
    assert re.search(r"<th scope=\"row\">Goal 3, Goal name 3</th><td>2</td>", content)


def test_the_form_options_show_how_many_of_the_result_each_would_keep(client, cases):
    response = client.get(LIST_URL, {"region": "africa"})
    content = response.content.decode()

    assert '<option value="3">Goal 3: Goal name 3 (2)</option>' in content
    assert '<option value="16" >' not in content
    assert '<option value="16">Goal 16: Goal name 16 (2)</option>' in content
    assert '<option value="health">Health (2)</option>' in content
    assert '<option value="africa" selected>Africa (4)</option>' in content
    assert '<option value="americas">Americas (0)</option>' in content
    assert '<option value="bilateral">Bilateral (2)</option>' in content
    assert '<option value="multilateral">Multilateral (0)</option>' in content


def test_the_counts_beside_options_do_not_stay_in_the_cached_choices(client, cases):
    """The choices are kept between requests (core/choice_cache.py); the counts are not."""
    client.get(LIST_URL, {"region": "africa"})
    content = client.get(LIST_URL, {"region": "americas"}).content.decode()

    assert '<option value="africa">Africa (0)</option>' in content
    assert '<option value="americas" selected>Americas (1)</option>' in content
    assert "(4) (" not in content and "(0) (" not in content


def test_drafts_and_scheduled_case_studies_are_never_counted(client, cases):
    figures = charts(client.get(LIST_URL))
    content = client.get(LIST_URL).content.decode()

    assert bars(figures["goals"])["Goal 3, Goal name 3"].count == 3
    assert "Multilateral" not in bars(figures["modalities"])
    assert '<option value="multilateral">Multilateral (0)</option>' in content
    assert bars(figures["regions"])["Americas"].count == 1  # the draft names the Caribbean
    assert bars(figures["years"])["2015"].count == 2
    assert Initiative.objects.filter(sdgs__number=3).count() == 5


def test_an_empty_result_has_no_figures(client, cases):
    response = client.get(LIST_URL, {"q": "xylophone"})
    assert response.status_code == 200
    assert response.context["charts"] == []
    assert b"result-figures" not in response.content


@pytest.mark.parametrize(
    "query",
    [
        "region=nowhere&sdg=abc&modality=x",
        "sdg=99&theme=%00&year_from=abc",
        "region=asia&region=africa&sdg=16&sdg=3",
        "modality=" + "x" * 5000,
    ],
)
def test_odd_query_strings_give_the_list_with_its_figures_never_a_server_error(
    client, cases, query
):
    response = client.get(f"{LIST_URL}?{query}")
    assert response.status_code == 200
    assert response.context["charts"]


def test_the_arabic_list_draws_the_bars_from_the_right(client, cases):
    response = client.get("/ar/initiatives/", {"region": "africa"})
    figures = charts(response)
    drawn = figures["modalities"].drawn()
    assert drawn[0].label_x == "100%"
    assert drawn[0].bar_x != "0%"


@pytest.fixture
def make_cases(make_initiative, make_theme, countries, regions, sdgs):
    health = make_theme("Health")

    def make(number):
        for index in range(number):
            make_initiative(
                countries={
                    countries["sierra_leone"]: CountryRole.BENEFICIARY,
                    countries["jamaica"]: CountryRole.PROVIDER,
                },
                regions=[regions["western_africa"]],
                sdgs=[sdgs[3], sdgs[16]],
                themes=[health],
                modality=list(Modality)[index % len(Modality)],
                start_year=1990 + index,
            )

    return make


@pytest.mark.parametrize("url", [LIST_URL, f"{LIST_URL}?region=africa&sdg=3&theme=health"])
def test_the_figures_keep_the_list_to_the_same_few_queries_for_one_and_fifty(
    client, make_cases, url
):
    make_cases(1)
    with_one, response = count_queries(client, url)
    cold_one, _ = count_queries(client, url, warm=False)
    assert len(response.context["charts"]) == 4

    make_cases(49)
    with_fifty, response = count_queries(client, url)
    figures = charts(response)
    assert bars(figures["modalities"])["Bilateral"].count == 11  # 1 + 10 of 49
    # 50 start years, grouped by five.
    assert len(figures["years"].bars) == 10

    print(f"\nlist with figures {url}: {with_one} queries with 1, {with_fifty} with 50")
    assert with_one == with_fifty
    assert with_fifty <= MAX_QUERIES
    assert cold_one <= MAX_QUERIES


def test_the_list_with_its_figures_is_valid_html(client, cases, tmp_path):
    java = shutil.which("java")
    if java is None:
        pytest.skip("Java not found: install Debian's default-jre-headless package")
    try:
        vnu = node_tool("vnu-jar/build/dist/vnu.jar")
    except NodeToolMissing as missing:
        pytest.skip(str(missing))
    pages = []
    for name, url in [("en", "/initiatives/?region=africa"), ("ar", "/ar/initiatives/")]:
        path = tmp_path / f"{name}.html"
        path.write_bytes(client.get(url).content)
        pages.append(str(path))
    result = subprocess.run(
        [java, "-jar", str(vnu), "--errors-only", "--exit-zero-always", *pages],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.stderr.strip() == "", result.stderr

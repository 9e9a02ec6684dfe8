"""The goals' pages (/sdgs/ and /sdgs/<number>/): published case studies, events and publications
only, counts that match the database, a fixed number of queries, 404 for what is no goal."""

from datetime import timedelta

import pytest
from django.utils import timezone

from devtools.samples import count_queries, in_days
from initiatives.models import CountryRole, Initiative
from publishing.models import Status
from sscportal.goals import CASES_SHOWN, EVENTS_SHOWN, PUBLICATIONS_SHOWN
from taxonomy.models import SDG

MAX_QUERIES = 10


@pytest.fixture
def all_goals(sdgs):
    """The 17 goals: the three of the `sdgs` fixture and fourteen more."""
    for number in range(1, 18):
        if number not in sdgs:
            SDG.objects.create(
                number=number,
                short_name=f"Goal name {number}",
                title=f"Goal {number}",
                colour="#000",
            )
    return {goal.number: goal for goal in SDG.objects.all()}


def with_goals(record, *goals):
    record.sdgs.add(*goals)
    return record


def published_with_goal(number):
    return Initiative.objects.published().filter(sdgs__number=number).distinct().count()


# --- /sdgs/ --------------------------------------------------------------------------------------


def test_the_goals_page_shows_the_17_goals_with_their_published_case_study_counts(
    client, all_goals, make_initiative, sdg_targets
):
    make_initiative(sdgs=[all_goals[3]])
    make_initiative(targets=[sdg_targets["3.d"]], sdgs=[all_goals[16]])
    make_initiative(status=Status.DRAFT, sdgs=[all_goals[3], all_goals[5]])
    make_initiative(published_at=timezone.now() + timedelta(days=2), sdgs=[all_goals[3]])

    response = client.get("/sdgs/")

    assert response.status_code == 200
    goals = response.context["goals"]
    assert [goal.number for goal in goals] == list(range(1, 18))
    counts = {goal.number: goal.case_studies for goal in goals}
    assert counts == {number: published_with_goal(number) for number in range(1, 18)}
    assert (counts[3], counts[5], counts[16]) == (2, 0, 1)  # no draft, nothing scheduled
    html = response.content.decode()
    assert html.count('class="goal-tile sdg-') == 17
    assert '<a class="goal-tile sdg-3" href="/sdgs/3/">' in html
    assert "2 case studies" in html and "1 case study" in html


def test_the_goals_page_makes_the_same_queries_for_one_and_for_fifty(
    client, all_goals, make_initiative
):
    make_initiative(sdgs=[all_goals[8]])
    with_one, _response = count_queries(client, "/sdgs/")
    for _ in range(49):
        make_initiative(sdgs=[all_goals[8], all_goals[17]])
    with_fifty, response = count_queries(client, "/sdgs/")

    assert {g.number: g.case_studies for g in response.context["goals"]}[8] == 50
    assert with_one == with_fifty <= MAX_QUERIES


# --- /sdgs/<number>/ -----------------------------------------------------------------------------


@pytest.fixture
def goal_three_records(
    all_goals, sdg_targets, countries, regions, make_initiative, make_event, make_publication
):
    three = all_goals[3]
    records = {
        "kenya": make_initiative(
            "Clinics in Kenya",
            countries={countries["kenya"]: CountryRole.BENEFICIARY},
            targets=[sdg_targets["3.d"]],
        ),
        "caribbean": make_initiative(
            "Labs in the Caribbean and Colombia",
            countries={countries["colombia"]: CountryRole.PROVIDER},
            regions=[regions["caribbean"]],
            targets=[sdg_targets["3.3"], sdg_targets["3.d"]],
        ),
        "cambodia": make_initiative(
            "Vaccines for Cambodia and Mali",
            countries={
                countries["cambodia"]: CountryRole.BENEFICIARY,
                countries["mali"]: CountryRole.BENEFICIARY,
            },
            sdgs=[three],
        ),
        "draft": make_initiative(
            "Draft clinic",
            status=Status.DRAFT,
            countries={countries["kenya"]: CountryRole.PROVIDER},
            targets=[sdg_targets["3.d"]],
        ),
        "other goal": make_initiative(
            "Farms", countries={countries["kenya"]: CountryRole.PROVIDER}, sdgs=[all_goals[2]]
        ),
        "event": with_goals(make_event("Health ministers meet", starts_at=in_days(10)), three),
        "past event": with_goals(make_event("Health forum 2020", starts_at=in_days(-400)), three),
        "draft event": with_goals(make_event("Draft event", status=Status.DRAFT), three),
        "publication": make_publication("Health report", sdgs=[three]),
        "draft publication": make_publication("Draft report", status=Status.DRAFT, sdgs=[three]),
    }
    return records


def test_a_goal_page_shows_its_name_text_and_targets_with_their_counts(client, goal_three_records):
    response = client.get("/sdgs/3/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Goal name 3</h1>" in html
    assert '<p class="lede">Goal 3</p>' in html
    targets = {target.code: target.case_studies for target in response.context["targets"]}
    assert list(targets) == ["3.3", "3.d"]  # the goal's own, in order
    for code, count in targets.items():
        published = Initiative.objects.published().filter(targets__code=code).count()
        assert count == published
    assert targets == {"3.3": 1, "3.d": 2}  # the draft is not counted
    assert '<a href="/initiatives/?target=3.d">2 case studies with target 3.d</a>' in html
    assert "Strengthen the capacity for early warning" in html


def test_a_goal_page_lists_published_case_studies_events_and_publications_only(
    client, goal_three_records
):
    response = client.get("/sdgs/3/")

    context = response.context
    assert context["case_studies_total"] == published_with_goal(3) == 3
    assert {i.title for i in context["case_studies"]} == {
        "Clinics in Kenya",
        "Labs in the Caribbean and Colombia",
        "Vaccines for Cambodia and Mali",
    }
    assert [event.title for event in context["events"]] == [
        "Health ministers meet",  # upcoming first
        "Health forum 2020",
    ]
    assert context["events_total"] == 2
    assert [p.title for p in context["publications"]] == ["Health report"]
    html = response.content.decode()
    assert "Draft" not in html and "Farms" not in html
    assert '<a href="/initiatives/?sdg=3">' in html


def test_a_goal_page_counts_case_studies_by_m49_region_as_the_database_does(
    client, goal_three_records, regions
):
    response = client.get("/sdgs/3/")

    by_region = {region.name: count for region, count in response.context["case_studies_by_region"]}
    # Every M49 top-level region of the database, in M49 order.
    assert list(by_region) == ["Africa", "Americas", "Asia"]
    for region, count in response.context["case_studies_by_region"]:
        expected = (
            Initiative.objects.published()
            .filter(sdgs__number=3)
            .in_region(region)
            .distinct()
            .count()
        )
        assert count == expected, region.name
    # Kenya, and Mali; Colombia and the named Caribbean (one case study); Cambodia.
    assert by_region == {"Africa": 2, "Americas": 1, "Asia": 1}


def test_a_goal_with_nothing_published_says_so(client, all_goals):
    response = client.get("/sdgs/11/")

    assert response.status_code == 200
    assert response.context["case_studies_total"] == 0
    assert "No case study contributing to this goal has been published yet." in (
        response.content.decode()
    )


@pytest.mark.parametrize("number", ["0", "18", "x", "3x", "99999999999999999999", "%C2%B3"])
def test_what_is_no_goal_is_not_found(client, all_goals, number):
    assert client.get(f"/sdgs/{number}/").status_code == 404


def test_a_goal_number_with_a_leading_zero_redirects(client, all_goals):
    response = client.get("/sdgs/08/")

    assert response.status_code == 301
    assert response["Location"] == "/sdgs/8/"


@pytest.fixture
def make_goal_records(all_goals, sdg_targets, countries, regions, make_initiative, make_event):

    def make(number):
        for index in range(number):
            make_initiative(
                countries={
                    countries["kenya"]: CountryRole.PROVIDER,
                    countries["colombia"]: CountryRole.BENEFICIARY,
                },
                regions=[regions["caribbean"]],
                targets=[sdg_targets["3.d"], sdg_targets["3.3"]],
            )
            with_goals(
                make_event(starts_at=in_days(5 + index), registration_enabled=True), all_goals[3]
            )
            with_goals(make_event(starts_at=in_days(-5 - index)), all_goals[3])

    return make


def test_a_goal_page_makes_the_same_few_queries_for_one_and_for_fifty(
    client, make_goal_records, make_publication, all_goals
):
    make_goal_records(1)
    make_publication(sdgs=[all_goals[3]])
    with_one, response = count_queries(client, "/sdgs/3/")
    assert response.context["case_studies_total"] == 1

    make_goal_records(49)
    for _ in range(49):
        make_publication(sdgs=[all_goals[3]])
    with_fifty, response = count_queries(client, "/sdgs/3/")

    context = response.context
    assert context["case_studies_total"] == 50 and len(context["case_studies"]) == CASES_SHOWN
    assert context["events_total"] == 100 and len(context["events"]) == EVENTS_SHOWN
    assert context["publications_total"] == 50
    assert len(context["publications"]) == PUBLICATIONS_SHOWN
    assert {r.name: n for r, n in context["case_studies_by_region"]}["Americas"] == 50
    print(f"\ngoal page: {with_one} queries with 1 of everything, {with_fifty} with 50")
    assert with_one == with_fifty <= MAX_QUERIES


def test_the_goal_pages_are_cached_for_visitors(client, all_goals, settings):
    settings.PAGE_CACHE_SECONDS = 300

    first = client.get("/sdgs/3/")
    second = client.get("/sdgs/3/")

    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert client.get("/sdgs/")["X-Page-Cache"] == "miss"


def test_the_goal_pages_are_in_the_sitemap_in_every_language(client, all_goals):
    sitemap = client.get("/sitemap-goals.xml").content.decode()

    for number in (1, 8, 17):
        for prefix in ("", "/ar", "/es", "/fr", "/ru", "/zh-hans"):
            assert f"<loc>http://testserver{prefix}/sdgs/{number}/</loc>" in sitemap
    assert sitemap.count("<url>") == 17 * 6
    assert "http://testserver/fr/sdgs/</loc>" in client.get("/sitemap-pages.xml").content.decode()


def test_a_goal_page_is_there_in_arabic(client, all_goals):
    response = client.get("/ar/sdgs/3/")

    assert response.status_code == 200
    assert 'dir="rtl"' in response.content.decode()


def test_an_event_page_links_its_goals_to_their_pages(client, all_goals, make_event):
    event = with_goals(make_event(), all_goals[3])

    html = client.get(event.get_absolute_url()).content.decode()

    assert 'href="/sdgs/3/"><span class="sdg-number">3</span> Goal name 3</a>' in html


def test_a_case_study_page_lists_its_targets_linked_to_the_filtered_list(
    client, make_initiative, sdg_targets
):
    initiative = make_initiative(targets=[sdg_targets["3.d"]])

    html = client.get(initiative.get_absolute_url()).content.decode()

    assert '<a href="/initiatives/?target=3.d"><bdi dir="ltr" class="target-code">3.d</bdi>' in html
    assert "Strengthen the capacity for early warning" in html


def test_a_goal_page_charts_its_case_studies_by_region_modality_and_start_year(
    client, sdgs, make_initiative, regions, countries
):
    from initiatives.models import Modality

    kenya = {countries["kenya"]: CountryRole.PROVIDER}
    make_initiative(
        "One", sdgs=[sdgs[3]], countries=kenya, modality=Modality.BILATERAL, start_year=2015
    )
    make_initiative("Two", sdgs=[sdgs[3]], modality=Modality.TRIANGULAR, start_year=2015)
    make_initiative("Three", sdgs=[sdgs[3]], modality=Modality.TRIANGULAR)
    make_initiative("Other goal", sdgs=[sdgs[2]], modality=Modality.BILATERAL, start_year=2010)
    make_initiative("Draft", sdgs=[sdgs[3]], status=Status.DRAFT, modality=Modality.REGIONAL)

    response = client.get("/sdgs/3/")

    charts = {chart.slug: chart for chart in response.context["charts"]}
    goal_three = Initiative.objects.published().filter(sdgs__number=3)
    modalities = {bar.url.rsplit("=", 1)[1]: bar.count for bar in charts["modalities"].bars}
    assert modalities == {
        value: goal_three.filter(modality=value).count()
        for value in goal_three.values_list("modality", flat=True).distinct()
    }
    assert modalities == {"bilateral": 1, "triangular": 2}
    assert [(bar.label, bar.count) for bar in charts["years"].bars] == [("2015", 2)]
    html = response.content.decode()
    assert 'href="/initiatives/?sdg=3&amp;modality=triangular"' in html
    assert 'href="/initiatives/?sdg=3&amp;region=africa"' in html
    listed = client.get("/initiatives/?sdg=3&modality=triangular").context["paginator"].count
    assert listed == 2

"""The case-study list written from what it keeps between requests (the filter form's options,
the cards, the figures of a result) is the page written afresh, and a change of content shows
on the next request."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.choice_cache import forget_choices
from initiatives.models import CountryRole, Modality

LIST_URL = "/initiatives/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(make_initiative, make_theme, countries, sdgs):
    health = make_theme("Health")
    make_initiative(
        "Vaccine know-how",
        countries={countries["kenya"]: CountryRole.BENEFICIARY},
        themes=[health],
        sdgs=[sdgs[3]],
        modality=Modality.BILATERAL,
    )
    make_initiative(
        "Seed banks",
        countries={countries["chile"]: CountryRole.PROVIDER},
        sdgs=[sdgs[2]],
        modality=Modality.TRIANGULAR,
    )


def afresh(client, url):
    cache.clear()
    forget_choices()
    return client.get(url).content.decode()


@pytest.mark.parametrize(
    "url",
    [
        LIST_URL,
        f"{LIST_URL}?modality=triangular&sort=title",
        f"{LIST_URL}?country=KE&sdg=3",
        f"{LIST_URL}?region=nowhere&year_from=abc",
        f"/fr{LIST_URL}?theme=health",
        f"/ar{LIST_URL}",
        "/publications/",
        "/events/",
    ],
)
def test_a_page_from_what_is_kept_is_the_page_written_afresh(client, cases, url):
    first = afresh(client, url)

    assert client.get(url).content.decode() == first
    assert client.get(url).content.decode() == first


def test_the_chosen_options_are_selected_for_this_request_only(client, cases):
    chosen = client.get(f"{LIST_URL}?modality=triangular&country=KE&sort=title").content.decode()
    plain = client.get(LIST_URL).content.decode()

    assert '<option value="triangular" selected>' in chosen
    assert '<option value="KE" selected>' in chosen
    assert '<option value="title" selected>' in chosen
    assert '<option value="" selected>All countries</option>' not in chosen
    assert " selected>" not in plain.replace('<option value="" selected>', "").replace(
        '<option value="newest" selected>', ""
    )


def test_counts_beside_options_follow_the_filters(client, cases):
    everything = client.get(LIST_URL).content.decode()
    triangular = client.get(f"{LIST_URL}?modality=triangular").content.decode()

    assert "Health (1)" in everything
    assert "Health (0)" in triangular


def test_invalid_filters_are_still_reported_when_the_form_is_kept(client, cases):
    for _ in range(2):
        response = client.get(f"{LIST_URL}?country=ZZ")
        assert response.status_code == 200
        assert "country" in response.context["filter"].form.errors


def test_a_new_theme_and_country_are_offered_after_a_save(
    client, cases, make_initiative, make_theme, countries, sdgs
):
    for url in (LIST_URL, f"/fr{LIST_URL}"):
        page = client.get(url).content.decode()
        assert 'value="water"' not in page
        assert 'value="JM"' not in page
        assert "Goal name 16 (0)" in page

    make_initiative(
        "Rain harvesting",
        countries={countries["jamaica"]: CountryRole.BENEFICIARY},
        themes=[make_theme("Water")],
        sdgs=[sdgs[16]],
    )

    for url in (LIST_URL, f"/fr{LIST_URL}"):
        page = client.get(url).content.decode()
        assert 'value="water"' in page
        assert 'value="JM"' in page
        assert "Goal name 16 (1)" in page  # the figures of the result too
        assert "Rain harvesting" in page


def test_a_card_changes_with_its_case_study(client, cases):
    from initiatives.models import Initiative

    assert ">Vaccine know-how</a>" in client.get(LIST_URL).content.decode()
    initiative = Initiative.objects.get(title="Vaccine know-how")
    initiative.title = "Vaccines shared"
    initiative.save()

    page = client.get(LIST_URL).content.decode()
    assert ">Vaccines shared</a>" in page
    assert ">Vaccine know-how</a>" not in page


def test_the_filter_form_and_the_charts_are_written_once_per_filters(
    client, cases, make_initiative
):
    for number in range(25):
        make_initiative(f"Case {number}", modality=Modality.TRIANGULAR)

    def templates(url):
        return {template.name for template in client.get(url).templates}

    first = templates(f"{LIST_URL}?modality=triangular")
    again = templates(f"{LIST_URL}?modality=triangular")
    second_page = templates(f"{LIST_URL}?modality=triangular&page=2")
    other = templates(f"{LIST_URL}?modality=bilateral")

    assert {"includes/field.html", "includes/bar_chart.html"} <= first
    assert not {"includes/field.html", "includes/bar_chart.html"} & (again | second_page)
    assert {"includes/field.html", "includes/bar_chart.html"} <= other


def test_a_kept_list_reads_its_count_and_both_fragments_in_one_round_trip(
    client, cases, monkeypatch
):
    url = "/initiatives/?modality=bilateral"
    first = client.get(url).content
    asked, within_many = [], []
    get, get_many = cache.get, cache.get_many

    def one(key, *args, **kwargs):
        if not within_many:  # the local-memory cache's get_many asks get for each key
            asked.append([key])
        return get(key, *args, **kwargs)

    def many(keys, *args, **kwargs):
        asked.append(list(keys))
        within_many.append(True)
        try:
            return get_many(keys, *args, **kwargs)
        finally:
            within_many.pop()

    monkeypatch.setattr(cache, "get", one)
    monkeypatch.setattr(cache, "get_many", many)
    again = client.get(url).content

    assert again == first
    kept = [
        [key for key in keys if key.startswith(("portal:fragment:", "portal:result:list-count"))]
        for keys in asked
    ]
    assert [len(keys) for keys in kept if keys] == [3]  # the count, the form, the charts


def test_while_one_request_counts_a_list_again_the_others_show_its_last_count(
    client, cases, make_initiative, monkeypatch
):
    """A list's count is kept as its figures are: after a change, the first request counts it
    again and one that comes meanwhile shows the count from before, without counting too (at
    100,000 case studies a common word's count takes more than half a second)."""
    assert "2 case studies" in client.get(LIST_URL).content.decode()
    make_initiative("Solar pumps")  # a change of content: the kept count is no longer current

    add = cache.add

    def another_request_is_loading(key, *args, **kwargs):
        return False if key.endswith(":loading") else add(key, *args, **kwargs)

    with monkeypatch.context() as patched, CaptureQueriesContext(connection) as queries:
        patched.setattr(cache, "add", another_request_is_loading)
        meanwhile = client.get(LIST_URL).content.decode()
    assert "2 case studies" in meanwhile
    assert not [query for query in queries if "COUNT(" in query["sql"]]

    # That request done, the next one counts afresh (here, nobody else is counting).
    assert "3 case studies" in client.get(LIST_URL).content.decode()

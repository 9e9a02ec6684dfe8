"""The reference-data admins: every changelist loads and its search finds the right rows."""

import pytest
from django.urls import reverse

from devtools.samples import autocomplete
from taxonomy.models import Organisation, SDGTarget, Source


def listed(response):
    assert response.status_code == 200
    return sorted(str(obj) for obj in response.context["cl"].result_list)


@pytest.fixture
def organisations(make_organisation, countries):
    return [
        make_organisation("Japan International Cooperation Agency", "JICA"),
        make_organisation("Food and Agriculture Organization", "FAO"),
        Organisation.objects.create(
            name="Colombian Presidential Agency of International Cooperation",
            slug="apc-colombia",
            acronym="APC-Colombia",
            kind=Organisation.Kind.GOVERNMENT,
            country=countries["colombia"],
        ),
    ]


@pytest.fixture
def sources(db):
    return [
        Source.objects.create(
            title="The best example of solidarity among countries",
            slug="un-2021",
            publisher="United Nations",
            year=2021,
        ),
        Source.objects.create(
            title="What Is South-South Cooperation?",
            slug="unossc-what-is",
            publisher="UNOSSC",
            note="An explainer of the basic elements.",
        ),
    ]


@pytest.fixture
def themes(make_theme):
    health = make_theme("Health")
    health.description = "Epidemics and nutrition."
    health.save()
    return [health, make_theme("Food security"), make_theme("Peace and security")]


@pytest.fixture
def targets(sdgs):
    return [
        SDGTarget.objects.create(goal=sdgs[number], code=code, text=text)
        for number, code, text in [
            (2, "2.1", "End hunger and ensure access to food."),
            (3, "3.2", "End preventable deaths of newborns."),
            (16, "16.2", "End abuse and exploitation of children."),
        ]
    ]


# (admin URL name, fixture that makes the records, how many, search term, what it finds)
CASES = [
    ("admin:taxonomy_region_changelist", "regions", 10, "africa", [
        "Africa", "Eastern Africa", "Sub-Saharan Africa", "Western Africa",
    ]),
    ("admin:taxonomy_region_changelist", "regions", 10, "419", [
        "Latin America and the Caribbean",
    ]),
    ("admin:taxonomy_country_changelist", "countries", 7, "kenya", ["Kenya"]),
    ("admin:taxonomy_country_changelist", "countries", 7, "JM", ["Jamaica"]),
    ("admin:taxonomy_sdg_changelist", "sdgs", 3, "name 16", ["Goal 16: Goal name 16"]),
    ("admin:taxonomy_sdgtarget_changelist", "targets", 3, "16.2", ["16.2"]),
    ("admin:taxonomy_sdgtarget_changelist", "targets", 3, "end hunger", ["2.1"]),
    ("admin:taxonomy_theme_changelist", "themes", 3, "security", [
        "Food security", "Peace and security",
    ]),
    ("admin:taxonomy_theme_changelist", "themes", 3, "epidemics", ["Health"]),
    ("admin:taxonomy_organisation_changelist", "organisations", 3, "jica", [
        "Japan International Cooperation Agency (JICA)",
    ]),
    ("admin:taxonomy_organisation_changelist", "organisations", 3, "agency", [
        "Colombian Presidential Agency of International Cooperation (APC-Colombia)",
        "Japan International Cooperation Agency (JICA)",
    ]),
    ("admin:taxonomy_source_changelist", "sources", 2, "unossc", [
        "What Is South-South Cooperation?",
    ]),
    ("admin:taxonomy_source_changelist", "sources", 2, "solidarity", [
        "The best example of solidarity among countries (2021)",
    ]),
]  # fmt: skip


@pytest.mark.parametrize(("url_name", "records", "count", "term", "expected"), CASES)
def test_changelist_lists_everything_and_search_finds_the_matching_rows(
    admin_client, request, url_name, records, count, term, expected
):
    request.getfixturevalue(records)

    everything = admin_client.get(reverse(url_name))
    found = admin_client.get(reverse(url_name), {"q": term})

    assert len(listed(everything)) == count
    assert listed(found) == expected


@pytest.mark.parametrize(
    "model", ["region", "country", "sdg", "sdgtarget", "theme", "organisation", "source"]
)
def test_add_form_loads(admin_client, model):
    response = admin_client.get(reverse(f"admin:taxonomy_{model}_add"))

    assert response.status_code == 200
    assert response.context["adminform"].form.fields


def test_country_changelist_filters_by_group(admin_client, countries):
    response = admin_client.get(reverse("admin:taxonomy_country_changelist"), {"is_sids__exact": 1})

    assert listed(response) == ["Jamaica"]


def test_target_changelist_filters_by_goal(admin_client, sdgs, targets):
    url = reverse("admin:taxonomy_sdgtarget_changelist")

    response = admin_client.get(url, {"goal__id__exact": sdgs[3].pk})

    assert listed(response) == ["3.2"]


def test_country_autocomplete_answers_for_an_organisation_country(admin_client, countries):
    results = autocomplete(admin_client, "taxonomy", "organisation", "country", "col")

    assert results == [{"id": str(countries["colombia"].pk), "text": "Colombia"}]


def test_region_autocomplete_answers_for_a_parent_region(admin_client, regions):
    results = autocomplete(admin_client, "taxonomy", "region", "parent", "asia")

    assert [result["text"] for result in results] == [
        "Asia",
        "South-eastern Asia",
    ]

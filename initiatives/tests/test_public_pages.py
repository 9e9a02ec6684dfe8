"""The public case-study page, its preview for editors, and the other public pages."""

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone, translation
from pytest_django.asserts import assertContains, assertNotContains

from initiatives.models import (
    CooperationForm,
    CountryRole,
    Modality,
    OrganisationRole,
    ProjectStatus,
)
from publishing.models import Status
from taxonomy.models import Source

pytestmark = pytest.mark.django_db

PREVIEW_BANNER = 'class="preview-banner"'


def related_titles(client, initiative):
    """The titles of the related case studies on the case study's page, in order."""
    response = client.get(initiative.get_absolute_url())
    assert response.status_code == 200
    return [related.title for related in response.context["related"]]


@pytest.fixture
def full_case(make_initiative, make_theme, make_organisation, countries, regions, sdgs, source):
    """A published case study with every field filled in."""
    source.publisher = "UNOSSC"
    source.url = "https://example.org/report.pdf"
    source.published_on = date(2021, 3, 15)
    source.accessed_on = date(2026, 11, 20)
    source.save()
    second_source = Source.objects.create(
        title="Field notes", slug="field-notes", publisher="", year=None
    )
    jica = make_organisation("Japan International Cooperation Agency", "JICA")
    jica.website = "https://www.jica.go.jp/"
    jica.save()
    undp = make_organisation("United Nations Development Programme", "UNDP")
    initiative = make_initiative(
        "Demining expertise from Cambodia to Colombia",
        summary="Cambodian deminers shared their methods with Colombian teams.",
        modality=Modality.TRIANGULAR,
        challenge="Landmines kept farmers off their land.",
        solution="Experts trained local teams in manual demining.",
        results="Two hundred hectares were cleared.",
        replication="The method suits other post-conflict countries.",
        project_status=ProjectStatus.ONGOING,
        start_year=2018,
        end_year=2021,
        budget_amount=Decimal("1250000.00"),
        budget_currency="USD",
        contact_name="Ana Pérez",
        contact_email="ana.perez@example.org",
        source_note="The two sources disagree on the area cleared; this record follows the report.",
        countries={
            countries["cambodia"]: CountryRole.PROVIDER,
            countries["colombia"]: CountryRole.BENEFICIARY,
            countries["chile"]: CountryRole.FACILITATOR,
        },
        organisations={jica: OrganisationRole.SUPPORTING, undp: OrganisationRole.IMPLEMENTING},
        regions=[regions["south_america"]],
        themes=[make_theme("Peace and security"), make_theme("Agriculture")],
        sdgs=[sdgs[16], sdgs[2]],
        sources=[source, second_source],
    )
    initiative.cooperation_forms.set(
        [
            CooperationForm.objects.create(name="Knowledge sharing", slug="knowledge-sharing"),
            CooperationForm.objects.create(name="Training", slug="training"),
        ]
    )
    return initiative


def text_of(response):
    """The page's text without tags and with whitespace collapsed, for reading order checks."""
    page = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(page.split())


# --- The case-study page -----------------------------------------------------------------------


def test_the_case_study_page_shows_the_narrative_fields(client, full_case):
    response = client.get(full_case.get_absolute_url())

    assert response.status_code == 200
    for heading, text in [
        ("Challenge", "Landmines kept farmers off their land."),
        ("Towards a solution", "Experts trained local teams in manual demining."),
        ("Results", "Two hundred hectares were cleared."),
        ("Potential for replication", "The method suits other post-conflict countries."),
    ]:
        assertContains(response, f">{heading}</h2>")
        assertContains(response, f"<p>{text}</p>", html=True)
    assertContains(response, "<h1>Demining expertise from Cambodia to Colombia</h1>", html=True)
    assertContains(response, "Cambodian deminers shared their methods with Colombian teams.")


def test_the_case_study_page_shows_the_facts(client, full_case):
    response = client.get(full_case.get_absolute_url())
    text = text_of(response)

    assertContains(
        response, '<a href="/initiatives/?modality=triangular">Triangular</a>', html=True
    )
    assertContains(response, '<a href="/initiatives/?status=ongoing">Ongoing</a>', html=True)
    assert "Period 2018–2021" in text
    assert "Budget USD 1,250,000" in text
    assertContains(response, "Ana Pérez")
    assertContains(
        response,
        '<a href="mailto:ana.perez@example.org">ana.perez@example.org</a>',
        html=True,
    )
    assert "Forms of cooperation Knowledge sharing Training" in text


def test_an_ongoing_project_without_an_end_year_shows_an_open_period(client, make_initiative):
    initiative = make_initiative("Open", start_year=2019, project_status=ProjectStatus.ONGOING)

    text = text_of(client.get(initiative.get_absolute_url()))

    assert "Period 2019–" in text
    assert "2019–20" not in text


def test_empty_fields_leave_no_empty_headings(client, make_initiative):
    initiative = make_initiative("Bare")

    response = client.get(initiative.get_absolute_url())

    assert response.status_code == 200
    for heading in (
        ">Challenge<",
        ">Towards a solution<",
        ">Potential for replication<",
        ">Period<",
        ">Budget<",
        ">Contact<",
        ">Project status<",
        ">Forms of cooperation<",
        ">Themes<",
        ">Note on the sources<",
    ):
        assertNotContains(response, heading)


def test_countries_are_listed_under_their_roles_and_link_to_the_filtered_list(client, full_case):
    response = client.get(full_case.get_absolute_url())
    text = text_of(response)

    assert "Provider Cambodia" in text
    assert "Beneficiary Colombia" in text
    assert "Facilitator Chile" in text
    for iso2, name in (("KH", "Cambodia"), ("CO", "Colombia"), ("CL", "Chile")):
        assertContains(response, f'<a href="/initiatives/?country={iso2}">{name}</a>', html=True)
    assertContains(
        response, '<a href="/initiatives/?region=south-america">South America</a>', html=True
    )


def test_country_roles_are_shown_in_the_order_they_are_declared(client, full_case):
    """`group_by_role` promises the roles "in the order the roles are declared" (provider,
    beneficiary, facilitator): who gives, then who receives."""
    text = text_of(client.get(full_case.get_absolute_url()))

    provider = text.index("Provider Cambodia")
    beneficiary = text.index("Beneficiary Colombia")
    facilitator = text.index("Facilitator Chile")
    assert provider < beneficiary < facilitator


def test_organisations_are_listed_under_their_roles(client, full_case):
    response = client.get(full_case.get_absolute_url())
    text = text_of(response)

    assert "Implementing organisations United Nations Development Programme (UNDP)" in text
    assert "Supporting organisations Japan International Cooperation Agency (JICA)" in text
    assertContains(
        response,
        '<a href="https://www.jica.go.jp/" rel="noopener">'
        "Japan International Cooperation Agency (JICA)</a>",
        html=True,
    )


def test_themes_and_goals_link_to_the_filtered_list(client, full_case):
    response = client.get(full_case.get_absolute_url())

    assertContains(
        response,
        '<a class="chip" href="/initiatives/?theme=peace-and-security">Peace and security</a>',
        html=True,
    )
    assertContains(
        response,
        '<a class="chip" href="/initiatives/?theme=agriculture">Agriculture</a>',
        html=True,
    )
    assertContains(response, 'href="/initiatives/?sdg=2"')
    assertContains(response, 'href="/initiatives/?sdg=16"')
    assertContains(response, '<span class="sdg-number">16</span> Goal name 16')


def test_the_links_on_the_case_study_page_find_the_case_study(client, full_case):
    """Every filter link on the page leads to a list that includes this case study."""
    response = client.get(full_case.get_absolute_url())
    links = {
        href.replace("&amp;", "&")
        for href in re.findall(r'href="(/initiatives/\?[^"]+)"', response.content.decode())
    }

    assert {
        "/initiatives/?modality=triangular",
        "/initiatives/?status=ongoing",
        "/initiatives/?country=KH",
        "/initiatives/?country=CO",
        "/initiatives/?country=CL",
        "/initiatives/?region=south-america",
        "/initiatives/?theme=peace-and-security",
        "/initiatives/?theme=agriculture",
        "/initiatives/?sdg=2",
        "/initiatives/?sdg=16",
    } <= links
    for link in links:
        listed = client.get(link)
        assert full_case.title in {i.title for i in listed.context["object_list"]}, link


def test_the_sources_are_cited_with_the_note_on_them(client, full_case):
    response = client.get(full_case.get_absolute_url())

    # A full reference: the title linked to its address, the publisher, the day of publication
    # and the day the address was last checked.
    assertContains(
        response,
        '<li><bdi><a href="https://example.org/report.pdf" rel="external noopener">'
        "<cite>A source document</cite></a></bdi>, <bdi>UNOSSC</bdi>, "
        '<time datetime="2021-03-15">15 March 2021</time>. <span class="source-accessed">'
        'Accessed <time datetime="2026-11-20">20 November 2026</time>.</span></li>',
        html=True,
    )
    assertContains(response, "<li><bdi><cite>Field notes</cite></bdi>.</li>", html=True)
    assertContains(response, "<h3>Note on the sources</h3>", html=True)
    assertContains(response, "The two sources disagree on the area cleared")


def test_a_source_with_a_year_only_gives_the_year_and_no_access_date_without_an_address(
    client, make_initiative
):
    report = Source.objects.create(
        title="Annual report", slug="annual-report", publisher="UNOSSC", year=2018
    )
    case_study = make_initiative("Solar pumps", sources=[report])

    response = client.get(case_study.get_absolute_url())

    assertContains(
        response,
        "<li><bdi><cite>Annual report</cite></bdi>, <bdi>UNOSSC</bdi>, "
        '<time datetime="2018">2018</time>.</li>',
        html=True,
    )
    assertNotContains(response, "source-accessed")


def test_an_arabic_page_gives_the_sources_dates_in_arabic(client, full_case):
    with translation.override("ar"):
        url = full_case.get_absolute_url()

    response = client.get(url)

    sources = response.content.decode().split('<ol class="sources">')[1].split("</ol>")[0]
    assert 'href="https://example.org/report.pdf" rel="external noopener"' in sources
    # Both days in the page's language, in the page's direction (outside the <bdi>).
    assert "مارس" in sources and "نوفمبر" in sources
    assert re.search(r'</bdi>\S* <bdi>UNOSSC</bdi>\S* <time datetime="2021-03-15">', sources)
    first = sources.split("</li>")[0]
    assert '<time datetime="2026-11-20">' in first.split("</bdi>")[-1]


def test_related_case_studies_share_a_theme_or_a_country(
    client, make_initiative, make_theme, countries
):
    health = make_theme("Health")
    water = make_theme("Water")
    this = make_initiative(
        "This one", themes=[health], countries={countries["kenya"]: CountryRole.BENEFICIARY}
    )
    make_initiative("Same theme", themes=[health])
    make_initiative(
        "Same country", countries={countries["kenya"]: CountryRole.PROVIDER}, themes=[water]
    )
    make_initiative(
        "Nothing shared", themes=[water], countries={countries["chile"]: CountryRole.BENEFICIARY}
    )
    make_initiative("Draft sharing a theme", status=Status.DRAFT, themes=[health])
    make_initiative("Review sharing a theme", status=Status.IN_REVIEW, themes=[health])
    make_initiative(
        "Scheduled sharing a theme",
        published_at=timezone.now() + timedelta(days=3),
        themes=[health],
    )

    response = client.get(this.get_absolute_url())

    related = {initiative.title for initiative in response.context["related"]}
    assert related == {"Same theme", "Same country"}
    assertContains(response, "Related case studies")
    section = response.content.decode().split('class="related"')[1]
    assert "This one" not in section
    assert "Draft sharing" not in section


def test_related_case_studies_sharing_most_come_first_and_stop_at_three(
    client, make_initiative, make_theme, countries
):
    health, water, food = make_theme("Health"), make_theme("Water"), make_theme("Food")
    kenya = {countries["kenya"]: CountryRole.BENEFICIARY}
    this = make_initiative("This one", themes=[health, water, food], countries=kenya)
    make_initiative("Shares one", themes=[health], published_at=datetime(2024, 1, 1, tzinfo=UTC))
    make_initiative(
        "Shares four",
        themes=[health, water, food],
        countries=kenya,
        published_at=datetime(2020, 1, 1, tzinfo=UTC),
    )
    make_initiative(
        "Shares two", themes=[health, water], published_at=datetime(2021, 1, 1, tzinfo=UTC)
    )
    make_initiative(
        "Shares three",
        themes=[water, food],
        countries=kenya,
        published_at=datetime(2019, 1, 1, tzinfo=UTC),
    )

    assert related_titles(client, this) == [
        "Shares four",
        "Shares three",
        "Shares two",
    ]


def test_related_case_studies_are_ranked_among_the_most_recent_that_share_anything(
    make_initiative, make_theme
):
    from initiatives.views import related_initiatives

    health, water = make_theme("Health"), make_theme("Water")
    this = make_initiative("This one", themes=[health, water])
    make_initiative(
        "Old, shares two", themes=[health, water], published_at=datetime(2001, 1, 1, tzinfo=UTC)
    )
    make_initiative(
        "Recent, shares one", themes=[water], published_at=datetime(2024, 1, 1, tzinfo=UTC)
    )
    make_initiative(
        "Newer, shares one", themes=[health], published_at=datetime(2025, 1, 1, tzinfo=UTC)
    )

    assert [i.title for i in related_initiatives(this)][0] == "Old, shares two"
    # With a pool of two, the old case study is not looked at: the cost stays bounded.
    assert [i.title for i in related_initiatives(this, pool=2)] == [
        "Newer, shares one",
        "Recent, shares one",
    ]


def test_related_case_studies_are_ranked_by_shared_countries_when_there_is_no_theme(
    client, make_initiative, countries
):
    """A case study without themes still ranks its neighbours by the countries they share."""
    beneficiary = CountryRole.BENEFICIARY
    both = {countries["kenya"]: beneficiary, countries["mali"]: beneficiary}
    this = make_initiative("This one", countries=both)
    make_initiative(
        "Shares one country, newer",
        countries={countries["kenya"]: beneficiary},
        published_at=datetime(2024, 1, 1, tzinfo=UTC),
    )
    make_initiative(
        "Shares both countries, older",
        countries=both,
        published_at=datetime(2019, 1, 1, tzinfo=UTC),
    )

    assert related_titles(client, this) == [
        "Shares both countries, older",
        "Shares one country, newer",
    ]


def test_related_case_studies_are_ranked_by_shared_themes_when_there_is_no_country(
    client, make_initiative, make_theme, regions
):
    """A regional case study naming no countries still ranks its neighbours by shared themes."""
    health, water = make_theme("Health"), make_theme("Water")
    this = make_initiative("This one", themes=[health, water], regions=[regions["caribbean"]])
    make_initiative(
        "Shares one theme, newer", themes=[health], published_at=datetime(2024, 1, 1, tzinfo=UTC)
    )
    make_initiative(
        "Shares both themes, older",
        themes=[health, water],
        published_at=datetime(2019, 1, 1, tzinfo=UTC),
    )

    assert related_titles(client, this) == [
        "Shares both themes, older",
        "Shares one theme, newer",
    ]


def test_a_case_study_sharing_nothing_has_no_related_section(client, make_initiative):
    this = make_initiative("Alone")
    make_initiative("Other")

    response = client.get(this.get_absolute_url())

    assert response.context["related"] == []
    assertNotContains(response, "Related case studies")


def test_a_published_case_study_has_no_preview_banner_and_may_be_cached(client, full_case):
    response = client.get(full_case.get_absolute_url())

    assertNotContains(response, PREVIEW_BANNER)
    assert "no-store" not in response.get("Cache-Control", "")


# --- Drafts, scheduled records and previews ----------------------------------------------------


def test_anonymous_visitor_gets_404_for_a_draft(client, make_initiative):
    draft = make_initiative("Secret draft", status=Status.DRAFT)

    response = client.get(draft.get_absolute_url())

    assert response.status_code == 404
    assertNotContains(response, "Secret draft", status_code=404)


def test_anonymous_visitor_gets_404_for_a_case_study_in_review(client, make_initiative):
    in_review = make_initiative("Under review", status=Status.IN_REVIEW)

    assert client.get(in_review.get_absolute_url()).status_code == 404


def test_anonymous_visitor_gets_404_for_a_scheduled_case_study(client, make_initiative):
    scheduled = make_initiative("Tomorrow's news", published_at=timezone.now() + timedelta(days=1))

    response = client.get(scheduled.get_absolute_url())

    assert response.status_code == 404
    assertNotContains(response, "Tomorrow's news", status_code=404)


@pytest.mark.parametrize(
    ("is_staff", "codename"),
    [(True, "view_initiative"), (False, "change_initiative")],
    ids=["staff without the change permission", "a non-staff user with the change permission"],
)
def test_a_user_who_may_not_edit_case_studies_gets_404_for_a_draft(
    client, make_initiative, django_user_model, is_staff, codename
):
    draft = make_initiative("Secret draft", status=Status.DRAFT)
    user = django_user_model.objects.create_user("someone", password="x", is_staff=is_staff)
    user.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(user)

    assert client.get(draft.get_absolute_url()).status_code == 404


@pytest.fixture
def editor_client(staff_client):
    return staff_client("change_initiative")


def test_an_editor_sees_a_draft_with_a_preview_banner_and_it_is_never_cached(
    editor_client, make_initiative
):
    draft = make_initiative("Secret draft", status=Status.DRAFT)

    response = editor_client.get(draft.get_absolute_url())

    assert response.status_code == 200
    assertContains(response, "<h1>Secret draft</h1>", html=True)
    assertContains(response, PREVIEW_BANNER)
    assertContains(response, "This case study is not public yet (status: Draft).")
    assertContains(response, f'href="/admin/initiatives/initiative/{draft.pk}/change/"')
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-cache", "no-store", "private", "must-revalidate", "max-age=0"} <= cache_control
    assert "Expires" in response


def test_an_editor_sees_a_scheduled_case_study_as_a_preview(editor_client, make_initiative):
    scheduled = make_initiative("Coming soon", published_at=timezone.now() + timedelta(days=1))

    response = editor_client.get(scheduled.get_absolute_url())

    assert response.status_code == 200
    assertContains(response, "This case study is scheduled: it becomes public on")
    assert "no-store" in response["Cache-Control"]


def test_a_superuser_sees_a_draft_in_review_as_a_preview(admin_client, make_initiative):
    in_review = make_initiative("Under review", status=Status.IN_REVIEW)

    response = admin_client.get(in_review.get_absolute_url())

    assert response.status_code == 200
    assertContains(response, "(status: In review)")


def test_an_editor_sees_a_published_case_study_without_a_banner(editor_client, make_initiative):
    published = make_initiative("Public")

    response = editor_client.get(published.get_absolute_url())

    assert response.status_code == 200
    assertNotContains(response, PREVIEW_BANNER)
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_preview_of_a_draft_lists_only_published_related_case_studies(
    editor_client, make_initiative, make_theme
):
    health = make_theme("Health")
    draft = make_initiative("Draft", status=Status.DRAFT, themes=[health])
    make_initiative("Published", themes=[health])
    make_initiative("Another draft", status=Status.DRAFT, themes=[health])

    assert related_titles(editor_client, draft) == ["Published"]


@pytest.mark.parametrize("slug", ["no-such-case", "case-study-1", "a" * 300])
def test_an_unknown_case_study_is_not_found(client, make_initiative, slug):
    make_initiative("Existing", slug="existing")

    response = client.get(f"/initiatives/{slug}/")

    assert response.status_code == 404
    assertContains(response, "Page not found", status_code=404)


# --- Home, about, health -----------------------------------------------------------------------


def test_the_home_page_lists_featured_published_case_studies_only(client, make_initiative):
    make_initiative("Featured and published", featured=True)
    make_initiative("Published, not featured")
    make_initiative("Featured draft", featured=True, status=Status.DRAFT)
    make_initiative("Featured in review", featured=True, status=Status.IN_REVIEW)
    make_initiative(
        "Featured but scheduled", featured=True, published_at=timezone.now() + timedelta(days=1)
    )

    response = client.get("/")

    assert response.status_code == 200
    assert [initiative.title for initiative in response.context["featured"]] == [
        "Featured and published"
    ]
    assertContains(response, "Featured and published")
    for hidden in ("Published, not featured", "Featured draft", "Featured in review", "scheduled"):
        assertNotContains(response, hidden)


def test_the_home_page_shows_at_most_six_featured_case_studies(client, make_initiative):
    for number in range(8):
        make_initiative(f"Featured {number}", featured=True)

    response = client.get("/")

    assert len(response.context["featured"]) == 6


def test_the_home_page_without_featured_case_studies_has_no_featured_section(
    client, make_initiative
):
    make_initiative("Not featured")

    response = client.get("/")

    assert response.status_code == 200
    assertNotContains(response, "Featured case studies")
    # The way into the case studies is still there, with their number.
    assertContains(
        response, '<a class="way-in" href="/initiatives/"><span class="way-count">1</span>'
    )


def test_the_about_page_is_shown(client):
    response = client.get("/about/")

    assert response.status_code == 200
    assertContains(response, "<h1>About South-South cooperation</h1>", html=True)


def test_the_health_endpoint_says_ok_and_is_never_cached(client):
    response = client.get("/health/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]

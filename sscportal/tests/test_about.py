"""The About page: sections staff edit in the admin, as plain text (paragraphs and lists, never
markup), each with its sources; and the starting content that fills it and the key figures."""

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from sscportal.models import AboutSection, KeyFigure
from taxonomy.models import Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_section(db):
    def make(heading, body, *, sources=(), sort_order=0, **fields):
        section = AboutSection.objects.create(
            slug=heading.lower().replace(" ", "-"),
            heading=heading,
            body=body,
            sort_order=sort_order,
            **fields,
        )
        section.sources.set(sources)
        return section

    return make


@pytest.fixture
def explainer(db):
    return Source.objects.create(
        title="What Is South-South Cooperation?", slug="explainer", publisher="UNOSSC"
    )


def test_the_about_page_shows_the_sections_in_order_with_their_sources(
    client, make_section, explainer
):
    make_section("Guiding principles", "The South sets the agenda.", sort_order=20)
    make_section(
        "What it is", "Developing countries work together.", sort_order=10, sources=[explainer]
    )
    make_section("Not ready", "Half written.", sort_order=5, is_shown=False)

    response = client.get("/about/")

    assert [s.heading for s in response.context["sections"]] == ["What it is", "Guiding principles"]
    html = response.content.decode()
    assert html.index("What it is") < html.index("Guiding principles")
    assertContains(response, '<h2 id="what-it-is-title">What it is</h2>', html=False)
    assertContains(
        response, "Source: <bdi><cite>What Is South-South Cooperation?</cite>, UNOSSC</bdi>."
    )
    assertNotContains(response, "Half written.")


def test_plain_text_becomes_paragraphs_and_lists(client, make_section):
    make_section(
        "Objectives",
        "Its objectives are to:\r\n\r\n1. foster self-reliance;\n2. pool resources.\n\n"
        "It rests on:\n\n- equality;\n- mutual benefit.\n\nA last paragraph\nwith a line break.",
    )

    response = client.get("/about/")

    assertContains(response, '<p class="lede">Its objectives are to:</p>')
    assertContains(response, "<ol><li>foster self-reliance;</li><li>pool resources.</li></ol>")
    assertContains(response, "<ul><li>equality;</li><li>mutual benefit.</li></ul>")
    assertContains(response, "<p>A last paragraph<br>with a line break.</p>")


def test_markup_typed_by_staff_shows_as_text(client, make_section):
    make_section(
        "<b>Bold</b>", 'Hello <script>alert("x")</script>\n\n- <img src=x onerror=alert(1)>'
    )

    response = client.get("/about/")

    assertNotContains(response, "<script>alert")
    assertNotContains(response, "<img src=x")
    assertNotContains(response, "<b>Bold</b>")
    assertContains(response, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;")
    assertContains(response, "&lt;b&gt;Bold&lt;/b&gt;")


def test_the_about_page_makes_two_queries_however_many_sections(client, make_section, explainer):
    for number in range(30):
        make_section(f"Section {number}", "Text.", sources=[explainer])

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/about/")

    assert response.status_code == 200
    assert len(response.context["sections"]) == 30
    assert len(queries) == 2


def test_staff_edit_a_section_in_the_admin_and_the_page_changes(client, make_section, explainer):
    section = make_section("What it is", "The old text.", sources=[explainer])
    editor = User.objects.create_user("editor", "editor@example.org", "pw", is_staff=True)
    editor.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="sscportal",
            codename__in=["view_aboutsection", "change_aboutsection"],
        )
    )
    client.force_login(editor)
    change_url = reverse("admin:sscportal_aboutsection_change", args=[section.pk])
    assert client.get(change_url).status_code == 200

    response = client.post(
        change_url,
        {
            "heading": "What South-South cooperation is",
            "body": "The new text.\n\n- first point\n- second point",
            "sources": [explainer.pk],
            "sort_order": 10,
            "is_shown": "on",
            "slug": "what-it-is",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    client.logout()
    page = client.get("/about/")
    assertContains(page, '<h2 id="what-it-is-title">What South-South cooperation is</h2>')
    assertContains(page, "The new text.")
    assertContains(page, "<ul><li>first point</li><li>second point</li></ul>")
    assertNotContains(page, "The old text.")


def test_the_starting_content_fills_the_about_page_and_the_key_figures(client):
    call_command("load_portal_content", verbosity=0)

    about = client.get("/about/")
    home = client.get("/")

    for heading in (
        "What South-South cooperation is",
        "Triangular cooperation",
        "Guiding principles",
        "The Buenos Aires Plan of Action",
        "What it brings",
    ):
        assertContains(about, heading)
    plan = AboutSection.objects.get(slug="buenos-aires-plan-of-action")
    assert [len(b["items"]) for b in plan.blocks() if b["kind"] == "ol"] == [8]
    assert all(section.sources.exists() for section in AboutSection.objects.all())
    assertContains(about, "<cite>What Is South-South Cooperation? (Ref. UNOSSC)</cite>")

    assert KeyFigure.objects.shown().count() == 4
    assertContains(home, '<strong class="figure-value">466 billion dollars</strong>')
    assertContains(home, "Year: 2017 (the UN Secretary-General said “last year” in November 2018)")
    remittances = KeyFigure.objects.get(slug="remittances-to-low-and-middle-income-countries")
    assert [s.slug for s in remittances.sources.all()] == ["china-ssc-network-bapa40-explainer"]
    growth = KeyFigure.objects.get(slug="south-share-of-world-growth")
    assert {s.slug for s in growth.sources.all()} == {
        "china-ssc-network-bapa40-explainer",
        "un-best-example-of-solidarity-among-countries",
    }


def test_loading_the_starting_content_again_changes_nothing_here(db):
    def key_figures_and_sections():
        return (
            list(KeyFigure.objects.values().order_by("pk")),
            list(AboutSection.objects.values().order_by("pk")),
            KeyFigure.sources.through.objects.count(),
            AboutSection.sources.through.objects.count(),
        )

    call_command("load_portal_content", verbosity=0)
    before = key_figures_and_sections()

    call_command("load_portal_content", verbosity=0)

    assert key_figures_and_sections() == before

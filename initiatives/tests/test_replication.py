"""Replication lineage: a case study replicated or adapted in another, edited from both case
studies' forms, shown on both pages with a tree, filtered, in the API and the downloads."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from core.signals import content_changed
from devtools.samples import autocomplete, count_queries, management_form
from initiatives import lineage
from initiatives.models import CountryRole, Replication, ReplicationKind
from initiatives.tests.admin_forms import case_study_form
from publishing.models import Status

MAX_QUERIES = 10


# --- Layout and cycles: pure functions ------------------------------------------------------
def test_layout_puts_originals_above_and_replications_below_with_their_edges():
    tree = lineage.layout(
        "c",
        [("a", "c", "replicated"), ("c", "d", "adapted"), ("c", "e", "replicated")],
        order=str,
    )
    levels = {node.key: node.level for node in tree.nodes}
    assert levels == {"a": -1, "c": 0, "d": 1, "e": 1}
    by_key = {node.key: node for node in tree.nodes}
    assert by_key["a"].y < by_key["c"].y < by_key["d"].y == by_key["e"].y
    assert by_key["d"].x < by_key["e"].x
    assert sorted((e.origin.key, e.derived.key, e.kind) for e in tree.edges) == [
        ("a", "c", "replicated"),
        ("c", "d", "adapted"),
        ("c", "e", "replicated"),
    ]
    for edge in tree.edges:  # every edge runs from the bottom of a box to the top of a lower one
        assert edge.y1 == edge.origin.y + lineage.NODE_HEIGHT
        assert edge.y2 == edge.derived.y
    assert tree.left_out == 0
    assert tree.width >= 2 * lineage.NODE_WIDTH
    # Boxes on one level never overlap.
    assert by_key["e"].left - (by_key["d"].left + lineage.NODE_WIDTH) == lineage.COLUMN_GAP


def test_layout_puts_a_replication_of_a_replication_under_its_own_original():
    links = [("c", "d", "adapted"), ("c", "e", "replicated"), ("e", "f", "replicated")]
    tree = lineage.layout("c", links, order=str)
    by_key = {node.key: node for node in tree.nodes}
    assert by_key["f"].x == by_key["e"].x != by_key["d"].x
    assert all(
        lineage.MARGIN <= node.left <= tree.width - lineage.MARGIN - lineage.NODE_WIDTH
        for node in tree.nodes
    )


def test_layout_stops_at_its_depth_and_breadth_and_counts_what_it_leaves_out():
    chain = [(n, n + 1, "replicated") for n in range(0, 6)]  # 0 -> 1 -> ... -> 6
    tree = lineage.layout(0, chain, depth=3)
    assert sorted(node.key for node in tree.nodes) == [0, 1, 2, 3]
    assert tree.left_out == 0  # 4 is never met: walking stops at the depth

    fan = [(0, n, "adapted") for n in range(1, 8)]
    tree = lineage.layout(0, fan, breadth=4)
    assert sorted(node.key for node in tree.nodes) == [0, 1, 2, 3, 4]
    assert tree.left_out == 3
    assert len(tree.edges) == 4


def test_layout_puts_a_case_study_reached_two_ways_on_the_level_of_the_longer():
    links = [("a", "b", "replicated"), ("b", "c", "replicated"), ("a", "c", "adapted")]
    tree = lineage.layout("c", links)
    assert {node.key: node.level for node in tree.nodes} == {"a": -2, "b": -1, "c": 0}
    assert len(tree.edges) == 3
    assert all(edge.origin.level < edge.derived.level for edge in tree.edges)


def test_a_case_study_without_links_has_an_empty_tree():
    tree = lineage.layout(1, [])
    assert not tree
    assert [node.key for node in tree.nodes] == [1]


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("Short", ["Short"]),
        ("Cuba and Sierra Leone fight Ebola", ["Cuba and Sierra Leone", "fight Ebola"]),
        (
            "Brazil shares its school meals programme with Africa",
            ["Brazil shares its", "school meals…"],
        ),
        ("中国与非洲国家分享杂交水稻技术和经验", ["中国与非洲国家分享杂交", "水稻技术和经验"]),
    ],
)
def test_titles_wrap_into_two_short_lines(text, lines):
    assert lineage.wrap(text) == lines
    assert all(len(line) <= lineage.LINE_WIDTH for line in lineage.wrap(text))


def test_cycle_closers_finds_a_link_back_to_an_ancestor():
    # 2 -> 1 stored: 1 builds on 2. Proposed: 1 replicated in 2 closes a cycle.
    assert lineage.cycle_closers(1, set(), {2}, [], []) == (set(), set())
    assert lineage.cycle_closers(1, {2}, {2}, [], []) == ({2}, {2})
    # 3 -> 4 stored; proposed 1 builds on 4 and is replicated in 3: 3 -> 4 -> 1 -> 3.
    assert lineage.cycle_closers(1, {4}, {3}, [], [(3, 4)]) == ({4}, {3})
    assert lineage.cycle_closers(1, {1}, set(), [], []) == ({1}, set())


# --- Records ---------------------------------------------------------------------------------
@pytest.fixture
def cases(make_initiative, countries):
    """An original, a replication and an adaptation of it, all published."""
    origin = make_initiative(
        "Cuba trains doctors in Sierra Leone",
        countries={countries["sierra_leone"]: CountryRole.BENEFICIARY},
    )
    replica = make_initiative("Doctors trained in Kenya")
    adaptation = make_initiative("Nurses trained in Ghana")
    return origin, replica, adaptation


def link(origin, derived, kind=ReplicationKind.REPLICATED, **fields):
    return Replication.objects.create(origin=origin, derived=derived, kind=kind, **fields)


def page(client, record):
    response = client.get(record.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def section(html):
    match = re.search(r'<section class="lineage".*?</section>', html, re.S)
    return match.group() if match else ""


def tree_links(html):
    """{href: accessible name (the <title> of the link)} of the tree's nodes."""
    svg = re.search(r"<svg[^>]*lineage-tree.*?</svg>", html, re.S).group()
    node = r'<a href="([^"]+)"\s+class="lineage-node[^"]*"[^>]*>\s*<title>([^<]+)</title>'
    return dict(re.findall(node, svg))


# --- Admin -----------------------------------------------------------------------------------
def change_url(record):
    return reverse("admin:initiatives_initiative_change", args=[record.pk])


def replication_rows(prefix, far, rows):
    data = management_form(prefix, len(rows))
    for index, (other, kind) in enumerate(rows):
        data.update(
            {
                f"{prefix}-{index}-{far}": other.pk,
                f"{prefix}-{index}-kind": kind,
                f"{prefix}-{index}-country": "",
                f"{prefix}-{index}-year": "",
                f"{prefix}-{index}-note": "",
            }
        )
    return data


def draft_form(record, source, **fields):
    data = case_study_form(source, title=record.title, slug=record.slug)
    data.update(fields)
    return data


def test_the_admin_adds_a_replication_from_the_original_and_one_from_the_replication(
    admin_client, make_initiative, source, countries
):
    origin = make_initiative("Original", status=Status.DRAFT, sources=[source])
    replica = make_initiative("Replica", status=Status.DRAFT, sources=[source])
    adaptation = make_initiative("Adaptation", status=Status.DRAFT, sources=[source])

    data = draft_form(origin, source)
    data.update(management_form("replicated_in", 1))
    data.update(
        {
            "replicated_in-0-derived": replica.pk,
            "replicated_in-0-kind": ReplicationKind.REPLICATED,
            "replicated_in-0-country": countries["kenya"].pk,
            "replicated_in-0-year": "2019",
            "replicated_in-0-note": "Taken up by the health ministry.",
        }
    )
    response = admin_client.post(change_url(origin), data)
    assert response.status_code == 302, response.context and response.context["errors"]

    data = draft_form(adaptation, source)
    data.update(replication_rows("replicates", "origin", [(origin, ReplicationKind.ADAPTED)]))
    response = admin_client.post(change_url(adaptation), data)
    assert response.status_code == 302

    stored = {
        (r.origin_id, r.derived_id, r.kind, r.country_id, r.year, r.note)
        for r in Replication.objects.all()
    }
    assert stored == {
        (
            origin.pk,
            replica.pk,
            "replicated",
            countries["kenya"].pk,
            2019,
            "Taken up by the health ministry.",
        ),
        (origin.pk, adaptation.pk, "adapted", None, None, ""),
    }
    # Both sides show the rows in the change forms, under their prefixes.
    html = admin_client.get(change_url(origin)).content.decode()
    assert 'name="replicated_in-TOTAL_FORMS"' in html
    assert 'name="replicates-TOTAL_FORMS"' in html
    assert 'name="replicated_in-INITIAL_FORMS" value="2"' in html


@pytest.mark.parametrize(
    ("name", "field_name"),
    [
        ("replicated_in-0-derived", "derived"),
        ("replicates-0-origin", "origin"),
        ("replicated_in-0-country", "country"),
    ],
)
def test_the_other_case_study_and_the_country_are_chosen_by_autocomplete(
    admin_client, make_initiative, name, field_name
):
    this = make_initiative("Rice farming in Mali", status=Status.DRAFT)
    other = make_initiative("Rice farming in Benin")
    html = admin_client.get(change_url(this)).content.decode()
    control = re.search(rf'<select name="{name}"[^>]*>', html).group()
    assert 'class="admin-autocomplete"' in control
    assert 'data-model-name="replication"' in control
    assert f'data-field-name="{field_name}"' in control
    if field_name != "country":
        found = autocomplete(admin_client, "initiatives", "replication", field_name, "Benin")
        assert [result["id"] for result in found] == [str(other.pk)]


def test_a_link_s_own_page_edits_its_note_s_translations_not_its_ends(admin_client, cases):
    origin, replica, _adaptation = cases
    made = link(origin, replica, note="With local trainers.")
    url = reverse("admin:initiatives_replication_change", args=[made.pk])
    html = admin_client.get(url).content.decode()
    assert 'name="note_fr"' in html
    assert 'name="origin"' not in html and 'name="derived"' not in html
    assert admin_client.get(reverse("admin:initiatives_replication_add")).status_code == 403


def test_the_admin_refuses_a_cycle_with_a_form_error(admin_client, make_initiative, source):
    first = make_initiative("First", status=Status.DRAFT, sources=[source])
    second = make_initiative("Second", status=Status.DRAFT, sources=[source])
    third = make_initiative("Third", status=Status.DRAFT, sources=[source])
    link(first, second)
    link(second, third)

    # First cannot build on Third, which builds on it through Second.
    data = draft_form(first, source)
    data.update(management_form("replicated_in", 1, initial=1))
    existing = Replication.objects.get(origin=first)
    data.update(
        {
            "replicated_in-0-id": existing.pk,
            "replicated_in-0-origin": first.pk,
            "replicated_in-0-derived": second.pk,
            "replicated_in-0-kind": ReplicationKind.REPLICATED,
        }
    )
    data.update(replication_rows("replicates", "origin", [(third, ReplicationKind.ADAPTED)]))
    response = admin_client.post(change_url(first), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "builds on this case study, directly or through others" in html
    assert Replication.objects.count() == 2
    assert not Replication.objects.filter(origin=third, derived=first).exists()


def test_the_admin_refuses_a_two_way_link_made_in_one_form(admin_client, make_initiative, source):
    first = make_initiative("First", status=Status.DRAFT, sources=[source])
    second = make_initiative("Second", status=Status.DRAFT, sources=[source])
    data = draft_form(first, source)
    data.update(replication_rows("replicated_in", "derived", [(second, "replicated")]))
    data.update(replication_rows("replicates", "origin", [(second, "adapted")]))

    response = admin_client.post(change_url(first), data)

    assert response.status_code == 200
    assert "cannot also build on" in response.content.decode()
    assert Replication.objects.count() == 0


def test_a_case_study_cannot_replicate_itself_in_the_admin(admin_client, make_initiative, source):
    first = make_initiative("First", status=Status.DRAFT, sources=[source])
    data = draft_form(first, source)
    data.update(replication_rows("replicated_in", "derived", [(first, "replicated")]))
    response = admin_client.post(change_url(first), data)
    assert response.status_code == 200
    assert "A case study cannot replicate itself." in response.content.decode()
    assert Replication.objects.count() == 0


def test_a_bad_year_is_a_form_error_not_a_server_error(admin_client, make_initiative, source):
    first = make_initiative("First", status=Status.DRAFT, sources=[source])
    second = make_initiative("Second", status=Status.DRAFT, sources=[source])
    data = draft_form(first, source)
    data.update(replication_rows("replicated_in", "derived", [(second, "replicated")]))
    data["replicated_in-0-year"] = "1800"
    data["replicates-TOTAL_FORMS"] = "many"  # a mangled other side is read as stored
    response = admin_client.post(change_url(first), data)
    assert response.status_code == 200
    assert Replication.objects.count() == 0


# --- Public pages ----------------------------------------------------------------------------
def test_both_pages_show_the_link_with_country_year_and_note(client, cases, countries):
    origin, replica, adaptation = cases
    link(origin, replica, country=countries["kenya"], year=2019, note="With local trainers.")
    link(origin, adaptation, ReplicationKind.ADAPTED)

    html = section(page(client, origin))
    assert "Taken up elsewhere" in html
    assert f'<a href="{replica.get_absolute_url()}">Doctors trained in Kenya</a>' in html
    assert f'<a href="{adaptation.get_absolute_url()}">Nurses trained in Ghana</a>' in html
    assert "Replicated in</span>" in html and "Adapted in</span>" in html
    assert "in Kenya" in html and "2019" in html and "With local trainers." in html
    assert countries["kenya"].get_absolute_url() in html

    html = section(page(client, adaptation))
    assert "This case study builds on" in html
    assert "Adapted from</span>" in html
    assert f'<a href="{origin.get_absolute_url()}">Cuba trains doctors in Sierra Leone</a>' in html
    assert "Taken up elsewhere" not in html

    html = section(page(client, replica))
    assert "Replicates</span>" in html and "With local trainers." in html


@pytest.mark.parametrize(
    "hidden_state",
    [
        {"status": Status.DRAFT},
        {"status": Status.IN_REVIEW},
        {"status": Status.PUBLISHED, "published_at": "future"},
    ],
    ids=["draft", "in-review", "scheduled"],
)
def test_a_case_study_not_public_is_on_neither_side(
    client, cases, make_initiative, countries, hidden_state
):
    origin, replica, _adaptation = cases
    state = dict(hidden_state)
    if state.get("published_at") == "future":
        state["published_at"] = timezone.now() + timedelta(days=3)
    hidden = make_initiative("Secret pilot in Chad", **state)
    link(origin, hidden, country=countries["jamaica"], year=2021, note="A secret note.")
    link(hidden, replica, note="Another secret note.")

    for record in (origin, replica):
        html = page(client, record)
        assert "Secret pilot" not in html
        assert "secret note" not in html.lower()
        assert 'class="lineage"' not in html  # nothing public left to show
    assert Replication.objects.count() == 2


def test_the_tree_draws_the_lineage_the_database_holds(client, make_initiative):
    grandparent = make_initiative("Grandparent programme")
    parent = make_initiative("Parent programme")
    this = make_initiative("This programme")
    children = [make_initiative(f"Child programme {n}") for n in range(3)]
    grandchild = make_initiative("Grandchild programme")
    hidden = make_initiative("Hidden child", status=Status.DRAFT)
    link(grandparent, parent)
    link(parent, this, ReplicationKind.ADAPTED)
    for child in children:
        link(this, child)
    link(children[0], grandchild, ReplicationKind.ADAPTED)
    link(this, hidden)

    html = page(client, this)
    nodes = tree_links(html)
    expected = {grandparent, parent, this, *children, grandchild}
    assert set(nodes) == {record.get_absolute_url() for record in expected}
    assert nodes[this.get_absolute_url()] == "This programme (this case study)"
    assert nodes[grandchild.get_absolute_url()] == "Grandchild programme"
    svg = re.search(r"<svg.*?</svg>", html, re.S).group()
    assert 'aria-current="page"' in svg
    assert re.search(r"<title id=\"lineage-tree-title\">Lineage of “This programme”</title>", svg)
    assert "<desc" in svg and "2 case studies it builds on" in svg
    assert "4 case studies that took it up" in svg
    # One line per public link, each labelled with its kind.
    public_links = Replication.objects.published().count()
    assert public_links == 6
    assert svg.count("<line ") == public_links
    assert svg.count(">adapted</text>") == 2
    assert svg.count(">replicated</text>") == 4
    assert "style=" not in svg


def test_the_tree_is_drawn_on_a_replication_page_too(client, cases):
    origin, replica, _adaptation = cases
    link(origin, replica)
    nodes = tree_links(page(client, replica))
    assert set(nodes) == {origin.get_absolute_url(), replica.get_absolute_url()}


def test_the_tree_reads_right_to_left_texts_right_to_left(client, cases):
    origin, replica, _adaptation = cases
    origin.title_ar = "الأطباء الكوبيون في سيراليون"
    origin.save()
    link(origin, replica)
    response = client.get("/ar" + replica.get_absolute_url())
    assert response.status_code == 200
    svg = re.search(r"<svg.*?</svg>", response.content.decode(), re.S).group()
    assert 'direction="rtl">' in svg  # the Arabic title
    assert 'direction="ltr" lang="en">' in svg  # the English one, not yet translated


def test_the_page_makes_the_same_few_queries_for_one_and_for_fifty_replications(
    pages_written_afresh, client, make_initiative, make_theme, countries
):
    theme = make_theme("Health")
    place = {countries["kenya"]: CountryRole.BENEFICIARY}

    def make(title):  # sharing a theme and a country: the related case studies are read too
        return make_initiative(title, themes=[theme], countries=place)

    this = make("The original")
    link(this, make("Replication 0"))
    with_one, response = count_queries(client, this.get_absolute_url())
    assert len(response.context["replicated_in"]) == 1

    for number in range(1, 50):
        other = make(f"Replication {number}")
        link(this, other)
        link(other, make(f"Second generation {number}"), ReplicationKind.ADAPTED)
    link(make("An older programme"), this)
    with_fifty, response = count_queries(client, this.get_absolute_url())
    assert len(response.context["replicated_in"]) == 50
    assert len(response.context["replicates"]) == 1
    assert len(response.context["related"]) == 3

    print(f"\ndetail: {with_one} queries with 1 replication, {with_fifty} with 50")
    assert with_one == with_fifty
    assert with_fifty <= MAX_QUERIES


def test_saving_or_deleting_a_replication_announces_a_change(cases):
    origin, replica, _adaptation = cases
    heard = []

    def listener(sender, **kwargs):
        heard.append(sender)

    content_changed.connect(listener)
    try:
        made = link(origin, replica)
        assert heard == [Replication]
        made.delete()
        assert heard == [Replication, Replication]
    finally:
        content_changed.disconnect(listener)


def test_a_cached_page_shows_a_new_replication(client, cases, settings):
    settings.PAGE_CACHE_SECONDS = 300
    cache.clear()
    origin, replica, _adaptation = cases
    url = origin.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"

    link(origin, replica)

    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "Doctors trained in Kenya" in section(response.content.decode())


# --- List filter, API, downloads -------------------------------------------------------------
def test_the_list_filter_keeps_case_studies_replicated_in_a_public_one(
    client, cases, make_initiative
):
    origin, replica, adaptation = cases
    link(origin, replica)
    draft = make_initiative("Draft copy", status=Status.DRAFT)
    link(adaptation, draft)  # replicated in a draft only: not "replicated elsewhere"

    response = client.get("/initiatives/?replicated=yes")
    assert response.status_code == 200
    assert [record.pk for record in response.context["object_list"]] == [origin.pk]
    assert response.context["paginator"].count == 1

    response = client.get("/initiatives/")
    assert response.context["paginator"].count == 3  # the draft is not listed

    response = client.get("/initiatives/?replicated=maybe")
    assert response.status_code == 200
    assert "replicated" in response.context["filter"].form.errors


def test_the_api_filters_and_lists_replications_as_addresses(client, cases, make_initiative):
    origin, replica, adaptation = cases
    link(origin, replica)
    link(origin, adaptation, ReplicationKind.ADAPTED)
    link(origin, make_initiative("Draft", status=Status.DRAFT))

    listed = client.get("/api/v1/case-studies/?replicated=yes").json()
    assert [item["slug"] for item in listed["results"]] == [origin.slug]

    detail = client.get(f"/api/v1/case-studies/{origin.slug}/").json()
    base = "http://testserver/api/v1/case-studies/"
    assert sorted(detail["replicated_in"]) == sorted(
        [f"{base}{replica.slug}/", f"{base}{adaptation.slug}/"]
    )
    assert detail["adapted_from"] == []
    detail = client.get(f"/api/v1/case-studies/{adaptation.slug}/").json()
    assert detail["adapted_from"] == [f"{base}{origin.slug}/"]
    assert detail["replicated_in"] == []


def test_the_download_has_a_column_of_replications(client, cases, make_initiative):
    origin, replica, adaptation = cases
    link(origin, replica)
    link(origin, adaptation)
    link(origin, make_initiative("Draft", status=Status.DRAFT))

    response = client.get("/initiatives/download.csv?replicated=yes")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 1
    assert rows[0]["slug"] == origin.slug
    assert sorted(rows[0]["replicated_in"].split("; ")) == sorted([replica.slug, adaptation.slug])

"""Every chart the portal draws (the map, the flows, a country's partners, the bars of a list, a
country or a goal, a case study's lineage) has a name, a description and its figures as text
beside it: read from the pages with the starting content, in English and Arabic."""

from io import StringIO

import lxml.html
import pytest
from django.core.management import call_command

from initiatives.models import Initiative, Replication, ReplicationKind

pytestmark = pytest.mark.django_db

# The text alternative of each kind of chart, in its section: a table, or the lineage's lists
# of links. The map's is the page's table of countries, in the section after the map's.
ALTERNATIVE = {
    "world-map": "following::section[@id='countries-table']//table",
    "sankey": "table",
    "partners-chart": "table",
    "bar-chart": "table",
    "lineage-tree": "ul[contains(@class, 'lineage-links')]",
}


@pytest.fixture
def pages(db):
    call_command("load_portal_content", stdout=StringIO())
    origin, derived = Initiative.objects.published().order_by("pk")[:2]
    Replication.objects.create(origin=origin, derived=derived, kind=ReplicationKind.ADAPTED)
    return [
        "/countries/",
        "/countries/?role=beneficiary",
        "/countries/CO/",
        "/initiatives/",
        "/initiatives/?region=africa",
        "/sdgs/2/",
        origin.get_absolute_url(),
        derived.get_absolute_url(),
    ]


def referenced_text(document, ids):
    texts = []
    for name in (ids or "").split():
        found = document.get_element_by_id(name, None)
        assert found is not None, f"#{name} is not on the page"
        texts.append(found.text_content().strip())
    return " ".join(texts)


@pytest.mark.parametrize("prefix", ["", "/ar"])
def test_every_chart_has_a_name_a_description_and_its_figures_as_text(client, pages, prefix):
    seen = set()
    for url in pages:
        response = client.get(prefix + url)
        assert response.status_code == 200, url
        document = lxml.html.fromstring(response.content)
        for chart in document.iter("svg"):
            kind = next(name for name in chart.get("class").split() if name in ALTERNATIVE)
            seen.add(kind)
            title = chart.find("title")
            name = referenced_text(document, chart.get("aria-labelledby")) or (
                title.text_content().strip() if title is not None else ""
            )
            description = chart.find("desc")
            assert name, (url, kind)
            assert description is not None and description.text_content().strip(), (url, kind)
            assert chart.get("role") in ("img", "group"), (url, kind)
            section = next(chart.iterancestors("section"))
            assert section.xpath(f".//{ALTERNATIVE[kind]}"), (url, kind, "no text alternative")
    assert seen == set(ALTERNATIVE)

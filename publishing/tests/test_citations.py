"""How to cite a publication or a case study: the "How to cite" block on their pages, and the
citation files (BibTeX, RIS, CSL-JSON) read back with parsers of their own (bibtexparser,
rispy, json and a JSON schema)."""

import json
from datetime import date, datetime

import bibtexparser
import jsonschema
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware, SeparateCoAuthors
from django.utils import timezone
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pytest_django.asserts import assertContains, assertNotContains

from devtools.samples import count_queries
from publications.models import PublicationKind
from publishing.models import Status

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
HOSTILE_TITLE = 'Cooperation & trade: {100%} of "South" $ #1_a^b~c \\ report'
ARABIC_TITLE = 'تقرير التعاون فيما بين بلدان الجنوب: {100%} & "الشركاء"'

# The CSL-JSON schema (citation-style-language/schema, schemas/input/csl-data.json), cut down to
# the variables the portal writes: an item valid here is valid there, with nothing left over
# (additionalProperties is false in both).
NAME = {
    "type": "object",
    "properties": {"literal": {"type": "string"}},
    "additionalProperties": False,
}
DATE = {
    "type": "object",
    "properties": {
        "date-parts": {
            "type": "array",
            "items": {
                "type": "array",
                "items": {"type": ["string", "number"]},
                "minItems": 1,
                "maxItems": 3,
            },
            "minItems": 1,
            "maxItems": 2,
        }
    },
    "additionalProperties": False,
}
CSL_TYPES = [
    "article", "article-journal", "article-magazine", "article-newspaper", "bill", "book",
    "broadcast", "chapter", "classic", "collection", "dataset", "document", "entry",
    "entry-dictionary", "entry-encyclopedia", "figure", "graphic", "hearing", "interview",
    "legal_case", "legislation", "manuscript", "map", "motion_picture", "musical_score",
    "pamphlet", "paper-conference", "patent", "performance", "periodical",
    "personal_communication", "post", "post-weblog", "regulation", "report", "review",
    "review-book", "software", "song", "speech", "standard", "thesis", "treaty", "webpage",
]  # fmt: skip
CSL_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": CSL_TYPES},
            "id": {"type": ["string", "number"]},
            "title": {"type": "string"},
            "author": {"type": "array", "items": NAME},
            "issued": DATE,
            "accessed": DATE,
            "URL": {"type": "string"},
            "publisher": {"type": "string"},
            "number": {"type": ["string", "number"]},
            "language": {"type": "string"},
            "genre": {"type": "string"},
            "container-title": {"type": "string"},
            "source": {"type": "string"},
            "note": {"type": "string"},
        },
        "required": ["type", "id"],
        "additionalProperties": False,
    },
}


def latex_decoder():
    """pylatexenc's LaTeX to text, but for \\textasciicircum, which LaTeX prints as "^" and
    pylatexenc as the modifier letter "ˆ" (U+02C6)."""
    context = get_default_latex_context_db()
    context.add_context_category(
        "ascii", prepend=True, macros=[MacroTextSpec("textasciicircum", "^")]
    )
    return LatexNodes2Text(latex_context=context)


def get_file(client, url, extension, media_type):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].split(";")[0] == media_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert f'.{extension}"' in response["Content-Disposition"]
    return response.content.decode()


def bibtex_entry(client, url):
    text = get_file(client, url, "bib", "application/x-bibtex")
    raw = bibtexparser.parse_string(text)
    assert not raw.failed_blocks
    library = bibtexparser.parse_string(
        text,
        append_middleware=[SeparateCoAuthors(), LatexDecodingMiddleware(decoder=latex_decoder())],
    )
    (entry,) = library.entries
    (raw_entry,) = raw.entries
    return entry, raw_entry


def decoded(value):
    """A BibTeX value without the braces that protect it."""
    while value.startswith("{") and value.endswith("}"):
        value = value[1:-1]
    return value


def names(value):
    """An "{A} and {B}" list of organisations, split at its top-level "and"s."""
    parts, depth, current = [], 0, ""
    for index, char in enumerate(value):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0 and value.startswith(" and ", index):
            parts.append(current)
            current = ""
            continue
        current += char
    parts.append(current)
    return [part.removeprefix("and ").strip() for part in parts]


def ris_entry(client, url):
    (entry,) = rispy.loads(get_file(client, url, "ris", "application/x-research-info-systems"))
    return entry


def csl_item(client, url):
    data = json.loads(get_file(client, url, "json", "application/vnd.citationstyles.csl+json"))
    jsonschema.validate(data, CSL_SCHEMA)
    (item,) = data
    return item


@pytest.fixture
def resolution(make_publication, make_organisation):
    return make_publication(
        HOSTILE_TITLE,
        slug="south-south-resolution",
        kind=PublicationKind.RESOLUTION,
        document_symbol="A/RES/58/220",
        year=2003,
        issued_on=date(2003, 12, 23),
        publishers=[make_organisation("United Nations General Assembly")],
    )


# --- Publications ---------------------------------------------------------------------------


def test_a_publication_page_has_a_how_to_cite_block(client, resolution):
    response = client.get(resolution.get_absolute_url())

    assertContains(response, '<h2 id="cite-title">')
    assertContains(response, 'aria-labelledby="cite-title"')
    for extension, media_type in [
        ("bib", "application/x-bibtex"),
        ("ris", "application/x-research-info-systems"),
        ("json", "application/vnd.citationstyles.csl+json"),
    ]:
        assertContains(response, f'href="/publications/south-south-resolution/cite.{extension}"')
        assertContains(response, f'type="{media_type}"')
    assertContains(response, "BibTeX (.bib)")
    assertContains(response, "RIS (.ris)")
    assertContains(response, "CSL-JSON (.json)")
    text = response.context["citation_html"]
    assert "United Nations General Assembly." in text
    assert "(23 December 2003)." in text
    assert '<bdi dir="ltr">A/RES/58/220</bdi>' in text
    assert "https://undocs.org/en/A/RES/58/220" in text
    # The title, escaped once.
    assert "Cooperation &amp; trade: {100%} of &quot;South&quot;" in text
    # The publisher, who is the author, is not said twice.
    assert text.count("United Nations General Assembly") == 1


def test_bibtex_of_a_resolution_reads_back_exactly(client, resolution):
    entry, raw = bibtex_entry(client, "/publications/south-south-resolution/cite.bib")

    assert entry.entry_type == "misc"
    assert entry.key == "ssc-south-south-resolution-2003"
    assert decoded(entry["title"]) == HOSTILE_TITLE
    assert [decoded(name) for name in entry["author"]] == ["United Nations General Assembly"]
    assert [decoded(name) for name in names(raw["publisher"])] == [
        "United Nations General Assembly"
    ]
    assert entry["year"] == "2003"
    assert entry["date"] == "2003-12-23"
    assert entry["number"] == "A/RES/58/220"
    assert "A/RES/58/220" in entry["note"]
    assert raw["url"] == "https://undocs.org/en/A/RES/58/220"
    assert raw["urldate"] == TODAY.isoformat()
    assert "/publications/south-south-resolution/" in raw["addendum"]
    assert entry["language"] == "en"


def test_ris_of_a_resolution_reads_back_exactly(client, resolution):
    entry = ris_entry(client, "/publications/south-south-resolution/cite.ris")

    assert entry["type_of_reference"] == "GOVDOC"
    assert entry["title"] == HOSTILE_TITLE
    assert entry["authors"] == ["United Nations General Assembly"]
    assert entry["publisher"] == "United Nations General Assembly"
    assert entry["year"] == "2003"
    assert entry["date"] == "2003/12/23/"
    assert entry["note"] == "A/RES/58/220"  # M1
    assert entry["urls"] == [
        "https://undocs.org/en/A/RES/58/220",
        "http://testserver/publications/south-south-resolution/",
    ]
    assert entry["access_date"] == TODAY.strftime("%Y/%m/%d/")
    assert entry["language"] == "en"
    assert entry["id"] == "ssc-south-south-resolution-2003"


def test_csl_json_of_a_resolution_reads_back_exactly(client, resolution):
    item = csl_item(client, "/publications/south-south-resolution/cite.json")

    assert item["id"] == "ssc-south-south-resolution-2003"
    assert item["type"] == "document"
    assert item["title"] == HOSTILE_TITLE
    assert item["author"] == [{"literal": "United Nations General Assembly"}]
    assert item["publisher"] == "United Nations General Assembly"
    assert item["issued"] == {"date-parts": [[2003, 12, 23]]}
    assert item["accessed"] == {"date-parts": [[TODAY.year, TODAY.month, TODAY.day]]}
    assert item["number"] == "A/RES/58/220"
    assert item["URL"] == "https://undocs.org/en/A/RES/58/220"
    assert item["note"] == "http://testserver/publications/south-south-resolution/"
    assert item["language"] == "en"


def test_a_report_is_cited_by_its_authors_with_its_own_address(
    client, make_publication, make_organisation
):
    make_publication(
        "Good practices",
        slug="good-practices",
        year=2021,
        authors=[make_organisation("Food and Agriculture Organization"), make_organisation("IsDB")],
        publishers=[make_organisation("UNOSSC")],
        external_url="https://example.org/report?id=1&lang=en",
    )

    entry, raw = bibtex_entry(client, "/publications/good-practices/cite.bib")
    assert entry.entry_type == "techreport"
    # "and" inside a name does not make two authors.
    assert [decoded(name) for name in entry["author"]] == [
        "Food and Agriculture Organization",
        "IsDB",
    ]
    assert [decoded(name) for name in names(raw["institution"])] == ["UNOSSC"]
    assert raw["url"] == "https://example.org/report?id=1&lang=en"
    assert "date" not in entry
    assert "number" not in entry

    ris = ris_entry(client, "/publications/good-practices/cite.ris")
    assert ris["type_of_reference"] == "RPRT"
    assert ris["authors"] == ["Food and Agriculture Organization", "IsDB"]
    assert ris["publisher"] == "UNOSSC"
    assert ris["date"] == "2021///"
    assert ris["urls"][0] == "https://example.org/report?id=1&lang=en"
    assert "note" not in ris

    item = csl_item(client, "/publications/good-practices/cite.json")
    assert item["type"] == "report"
    assert item["author"] == [
        {"literal": "Food and Agriculture Organization"},
        {"literal": "IsDB"},
    ]
    assert item["issued"] == {"date-parts": [[2021]]}
    assert "number" not in item

    text = client.get("/publications/good-practices/").context["citation_html"]
    assert "Food and Agriculture Organization and IsDB." in text
    assert "UNOSSC." in text  # the publisher, not an author
    assert "(2021)." in text


def test_without_a_symbol_or_an_address_a_publication_is_cited_at_its_page(
    client, make_publication
):
    make_publication("Unpublished elsewhere", slug="only-here", kind=PublicationKind.COMPENDIUM)

    item = csl_item(client, "/publications/only-here/cite.json")
    assert item["type"] == "book"
    assert item["URL"] == "http://testserver/publications/only-here/"
    assert "note" not in item
    assert "author" in item and item["author"] == []
    ris = ris_entry(client, "/publications/only-here/cite.ris")
    assert ris["urls"] == ["http://testserver/publications/only-here/"]


def test_an_arabic_page_cites_the_arabic_title_in_arabic(client, resolution):
    resolution.title_ar = ARABIC_TITLE
    resolution.save()

    entry, raw = bibtex_entry(client, "/ar/publications/south-south-resolution/cite.bib")
    assert decoded(entry["title"]) == ARABIC_TITLE
    assert entry["language"] == "ar"
    assert "/ar/publications/south-south-resolution/" in raw["addendum"]

    ris = ris_entry(client, "/ar/publications/south-south-resolution/cite.ris")
    assert ris["title"] == ARABIC_TITLE
    assert ris["language"] == "ar"
    assert ris["urls"][1] == "http://testserver/ar/publications/south-south-resolution/"

    item = csl_item(client, "/ar/publications/south-south-resolution/cite.json")
    assert item["title"] == ARABIC_TITLE
    assert item["language"] == "ar"

    response = client.get("/ar/publications/south-south-resolution/")
    assertContains(response, 'href="/ar/publications/south-south-resolution/cite.bib"')
    text = response.context["citation_html"]
    assert "<cite>تقرير التعاون" in text  # in the page's language: no lang attribute


def test_an_untranslated_title_is_cited_in_english_on_an_arabic_page(client, resolution):
    item = csl_item(client, "/ar/publications/south-south-resolution/cite.json")
    assert item["title"] == HOSTILE_TITLE
    assert item["language"] == "en"

    text = client.get("/ar/publications/south-south-resolution/").context["citation_html"]
    assert '<cite lang="en" dir="ltr">Cooperation' in text


def test_a_chinese_title_is_tagged_zh_hans(client, resolution):
    resolution.title_zh_hans = "南南合作"
    resolution.save()

    item = csl_item(client, "/zh-hans/publications/south-south-resolution/cite.json")
    assert item["title"] == "南南合作"
    assert item["language"] == "zh-Hans"


@pytest.mark.parametrize("extension", ["bib", "ris", "json"])
@pytest.mark.parametrize(
    "status,published_at",
    [
        (Status.DRAFT, None),
        (Status.IN_REVIEW, None),
        (Status.PUBLISHED, timezone.now() + timezone.timedelta(days=1)),
    ],
    ids=["draft", "in-review", "scheduled"],
)
def test_the_citation_of_a_record_not_public_is_not_found(
    client, admin_client, make_publication, make_initiative, status, published_at, extension
):
    make_publication("Secret", slug="secret", status=status, published_at=published_at)
    make_initiative("Secret", slug="secret", status=status, published_at=published_at)

    for url in [f"/publications/secret/cite.{extension}", f"/initiatives/secret/cite.{extension}"]:
        assert client.get(url).status_code == 404
        assert admin_client.get(url).status_code == 404
    assert client.get("/publications/unknown/cite.bib").status_code == 404


def test_a_preview_shows_the_citation_without_its_files(admin_client, make_publication):
    make_publication("Draft", slug="draft", status=Status.DRAFT)

    response = admin_client.get("/publications/draft/")

    assertContains(response, '<h2 id="cite-title">')
    assertNotContains(response, "/publications/draft/cite.bib")


def test_a_citation_file_answers_get_and_head_only(client, resolution):
    assert client.head("/publications/south-south-resolution/cite.ris").status_code == 200
    assert client.post("/publications/south-south-resolution/cite.ris").status_code == 405


# --- Case studies ---------------------------------------------------------------------------


@pytest.fixture
def case_study(make_initiative):
    return make_initiative(
        HOSTILE_TITLE,
        slug="rice-exchange",
        published_at=timezone.make_aware(datetime(2024, 5, 3, 12, 0)),
    )


def test_a_case_study_page_has_a_how_to_cite_block(client, case_study):
    response = client.get("/initiatives/rice-exchange/")

    assertContains(response, '<h2 id="cite-title">')
    for extension in ["bib", "ris", "json"]:
        assertContains(response, f'href="/initiatives/rice-exchange/cite.{extension}"')
    text = response.context["citation_html"]
    assert text.startswith("SSC Portal. (3 May 2024). <cite>Cooperation &amp; trade")
    assert f"Retrieved {TODAY.day} " in text
    assert '<bdi dir="ltr">http://testserver/initiatives/rice-exchange/</bdi>' in text


def test_a_case_study_is_cited_as_a_page_of_the_portal(client, case_study):
    entry, raw = bibtex_entry(client, "/initiatives/rice-exchange/cite.bib")
    assert entry.entry_type == "misc"
    assert entry.key == "ssc-rice-exchange-2024"
    assert decoded(entry["title"]) == HOSTILE_TITLE
    assert [decoded(name) for name in entry["author"]] == ["SSC Portal"]
    assert entry["date"] == "2024-05-03"
    assert raw["url"] == "http://testserver/initiatives/rice-exchange/"
    assert raw["urldate"] == TODAY.isoformat()
    assert "addendum" not in raw

    ris = ris_entry(client, "/initiatives/rice-exchange/cite.ris")
    assert ris["type_of_reference"] == "ELEC"
    assert ris["authors"] == ["SSC Portal"]
    assert ris["publisher"] == "SSC Portal"
    assert ris["year"] == "2024"
    assert ris["urls"] == ["http://testserver/initiatives/rice-exchange/"]
    assert ris["access_date"] == TODAY.strftime("%Y/%m/%d/")

    item = csl_item(client, "/initiatives/rice-exchange/cite.json")
    assert item["type"] == "webpage"
    assert item["container-title"] == "SSC Portal"
    assert item["issued"] == {"date-parts": [[2024, 5, 3]]}
    assert item["URL"] == "http://testserver/initiatives/rice-exchange/"


def test_an_arabic_case_study_title_round_trips(client, case_study):
    case_study.title_ar = ARABIC_TITLE
    case_study.save()

    entry, _raw = bibtex_entry(client, "/ar/initiatives/rice-exchange/cite.bib")
    assert decoded(entry["title"]) == ARABIC_TITLE
    assert entry["language"] == "ar"
    assert ris_entry(client, "/ar/initiatives/rice-exchange/cite.ris")["title"] == ARABIC_TITLE
    item = csl_item(client, "/ar/initiatives/rice-exchange/cite.json")
    assert item["title"] == ARABIC_TITLE
    assert item["URL"] == "http://testserver/ar/initiatives/rice-exchange/"


def test_the_files_are_named_after_the_slug(client, case_study):
    response = client.get("/initiatives/rice-exchange/cite.bib")
    assert response["Content-Disposition"] == 'attachment; filename="rice-exchange.bib"'
    response = client.get("/initiatives/rice-exchange/cite.json")
    assert response["Content-Disposition"] == 'attachment; filename="rice-exchange.json"'


# --- Queries --------------------------------------------------------------------------------


def test_a_citation_file_makes_a_fixed_number_of_queries(
    client, make_publication, make_organisation
):
    publication = make_publication("Many publishers", slug="many")
    publication.publishers.add(make_organisation("Publisher 0"))
    one, _response = count_queries(client, "/publications/many/cite.ris")
    for number in range(1, 20):
        publication.publishers.add(make_organisation(f"Publisher {number}"))
        publication.authors.add(make_organisation(f"Author {number}"))
    many, response = count_queries(client, "/publications/many/cite.ris")

    assert len(rispy.loads(response.content.decode())[0]["authors"]) == 19
    assert one == many <= 3

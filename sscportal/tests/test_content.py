"""The starting content in fixtures/: it loads, it is what the sources say, and loading it again
changes nothing."""

import json
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.db.models import Count

from initiatives.models import Initiative
from publishing.models import Status
from taxonomy.models import SDG, Country, Region, Source

FIXTURES = settings.BASE_DIR / "fixtures"

# The UN SDG icon palette, as tabled in data/SOURCES.md.
SDG_COLOURS = {
    1: "#E5243B",
    2: "#DDA63A",
    3: "#4C9F38",
    4: "#C5192D",
    5: "#FF3A21",
    6: "#26BDE2",
    7: "#FCC30B",
    8: "#A21942",
    9: "#FD6925",
    10: "#DD1367",
    11: "#FD9D24",
    12: "#BF8B2E",
    13: "#3F7E44",
    14: "#0A97D9",
    15: "#56C02B",
    16: "#00689D",
    17: "#19486A",
}

# The titles of the five public documents the starting content is drawn from.
SEED_DOCUMENTS = {
    "International Day for South-South Cooperation",
    "The best example of solidarity among countries",
    "Welcome to China South South Cooperation Network",
    "United Nations Day for South-South Cooperation 2021",
    "What Is South-South Cooperation? (Ref. UNOSSC)",
}


def content_models():
    """Every table the starting content writes to, the many-to-many tables included."""
    return [
        model
        for label in ("taxonomy", "initiatives")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]


def snapshot():
    return {
        model._meta.label: serializers.serialize("json", model._default_manager.order_by("pk"))
        for model in content_models()
    }


def fixture_records(name):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture
def loaded(db):
    call_command("load_portal_content", verbosity=0)


def test_it_loads_every_country_or_area_of_m49(loaded):
    assert Country.objects.count() == 248
    assert Country.objects.filter(region__isnull=True).values_list("iso2", flat=True).get() == "AQ"


def test_it_loads_the_17_sdgs_with_the_un_icon_colours(loaded):
    colours = dict(SDG.objects.values_list("number", "colour"))

    assert colours == SDG_COLOURS
    # The two goals where the UN Statistics Division's variant palette differs.
    assert (colours[2], colours[12]) == ("#DDA63A", "#BF8B2E")
    assert (colours[1], colours[17]) == ("#E5243B", "#19486A")


def test_it_loads_six_published_case_studies(loaded):
    assert Initiative.objects.count() == 6
    assert Initiative.objects.filter(status=Status.PUBLISHED).count() == 6
    assert Initiative.objects.published().count() == 6


def test_every_case_study_cites_a_source_and_says_where_it_happened(loaded):
    case_studies = Initiative.objects.annotate(
        source_count=Count("sources", distinct=True),
        place_count=Count("countries", distinct=True) + Count("regions", distinct=True),
    )

    assert [c.slug for c in case_studies if c.source_count == 0] == []
    assert [c.slug for c in case_studies if c.place_count == 0] == []


# The SDG targets each seed case study's texts support; each record's source note says why.
SEED_TARGETS = {
    "cuba-ebola-west-africa": ["3.3", "3.d"],
    "mexico-kenya-corn-diversification": ["2.2"],
    "colombia-mesoamerica-hunger-reduction": ["2.1"],
    "chile-caribbean-food-labelling": ["2.2"],
    "cambodia-colombia-demining-experts": [],
    "aipr-africa-latin-america-atrocity-prevention": ["16.1", "16.a"],
}


def test_the_case_studies_have_the_targets_their_texts_support_and_say_why(loaded):
    case_studies = Initiative.objects.prefetch_related("targets", "sdgs")

    assert {c.slug: [t.code for t in c.targets.all()] for c in case_studies} == SEED_TARGETS
    for case_study in case_studies:
        codes = [target.code for target in case_study.targets.all()]
        goals = {goal.number for goal in case_study.sdgs.all()}
        assert {target.goal.number for target in case_study.targets.all()} <= goals
        if codes:
            assert all(code in case_study.source_note for code in codes), case_study.slug
            assert "Tagged with target" in case_study.source_note
        else:
            assert "Tagged with no SDG target" in case_study.source_note
    # Goal 3 on the goal page: three case studies, two of them tagged with targets 3.3 or 3.d.
    assert Initiative.objects.published().filter(sdgs__number=3).count() == 3
    assert Initiative.objects.published().filter(targets__code="3.d").count() == 1


# Public reports that complete a seed document's account of a case study with facts it lacks
# (countries, years, who carried it out), each at its own address.
COMPLEMENTS = {
    "Cuba to send 165 health workers to West Africa as Ebola death toll rises to over 2,400",
    "Cuban Health Professionals Return from Ebola Mission in Africa",
}


def test_the_sources_are_the_five_seed_documents_and_the_reports_that_complete_them(loaded):
    assert set(Source.objects.values_list("title", flat=True)) == SEED_DOCUMENTS | COMPLEMENTS
    assert Source.objects.count() == 7
    complements = Source.objects.filter(title__in=COMPLEMENTS)
    assert all(source.url.startswith("http") and source.year for source in complements)
    # Each completes a case study that a seed document names.
    for source in complements:
        cited_with = Source.objects.filter(initiatives__sources=source).distinct()
        assert cited_with.filter(title__in=SEED_DOCUMENTS).exists()


def test_loading_it_again_changes_nothing(loaded):
    before = snapshot()
    counts = {label: text.count('"model"') for label, text in before.items()}

    call_command("load_portal_content", verbosity=0)

    after = snapshot()
    assert {label: text.count('"model"') for label, text in after.items()} == counts
    for label in before:
        assert after[label] == before[label], f"{label} changed on the second load"
    assert counts["taxonomy.Country"] == 248
    assert counts["initiatives.Initiative_sources"] >= 6


def test_the_stylesheet_uses_the_fixture_colours_for_all_17_goals():
    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text(encoding="utf-8")
    in_css = {
        int(number): colour.lower()
        for number, colour in re.findall(r"\.sdg-(\d+)\s*\{\s*--sdg:\s*(#[0-9a-fA-F]{6})\s*;", css)
    }
    in_fixture = {
        record["fields"]["number"]: record["fields"]["colour"].lower()
        for record in fixture_records("03_sdgs.json")
    }

    assert len(in_fixture) == 17
    assert in_css == in_fixture


def test_the_fixture_region_paths_are_what_saving_the_regions_computes(db):
    in_fixture = {
        record["fields"]["m49_code"]: record["fields"]["path"]
        for record in fixture_records("01_regions.json")
    }
    # loaddata saves raw, so Region.save() does not run while loading: run it now, parents first.
    call_command("loaddata", str(FIXTURES / "01_regions.json"), verbosity=0)
    for region in Region.objects.order_by("level"):
        region.save()

    assert dict(Region.objects.values_list("m49_code", "path")) == in_fixture


# --- Citing by title, and summaries that each say something of their own ----------------------
def public_texts():
    """(file, slug, field, text) for every text of every fixture record that a page, a feed or
    the API may show: all string fields but slugs, addresses and codes."""
    skipped = {"slug", "url", "website", "external_url", "iso2", "iso3", "m49_code", "path"}
    for path in sorted(FIXTURES.glob("*.json")):
        for record in json.loads(path.read_text(encoding="utf-8")):
            for field, value in record["fields"].items():
                if isinstance(value, str) and field not in skipped:
                    yield path.name, record["fields"].get("slug"), field, value


def test_no_public_text_cites_a_source_by_a_seed_file_number():
    from core.cites_by_title import seed_numbers

    cited_by_number = [
        (name, slug, field, seed_numbers(text))
        for name, slug, field, text in public_texts()
        if seed_numbers(text)
    ]

    assert cited_by_number == []


def sentences(text):
    """The sentences of `text`, split after a full stop, question or exclamation mark, in the
    six languages' scripts (。 ！ ？ in Chinese, ؟ in Arabic)."""
    parts = re.split(r"(?<=[.!?؟])\s+|(?<=[。！？])", text)
    return [part.strip() for part in parts if part.strip()]


def test_no_two_case_study_summaries_share_a_sentence_in_any_language():
    case_studies = [
        record["fields"]
        for record in fixture_records("20_initiatives.json")
        if record["model"] == "initiatives.initiative"
    ]
    summary_fields = [field for field in case_studies[0] if field.startswith("summary")]
    assert len(summary_fields) == len(settings.LANGUAGES)

    shared = {}
    for field in summary_fields:
        seen = {}
        for case_study in case_studies:
            for sentence in sentences(case_study[field]):
                if sentence in seen:
                    shared.setdefault(field, []).append((sentence, seen[sentence]))
                seen[sentence] = case_study["slug"]
    assert shared == {}


def test_every_source_online_gives_the_day_its_address_was_checked(loaded):
    for source in Source.objects.all():
        source.full_clean()
        assert bool(source.url) == bool(source.accessed_on), source.slug

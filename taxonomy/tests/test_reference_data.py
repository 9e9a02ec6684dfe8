"""The committed reference data: every region, country, goal and target has its text in the six
languages of the portal, in the fixtures and once loaded."""

import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from core.content_language import translation_field, translation_languages
from taxonomy.management.commands.build_taxonomy_fixtures import TARGETS_FIXTURE
from taxonomy.models import SDG, Country, Region, SDGTarget

FIXTURES = settings.BASE_DIR / "fixtures"
# (fixture, model, how many records, its translated texts)
REFERENCE = [
    ("01_regions.json", Region, 29, ["name"]),
    ("02_countries.json", Country, 248, ["name"]),
    ("03_sdgs.json", SDG, 17, ["short_name", "title"]),
    (TARGETS_FIXTURE, SDGTarget, 169, ["text"]),
]
LANGUAGES = [code for code, _name in settings.LANGUAGES]


def in_every_language(name):
    return [name] + [translation_field(name, language) for language in translation_languages()]


def fixture_fields(name):
    records = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return [record["fields"] for record in records]


def test_the_portal_has_six_languages():
    assert sorted(LANGUAGES) == ["ar", "en", "es", "fr", "ru", "zh-hans"]


@pytest.mark.parametrize(("name", "model", "count", "texts"), REFERENCE)
def test_every_fixture_record_has_its_texts_in_the_six_languages(name, model, count, texts):
    records = fixture_fields(name)

    assert len(records) == count
    for fields in records:
        for text in texts:
            for field in in_every_language(text):
                assert fields[field].strip(), (name, fields, field)


def test_the_targets_are_the_169_of_the_17_goals():
    targets = fixture_fields(TARGETS_FIXTURE)
    codes = [fields["code"] for fields in targets]
    per_goal = {}
    for fields in targets:
        per_goal.setdefault(fields["goal"][0], []).append(fields["code"])

    assert len(set(codes)) == 169
    assert sorted(per_goal) == list(range(1, 18))
    assert all(code.startswith(f"{goal}.") for goal, codes in per_goal.items() for code in codes)
    assert per_goal[1] == ["1.1", "1.2", "1.3", "1.4", "1.5", "1.a", "1.b"]
    assert per_goal[17][-1] == "17.19"
    assert sum(code.split(".")[1].isdigit() for code in codes) == 126  # and 43 lettered


def test_spot_checks_in_the_fixtures():
    countries = {fields["iso2"]: fields for fields in fixture_fields("02_countries.json")}
    regions = {fields["m49_code"]: fields for fields in fixture_fields("01_regions.json")}
    goals = {fields["number"]: fields for fields in fixture_fields("03_sdgs.json")}
    targets = {fields["code"]: fields for fields in fixture_fields(TARGETS_FIXTURE)}

    assert countries["KE"]["name_ru"] == "Кения"
    assert countries["KE"]["name_ar"] == "كينيا"
    assert countries["CI"]["name_fr"] == "Côte d’Ivoire"
    assert regions["002"]["name_zh_hans"] == "非洲"
    assert regions["419"]["name"] == "Latin America and the Caribbean"  # English stays M49's
    assert goals[2]["short_name"] == "Zero Hunger"
    assert goals[2]["short_name_fr"] == 'Faim "zéro"'
    assert goals[13]["short_name_fr"] == (
        "Mesures relatives à la lutte contre les changements climatiques"
    )
    assert goals[17]["title_es"].startswith("Fortalecer los medios de implementación")
    assert targets["8.2"]["text"].startswith("Achieve higher levels of economic productivity")
    assert targets["17.19"]["text_zh_hans"].startswith("到2030年")


@pytest.fixture
def loaded(db):
    call_command("load_portal_content", verbosity=0)


@pytest.mark.parametrize(("name", "model", "count", "texts"), REFERENCE)
def test_every_loaded_record_has_its_texts_in_the_six_languages(loaded, name, model, count, texts):
    assert model.objects.count() == count
    for text in texts:
        for field in in_every_language(text):
            assert not model.objects.filter(**{field: ""}).exists(), field
            assert not model.objects.filter(**{f"{field}__regex": r"^\s*$"}).exists(), field


def test_loaded_records_read_in_the_page_language(loaded):
    kenya = Country.objects.get(iso2="KE")
    africa = Region.objects.get(m49_code="002")
    goal = SDG.objects.get(number=2)
    target = SDGTarget.objects.get(code="1.a")

    with translation.override("ru"):
        assert kenya.texts.name == "Кения"
    with translation.override("zh-hans"):
        assert africa.texts.name == "非洲"
    with translation.override("fr"):
        assert goal.texts.short_name == 'Faim "zéro"'
    with translation.override("en"):
        assert goal.texts.short_name == "Zero Hunger"
    assert target.goal == SDG.objects.get(number=1)
    assert list(SDG.objects.get(number=1).targets.values_list("code", flat=True)) == [
        "1.1",
        "1.2",
        "1.3",
        "1.4",
        "1.5",
        "1.a",
        "1.b",
    ]


def test_loading_again_refreshes_a_changed_target(loaded):
    target = SDGTarget.objects.get(code="8.2")
    text_fr = target.text_fr
    SDGTarget.objects.filter(pk=target.pk).update(text_fr="Autre chose")

    call_command("load_portal_content", verbosity=0)

    target.refresh_from_db()
    assert target.text_fr == text_fr
    assert SDGTarget.objects.count() == 169

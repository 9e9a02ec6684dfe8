"""Records' texts in several languages: stored beside the English, edited in the admin, shown in
the page's language (English, marked, where a translation is missing), found by search, and the
filter choices named and ordered in the page's language."""

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from core.collation import sort_key
from core.content_language import translation_field, translation_languages
from events.models import Event
from initiatives.models import CooperationForm, CountryRole, Initiative
from publications.models import Publication
from publishing.search import cjk_pairs, query_terms, uses_postgresql
from sscportal.models import AboutSection, KeyFigure
from taxonomy.models import Country, Organisation, Theme

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SEEDED = {
    Initiative: ("title", "summary"),
    Event: ("title", "summary"),
    Publication: ("title", "summary"),
    Theme: ("name", "description"),
    Organisation: ("name",),
    KeyFigure: ("value", "statement"),
    AboutSection: ("heading", "body"),
}
OPTION = re.compile(r'<option value="([^"]*)"[^>]*>([^<]*)</option>')


@pytest.fixture
def portal_content(db):
    call_command("load_portal_content", stdout=StringIO())


def select_options(page, name):
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return [(value, label.strip()) for value, label in OPTION.findall(select) if value]


# --- The seed content ---------------------------------------------------------------------------
def test_the_seed_content_has_its_titles_and_summaries_in_all_six_languages(portal_content):
    checked = 0
    for model, fields in SEEDED.items():
        for record in model._default_manager.all():
            for field in fields:
                if not getattr(record, field):
                    continue
                for language in translation_languages():
                    text = getattr(record, translation_field(field, language))
                    assert text.strip(), (model.__name__, record.pk, field, language)
                    checked += 1
    assert checked >= 5 * 100


def test_seed_translations_are_written_in_their_own_script(portal_content):
    """A translation that is the English pasted again would pass as "translated": the Arabic,
    Chinese and Russian texts are in their scripts, the French and Spanish differ from the
    English (names of organisations aside, which may keep their own)."""
    scripts = {"ar": r"[\u0600-\u06ff]", "zh-hans": r"[\u4e00-\u9fff]", "ru": r"[\u0400-\u04ff]"}
    for model in (Initiative, Event, Publication, Theme, KeyFigure, AboutSection):
        for record in model._default_manager.all():
            for field in SEEDED[model]:
                english = getattr(record, field)
                if not english:
                    continue
                for language, script in scripts.items():
                    text = getattr(record, translation_field(field, language))
                    assert re.search(script, text), (record, field, language, text)
                for language in ("fr", "es"):
                    if len(english) > 12:
                        text = getattr(record, translation_field(field, language))
                        assert text != english, (record, field, language)


def test_the_fixtures_give_translations_only_of_fields_that_exist():
    for path in sorted(FIXTURES.glob("*.json")):
        for row in json.loads(path.read_text()):
            for name in row["fields"]:
                base = re.sub(r"_(ar|es|fr|ru|zh_hans)$", "", name)
                if base != name:
                    assert base in row["fields"], (path.name, name)


def test_a_french_summary_shows_under_fr_and_the_english_one_marked_under_ru(
    client, make_initiative
):
    initiative = make_initiative(
        "Solar pumps in the Sahel",
        summary="Engineers from Senegal trained technicians in Mali.",
        title_fr="Des pompes solaires au Sahel",
        summary_fr="Des ingénieurs du Sénégal ont formé des techniciens au Mali.",
        challenge="Wells ran dry.",
        challenge_fr="Les puits s’asséchaient.",
    )
    path = initiative.get_absolute_url()

    french = client.get(f"/fr{path}").content.decode()
    russian = client.get(f"/ru{path}").content.decode()

    assert "<h1>Des pompes solaires au Sahel</h1>" in french
    assert '<p class="lede">Des ingénieurs du Sénégal ont formé des techniciens au Mali.</p>' in (
        french
    )
    assert "<div><p>Les puits s’asséchaient.</p></div>" in french
    assert "<title>Des pompes solaires au Sahel" in french
    assert 'role="note"' not in french  # every text it has is in French
    assert "Engineers from Senegal" not in french
    assert '<h1 lang="en" dir="ltr">Solar pumps in the Sahel</h1>' in russian
    assert (
        '<p class="lede" lang="en" dir="ltr">Engineers from Senegal trained technicians in '
        "Mali.</p>" in russian
    )
    assert 'role="note"' in russian


def test_the_notice_says_so_when_only_a_later_section_is_untranslated(client, make_initiative):
    initiative = make_initiative(
        "Seed banks",
        summary="Farmers kept seed.",
        title_es="Bancos de semillas",
        summary_es="Los agricultores guardaron semillas.",
        results="Harvests doubled.",
    )
    page = client.get(f"/es{initiative.get_absolute_url()}").content.decode()

    assert "<h1>Bancos de semillas</h1>" in page
    assert '<div lang="en" dir="ltr"><p>Harvests doubled.</p></div>' in page
    assert 'role="note"' in page


def test_lists_and_search_results_use_the_translation(client, make_initiative):
    make_initiative("Clean cookstoves", title_fr="Des foyers améliorés", summary_fr="Un résumé.")

    listing = client.get("/fr/initiatives/").content.decode()
    found = client.get("/fr/search/", {"q": "foyers"}).content.decode()

    assert ">Des foyers améliorés</a>" in listing
    assert ">Des foyers améliorés</a>" in found


# --- Search by translated texts -----------------------------------------------------------------
def test_chinese_is_indexed_as_pairs_of_characters():
    assert cjk_pairs("南南合作") == "南南 南合 合作"
    assert cjk_pairs("到2030年") == "到 年"
    assert query_terms(["南南合作", "2030年", "Kenya"]) == [
        "南南",
        "南合",
        "合作",
        "2030",
        "年",
        "Kenya",
    ]


@pytest.mark.parametrize(
    ("language", "query"),
    [("fr", "coopération"), ("zh-hans", "合作"), ("ru", "здравоохранения"), ("ar", "التعاون")],
)
def test_a_search_finds_a_record_by_its_translated_summary(
    client, make_initiative, language, query
):
    summaries = {
        "fr": "La coopération Sud-Sud entre deux ministères de la santé.",
        "zh-hans": "两个卫生部之间的南南合作。",
        "ru": "Сотрудничество Юг-Юг между двумя министерствами здравоохранения.",
        "ar": "التعاون فيما بين بلدان الجنوب بين وزارتين للصحة.",
    }
    make_initiative(
        "Health ministries", **{translation_field("summary", language): summaries[language]}
    )
    make_initiative("Unrelated", summary="Nothing in common.")

    prefix = "" if language == "en" else f"/{language}"
    page = client.get(f"{prefix}/initiatives/", {"q": query}).content.decode()

    assert "health-ministries" in page
    assert "/unrelated/" not in page


def test_a_search_finds_a_case_study_by_its_country_s_name_in_another_language(
    client, make_initiative, countries
):
    kenya = countries["kenya"]
    kenya.name_ru = "Кения"
    kenya.save()
    make_initiative("Geothermal training", countries={kenya: CountryRole.BENEFICIARY})

    page = client.get("/ru/initiatives/", {"q": "Кения"}).content.decode()

    assert "geothermal-training" in page


def test_a_french_search_finds_a_plural_by_its_stem_on_postgresql(client, make_initiative):
    if not uses_postgresql("default"):
        pytest.skip("PostgreSQL's French stemmer: run with DATABASE_URL pointing at PostgreSQL")
    make_initiative(
        "Trade fairs",
        summary_fr="Des foires commerciales pour les coopératives agricoles.",
    )

    page = client.get("/fr/initiatives/", {"q": "coopérative"}).content.decode()
    everywhere = client.get("/fr/search/", {"q": "foire"}).content.decode()

    assert "trade-fairs" in page
    assert "trade-fairs" in everywhere


# --- Filter choices in the page's language --------------------------------------------------
def test_country_choices_are_named_and_ordered_in_the_page_s_language(
    client, make_initiative, countries
):
    names = {
        "kenya": ("Kenya", "Кения", "肯尼亚"),
        "jamaica": ("Jamaïque", "Ямайка", "牙买加"),
        "colombia": ("Colombie", "Колумбия", "哥伦比亚"),
        "chile": ("Chili", "Чили", "智利"),
        "cambodia": ("Cambodge", "Камбоджа", "柬埔寨"),
    }
    for key, (fr, ru, zh) in names.items():
        country = countries[key]
        country.name_fr, country.name_ru, country.name_zh_hans = fr, ru, zh
        country.save()
        make_initiative(f"Case in {country.name}", countries={country: CountryRole.BENEFICIARY})

    for language, index in (("fr", 0), ("ru", 1), ("zh-hans", 2)):
        page = client.get(f"/{language}/initiatives/").content.decode()
        labels = [label for _value, label in select_options(page, "country")]
        expected = sorted((value[index] for value in names.values()), key=sort_key(language))
        assert labels == expected, language
    # Pinyin: Gēlúnbǐyà, Jiǎnpǔzhài, Kěnníyà, Yámǎijiā, Zhìlì.
    assert expected == ["哥伦比亚", "柬埔寨", "肯尼亚", "牙买加", "智利"]


def test_french_order_puts_accented_names_with_their_letter():
    names = ["Zambie", "Égypte", "Équateur", "Espagne", "Afrique du Sud"]
    assert sorted(names, key=sort_key("fr")) == [
        "Afrique du Sud",
        "Égypte",
        "Équateur",
        "Espagne",
        "Zambie",
    ]


# --- The admin ----------------------------------------------------------------------------------
def test_the_change_form_groups_each_language_s_texts_and_marks_their_direction(
    admin_client, make_initiative
):
    initiative = make_initiative("Water points")
    url = reverse("admin:initiatives_initiative_change", args=[initiative.pk])

    page = admin_client.get(url).content.decode()

    for language in translation_languages():
        assert f'name="{translation_field("title", language)}"' in page
    arabic = re.search(r'<input[^>]*name="title_ar"[^>]*>', page).group(0)
    assert 'lang="ar"' in arabic and 'dir="rtl"' in arabic
    french = re.search(r'<textarea[^>]*name="summary_fr"[^>]*>', page).group(0)
    assert 'lang="fr"' in french and 'dir="ltr"' in french
    # Each language is its own collapsed group (a <details>), headed by the language's name.
    groups = re.findall(
        r'<fieldset class="module aligned collapse translation"[^>]*>\s*<details><summary>\s*'
        r"<h2[^>]*>([^<]+)</h2>",
        page,
    )
    assert groups == ["Arabic", "Chinese", "French", "Russian", "Spanish"]


def test_staff_save_a_translation_through_the_admin(admin_client, make_theme):
    theme = make_theme("Health")
    url = reverse("admin:taxonomy_theme_change", args=[theme.pk])
    form = {"name": "Health", "slug": theme.slug, "sort_order": 0, "description": ""}

    response = admin_client.post(url, {**form, "name_fr": "Santé", "name_zh_hans": "卫生"})

    assert response.status_code == 302
    theme.refresh_from_db()
    assert (theme.name, theme.name_fr, theme.name_zh_hans, theme.name_ar) == (
        "Health",
        "Santé",
        "卫生",
        "",
    )


def test_the_admin_lists_records_missing_a_translation(admin_client, make_initiative):
    make_initiative("Translated", title_fr="Traduit", summary_fr="Résumé.")
    make_initiative("Not translated")
    make_initiative("Half translated", title_fr="À moitié traduit")
    url = reverse("admin:initiatives_initiative_changelist")

    page = admin_client.get(url, {"untranslated": "fr"}).content.decode()
    everything = admin_client.get(url).content.decode()
    bad = admin_client.get(url, {"untranslated": "xx"})

    assert ">Not translated<" in page and ">Half translated<" in page
    assert ">Translated<" not in page
    assert "Missing in French" in everything
    assert bad.status_code in (200, 302)


def test_the_admin_search_finds_a_record_by_a_translated_title(admin_client, make_initiative):
    make_initiative("Mobile clinics", title_ru="Передвижные клиники")
    url = reverse("admin:initiatives_initiative_changelist")

    page = admin_client.get(url, {"q": "клиники"}).content.decode()

    assert ">Mobile clinics<" in page


def test_forms_of_cooperation_and_organisations_are_translatable():
    for model in (CooperationForm, Organisation, Country):
        assert "name" in model.translated_fields
        assert {translation_field("name", code) for code in translation_languages()} <= {
            field.name for field in model._meta.get_fields()
        }

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from taxonomy.management.commands import build_taxonomy_fixtures
from taxonomy.management.commands.build_taxonomy_fixtures import (
    TARGETS_FIXTURE,
    Command,
    clean_text,
    parse_flat_yaml,
)

HEADER = (
    "Global Code;Global Name;Region Code;Region Name;Sub-region Code;Sub-region Name;"
    "Intermediate Region Code;Intermediate Region Name;Country or Area;M49 Code;ISO-alpha2 Code;"
    "ISO-alpha3 Code;Least Developed Countries (LDC);Land Locked Developing Countries (LLDC);"
    "Small Island Developing States (SIDS)"
)
ROWS = [
    "001;World;002;Africa;015;Northern Africa;;;Algeria;012;DZ;DZA;;;",
    "001;World;002;Africa;202;Sub-Saharan Africa;018;Southern Africa;Namibia;516;NA;NAM;;;",
    "001;World;002;Africa;202;Sub-Saharan Africa;011;Western Africa;Guinea-Bissau;624;GW;GNB;x;;x",
    "001;World;002;Africa;202;Sub-Saharan Africa;011;Western Africa;"
    "C\u00f4te d\u2019Ivoire;384;CI;CIV;;;",
    "001;World;;;;;;;Antarctica;010;AQ;ATA;;;",
]


def write_data(directory, rows=ROWS):
    # As UNSD ships it: UTF-8 with a BOM, ";"-delimited, no final newline.
    (directory / "unsd-m49.csv").write_text(
        HEADER + "\n" + "\n".join(rows), encoding="utf-8-sig", newline=""
    )
    lines = []
    for number in range(1, 18):
        lines.append(f"{number}-short: Goal {number}")
        lines.append(f"{number}-title: Title of goal {number}")
    # A value folded over two lines, as in global_goals.yml.
    lines[lines.index("2-title: Title of goal 2")] = (
        "2-title: End hunger, achieve food security\n  and more"
    )
    (directory / "global_goals.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_sdg_translations(directory)
    write_country_codes(directory)


UNTERM = {
    "en": "UNTERM English Short",
    "ar": "UNTERM Arabic Short",
    "zh": "UNTERM Chinese Short",
    "fr": "UNTERM French Short",
    "ru": "UNTERM Russian Short",
    "es": "UNTERM Spanish Short",
}


def write_country_codes(directory):
    """country-codes.csv with its UNTERM columns, as upstream: Côte d'Ivoire's row current, and
    Namibia's under an older English name (made up), which must not be used."""
    rows = [
        {
            "ISO3166-1-Alpha-2": "CI",
            "en": "Côte d'Ivoire",
            "ar": "كوت ديفوار",
            "zh": "科特迪瓦",
            "fr": "Côte d'Ivoire (la)",
            "ru": "Кот-д'Ивуар",
            "es": "Côte d'Ivoire",
        },
        {
            "ISO3166-1-Alpha-2": "NA",
            "en": "South West Africa",
            "ar": "جنوب غرب أفريقيا",
            "zh": "西南非洲",
            "fr": "Sud-Ouest africain (le)",
            "ru": "Юго-Западная Африка",
            "es": "África del Sudoeste",
        },
    ]
    columns = ["ISO3166-1-Alpha-2", *UNTERM.values()]
    lines = [",".join(columns)]
    for row in rows:
        values = [row["ISO3166-1-Alpha-2"], *(row[key] for key in UNTERM)]
        lines.append(",".join(f'"{value}"' for value in values))
    (directory / "country-codes.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


TARGET_KEYS = ["1-1", "1-10", "1-2", "1-a", "17-19", "2-1"]  # sorted as strings, as upstream
TAGS = ["ar", "zh-Hans", "fr", "ru", "es"]


def write_sdg_translations(directory, targets=TARGET_KEYS):
    """sdg/global_goals.<tag>.yml and sdg/global_targets.<tag>.yml, shaped like the real ones."""
    sdg = directory / "sdg"
    sdg.mkdir(exist_ok=True)
    for tag in TAGS:
        lines = []
        for number in range(1, 18):
            lines.append(f"{number}-short: {tag} goal {number}")
            lines.append(f"{number}-title: {tag} title of goal {number}")
        (sdg / f"global_goals.{tag}.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    french = (sdg / "global_goals.fr.yml").read_text(encoding="utf-8")
    french = french.replace("2-short: fr goal 2", '2-short: Faim "zéro"')
    # Decomposed accents and a title folded over two lines, as in the French file.
    french = french.replace(
        "2-title: fr title of goal 2",
        "2-title: E\u0301liminer la faim, assurer la se\u0301curite\u0301 alimentaire\n"
        "  et promouvoir l\u2019agriculture durable",
    )
    (sdg / "global_goals.fr.yml").write_text(french, encoding="utf-8")
    for tag in ["en", *TAGS]:
        lines = [f"{key}-title: {tag} target {key}" for key in targets]
        (sdg / f"global_targets.{tag}.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    # A quoted Arabic value folded over two lines, with tatweel and a stray leading space.
    arabic = (sdg / "global_targets.ar.yml").read_text(encoding="utf-8")
    arabic = arabic.replace(
        "1-a-title: ar target 1-a", "1-a-title: ' كفالة حشـد موارد\n  كبيرة من مصادر متنوعة'"
    )
    (sdg / "global_targets.ar.yml").write_text(arabic, encoding="utf-8")


@pytest.fixture
def output(tmp_path):
    data_dir = tmp_path / "data"
    out_dir = tmp_path / "out"
    data_dir.mkdir()
    write_data(data_dir)
    call_command("build_taxonomy_fixtures", data_dir=data_dir, output_dir=out_dir, verbosity=0)

    def load(name):
        text = (out_dir / name).read_text(encoding="utf-8")
        assert text.endswith("]\n")
        return json.loads(text)

    return load


def test_regions_have_paths_and_parents_first(output):
    regions = output("01_regions.json")
    assert all("pk" not in record for record in regions)
    assert {r["model"] for r in regions} == {"taxonomy.region"}
    fields = {r["fields"]["m49_code"]: r["fields"] for r in regions}
    assert set(fields) == {"002", "015", "202", "018", "011"}
    assert fields["002"] == {
        "name": "Africa",
        # The other languages from the CLDR, by M49 code.
        "name_ar": "أفريقيا",
        "name_zh_hans": "非洲",
        "name_fr": "Afrique",
        "name_ru": "Африка",
        "name_es": "África",
        "slug": "africa",
        "m49_code": "002",
        "level": 1,
        "parent": None,
        "path": "002/",
    }
    assert fields["202"]["level"] == 2
    assert fields["202"]["parent"] == ["002"]
    assert fields["202"]["path"] == "002/202/"
    assert fields["011"]["level"] == 3
    assert fields["011"]["parent"] == ["202"]
    assert fields["011"]["path"] == "002/202/011/"
    assert fields["011"]["slug"] == "western-africa"

    seen = set()
    for record in regions:
        parent = record["fields"]["parent"]
        if parent:
            assert parent[0] in seen, "a parent must come before its children"
        seen.add(record["fields"]["m49_code"])


def test_countries(output):
    countries = output("02_countries.json")
    assert all("pk" not in record for record in countries)
    by_iso = {c["fields"]["iso2"]: c["fields"] for c in countries}
    assert set(by_iso) == {"DZ", "NA", "GW", "CI", "AQ"}
    assert by_iso["CI"]["name"] == "C\u00f4te d\u2019Ivoire"
    assert by_iso["CI"]["slug"] == "cote-divoire"
    # The UN's own names where the UN Terminology Database's row is current (its English name
    # is M49's), without French's article and with the typographic apostrophe: CLDR's Arabic
    # is "ساحل العاج".
    assert by_iso["CI"]["name_ar"] == "كوت ديفوار"
    assert by_iso["CI"]["name_fr"] == "C\u00f4te d\u2019Ivoire"
    assert by_iso["CI"]["name_zh_hans"] == "科特迪瓦"
    # Else the CLDR's, by ISO alpha-2 code: Namibia's row names it otherwise than M49 does.
    assert by_iso["NA"]["name_ru"] == "Намибия"
    assert by_iso["NA"]["name_fr"] == "Namibie"
    assert by_iso["AQ"]["name_es"] == "Antártida"

    namibia = by_iso["NA"]
    assert namibia["name"] == "Namibia"
    assert namibia["iso3"] == "NAM"
    assert namibia["m49_code"] == "516"
    assert namibia["region"] == ["018"]  # the intermediate region where there is one

    assert by_iso["DZ"]["region"] == ["015"]  # else the sub-region
    assert by_iso["DZ"]["m49_code"] == "012"  # codes stay zero-padded text
    assert by_iso["AQ"]["region"] is None

    guinea_bissau = by_iso["GW"]
    assert guinea_bissau["slug"] == "guinea-bissau"
    assert (guinea_bissau["is_ldc"], guinea_bissau["is_lldc"], guinea_bissau["is_sids"]) == (
        True,
        False,
        True,
    )
    assert (namibia["is_ldc"], namibia["is_lldc"], namibia["is_sids"]) == (False, False, False)


def test_sdgs(output):
    sdgs = output("03_sdgs.json")
    assert all("pk" not in record for record in sdgs)
    assert [s["fields"]["number"] for s in sdgs] == list(range(1, 18))
    goal2 = sdgs[1]["fields"]
    assert goal2 == {
        "number": 2,
        "short_name": "Zero Hunger",
        "short_name_ar": "ar goal 2",
        "short_name_zh_hans": "zh-Hans goal 2",
        "short_name_fr": 'Faim "zéro"',
        "short_name_ru": "ru goal 2",
        "short_name_es": "es goal 2",
        "title": "End hunger, achieve food security and more",
        "title_ar": "ar title of goal 2",
        "title_zh_hans": "zh-Hans title of goal 2",
        # Composed, as the portal keeps its texts, and unfolded.
        "title_fr": "Éliminer la faim, assurer la sécurité alimentaire et promouvoir "
        "l\u2019agriculture durable",
        "title_ru": "ru title of goal 2",
        "title_es": "es title of goal 2",
        "colour": "#DDA63A",
    }
    assert sdgs[11]["fields"]["colour"] == "#BF8B2E"


def test_targets_come_by_goal_numbered_before_lettered(output):
    targets = output(TARGETS_FIXTURE)

    assert {record["model"] for record in targets} == {"taxonomy.sdgtarget"}
    assert all("pk" not in record for record in targets)
    assert [record["fields"]["code"] for record in targets] == [
        "1.1",
        "1.2",
        "1.10",
        "1.a",
        "2.1",
        "17.19",
    ]
    target = targets[3]["fields"]
    assert target == {
        "goal": [1],
        "code": "1.a",
        "sort_key": 100,
        "text": "en target 1-a",
        "text_ar": "كفالة حشد موارد كبيرة من مصادر متنوعة",
        "text_zh_hans": "zh-Hans target 1-a",
        "text_fr": "fr target 1-a",
        "text_ru": "ru target 1-a",
        "text_es": "es target 1-a",
    }
    assert targets[-1]["fields"]["goal"] == [17]


def test_clean_text_composes_drops_tatweel_and_single_spaces():
    assert clean_text("  De\u0301veloppement   durable \n") == "Développement durable"
    assert clean_text("\u0418\u0306") == "\u0419"  # Й
    assert clean_text("تيسـير الهجرة") == "تيسير الهجرة"


def run(data_dir, out_dir):
    call_command("build_taxonomy_fixtures", data_dir=data_dir, output_dir=out_dir, verbosity=0)


def without(code, language):
    """The CLDR names, but none for `code` in `language`."""
    real = build_taxonomy_fixtures.cldr_names

    def names(lang):
        found = dict(real(lang))
        if lang == language:
            del found[code]
        return found

    return names


@pytest.mark.parametrize(
    ("code", "language", "message"),
    [
        ("CI", "fr", "no fr name for the country or area CI (C\u00f4te d\u2019Ivoire)"),
        ("202", "zh-hans", "no zh-hans name for the region 202 (Sub-Saharan Africa)"),
    ],
)
def test_a_name_the_cldr_lacks_stops_the_command(tmp_path, monkeypatch, code, language, message):
    write_data(tmp_path)
    monkeypatch.setattr(build_taxonomy_fixtures, "cldr_names", without(code, language))

    with pytest.raises(CommandError, match=re.escape(message)):
        run(tmp_path, tmp_path / "out")

    assert not (tmp_path / "out").exists()  # nothing half written


def test_a_language_lacking_a_target_stops_the_command(tmp_path):
    write_data(tmp_path)
    (tmp_path / "sdg" / "global_targets.ru.yml").write_text(
        "\n".join(f"{key}-title: ru target {key}" for key in TARGET_KEYS[:-1]) + "\n",
        encoding="utf-8",
    )

    with pytest.raises(CommandError, match=r"global_targets\.ru\.yml .* same targets: 2-1-title"):
        run(tmp_path, tmp_path / "out")


def test_a_goal_without_a_translated_title_stops_the_command(tmp_path):
    write_data(tmp_path)
    path = tmp_path / "sdg" / "global_goals.es.yml"
    text = path.read_text(encoding="utf-8").replace("7-title: es title of goal 7\n", "")
    path.write_text(text, encoding="utf-8")

    with pytest.raises(CommandError, match=r"global_goals\.es\.yml has no text for '7-title'"):
        run(tmp_path, tmp_path / "out")


def test_a_text_longer_than_its_field_stops_the_command(tmp_path):
    write_data(tmp_path)
    path = tmp_path / "sdg" / "global_goals.ru.yml"
    text = path.read_text(encoding="utf-8").replace("ru goal 5", "Ж" * 101)
    path.write_text(text, encoding="utf-8")

    with pytest.raises(CommandError, match="short_name_ru holds at most 100 characters"):
        run(tmp_path, tmp_path / "out")


def test_output_is_deterministic(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    write_data(data_dir)
    texts = []
    for run in ("a", "b"):
        call_command(
            "build_taxonomy_fixtures", data_dir=data_dir, output_dir=tmp_path / run, verbosity=0
        )
        texts.append((tmp_path / run / "02_countries.json").read_text(encoding="utf-8"))
    assert texts[0] == texts[1]
    assert "\\u" not in texts[0]
    assert "C\u00f4te d\u2019Ivoire" in texts[0]  # ensure_ascii=False


def test_missing_data_file(tmp_path):
    with pytest.raises(CommandError):
        call_command(
            "build_taxonomy_fixtures",
            data_dir=tmp_path,
            output_dir=tmp_path / "out",
            verbosity=0,
        )


def test_bad_flag_is_refused(tmp_path):
    write_data(
        tmp_path, ROWS[:1] + ["001;World;002;Africa;015;Northern Africa;;;Egypt;818;EG;EGY;y;;"]
    )
    with pytest.raises(CommandError):
        call_command(
            "build_taxonomy_fixtures", data_dir=tmp_path, output_dir=tmp_path / "out", verbosity=0
        )


def test_parse_flat_yaml_folds_lines():
    text = (
        "1-title: First line\n  second line\n'2-short': \"Quoted: value\"\n"
        "3-title: 'It''s quoted\n  over two lines'\n"
    )
    assert parse_flat_yaml(text) == {
        "1-title": "First line second line",
        "2-short": "Quoted: value",
        "3-title": "It's quoted over two lines",
    }


@pytest.mark.parametrize("value", ["'not closed", '"an \\"escape\\""', "|", "[1, 2]"])
def test_parse_flat_yaml_refuses_what_it_would_misread(value):
    with pytest.raises(CommandError):
        parse_flat_yaml(f"1-title: {value}\n")


def test_the_repository_data_regenerates_the_committed_fixtures(tmp_path):
    # No --data-dir: the command reads the repository's data/ folder.
    call_command("build_taxonomy_fixtures", output_dir=tmp_path, verbosity=0)

    fixtures = Path(settings.BASE_DIR) / "fixtures"
    for name in ("01_regions.json", "02_countries.json", "03_sdgs.json", TARGETS_FIXTURE):
        assert (tmp_path / name).read_bytes() == (fixtures / name).read_bytes(), name


def test_the_default_directories_are_in_the_repository():
    options = Command().create_parser("manage.py", "build_taxonomy_fixtures").parse_args([])

    assert options.data_dir == Path(settings.BASE_DIR) / "data"
    assert options.output_dir == Path(settings.BASE_DIR) / "fixtures"


def test_m49_regions_that_cldr_names_otherwise_keep_their_m49_names():
    regions = [
        {"fields": {"m49_code": "419", "name": "Latin America and the Caribbean", "name_fr": "x"}},
        {"fields": {"m49_code": "002", "name": "Africa", "name_fr": "Afrique"}},
    ]

    build_taxonomy_fixtures.use_m49_region_names(regions)

    assert regions[0]["fields"]["name_fr"] == "Amérique latine et Caraïbes"
    assert regions[0]["fields"]["name_zh_hans"] == "拉丁美洲和加勒比"
    assert regions[1]["fields"]["name_fr"] == "Afrique"

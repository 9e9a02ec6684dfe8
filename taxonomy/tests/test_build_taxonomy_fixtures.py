import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from taxonomy.management.commands.build_taxonomy_fixtures import Command, parse_flat_yaml

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
        "title": "End hunger, achieve food security and more",
        "colour": "#DDA63A",
    }
    assert sdgs[11]["fields"]["colour"] == "#BF8B2E"


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
    text = "1-title: First line\n  second line\n'2-short': \"Quoted: value\"\n"
    assert parse_flat_yaml(text) == {
        "1-title": "First line second line",
        "2-short": "Quoted: value",
    }


def test_the_repository_data_regenerates_the_committed_fixtures(tmp_path):
    # No --data-dir: the command reads the repository's data/ folder.
    call_command("build_taxonomy_fixtures", output_dir=tmp_path, verbosity=0)

    fixtures = Path(settings.BASE_DIR) / "fixtures"
    for name in ("01_regions.json", "02_countries.json", "03_sdgs.json"):
        assert (tmp_path / name).read_bytes() == (fixtures / name).read_bytes(), name


def test_the_default_directories_are_in_the_repository():
    options = Command().create_parser("manage.py", "build_taxonomy_fixtures").parse_args([])

    assert options.data_dir == Path(settings.BASE_DIR) / "data"
    assert options.output_dir == Path(settings.BASE_DIR) / "fixtures"

"""Build the taxonomy fixtures (regions, countries, SDGs) from the reference data files.

The data files are the portal's copies in `data/`; `data/SOURCES.md` says where they come from.
"""

import csv
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

M49_FILE = "unsd-m49.csv"
GOALS_FILE = "global_goals.yml"

# The UN SDG icon labels (Title Case) and the UN icon colour palette, copied from the table "The 17
# SDGs: recommended values" at the end of data/SOURCES.md. No data file holds them:
# global_goals.yml has sentence-case short names and no colours, and all.json has two colours
# (goals 2 and 12) from a different palette. Titles are read from global_goals.yml.
SDG_ICONS = {
    1: ("No Poverty", "#E5243B"),
    2: ("Zero Hunger", "#DDA63A"),
    3: ("Good Health and Well-being", "#4C9F38"),
    4: ("Quality Education", "#C5192D"),
    5: ("Gender Equality", "#FF3A21"),
    6: ("Clean Water and Sanitation", "#26BDE2"),
    7: ("Affordable and Clean Energy", "#FCC30B"),
    8: ("Decent Work and Economic Growth", "#A21942"),
    9: ("Industry, Innovation and Infrastructure", "#FD6925"),
    10: ("Reduced Inequalities", "#DD1367"),
    11: ("Sustainable Cities and Communities", "#FD9D24"),
    12: ("Responsible Consumption and Production", "#BF8B2E"),
    13: ("Climate Action", "#3F7E44"),
    14: ("Life Below Water", "#0A97D9"),
    15: ("Life on Land", "#56C02B"),
    16: ("Peace, Justice and Strong Institutions", "#00689D"),
    17: ("Partnerships for the Goals", "#19486A"),
}

# The columns of the M49 file this command uses.
REGION_LEVELS = [
    ("Region Code", "Region Name"),
    ("Sub-region Code", "Sub-region Name"),
    ("Intermediate Region Code", "Intermediate Region Name"),
]
COUNTRY_COLUMNS = [
    "Country or Area",
    "M49 Code",
    "ISO-alpha2 Code",
    "ISO-alpha3 Code",
    "Least Developed Countries (LDC)",
    "Land Locked Developing Countries (LLDC)",
    "Small Island Developing States (SIDS)",
]


def read_m49(path):
    """The rows of the M49 file as dicts of strings. The csv module keeps every value as text, so
    zero-padded codes stay padded and Namibia's ISO code "NA" stays "NA"."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=";")
        missing = [
            column
            for column in [c for pair in REGION_LEVELS for c in pair] + COUNTRY_COLUMNS
            if column not in (reader.fieldnames or [])
        ]
        if missing:
            raise CommandError(f"{path}: missing columns: {', '.join(missing)}")
        return [{key: (value or "").strip() for key, value in row.items()} for row in reader]


def flag(value):
    value = value.strip().lower()
    if value not in {"", "x"}:
        raise CommandError(f"Unexpected flag value {value!r}: expected 'x' or empty.")
    return value == "x"


def unique_slug(name, taken, fallback):
    slug = slugify(name)
    if not slug or slug in taken:
        slug = slugify(f"{name} {fallback}")
    if not slug or slug in taken:
        raise CommandError(f"Cannot make a unique slug for {name!r}.")
    taken.add(slug)
    return slug


def build_regions_and_countries(rows):
    regions = {}  # m49 code -> fields
    countries = []
    for row in rows:
        parent_code = None
        path = ""
        most_specific = None
        for level, (code_column, name_column) in enumerate(REGION_LEVELS, start=1):
            code, name = row[code_column], row[name_column]
            if not code:
                continue
            if not name:
                raise CommandError(f"Region {code} has no name.")
            path = f"{path}{code}/"
            fields = {
                "name": name,
                "m49_code": code,
                "level": level,
                "parent": [parent_code] if parent_code else None,
                "path": path,
            }
            known = regions.setdefault(code, fields)
            if known != fields:
                raise CommandError(f"Region {code} is described in two different ways.")
            parent_code = code
            most_specific = code
        countries.append(
            {
                "name": row["Country or Area"],
                "iso2": row["ISO-alpha2 Code"],
                "iso3": row["ISO-alpha3 Code"],
                "m49_code": row["M49 Code"],
                "region": [most_specific] if most_specific else None,
                "is_ldc": flag(row["Least Developed Countries (LDC)"]),
                "is_lldc": flag(row["Land Locked Developing Countries (LLDC)"]),
                "is_sids": flag(row["Small Island Developing States (SIDS)"]),
            }
        )

    for key in ("iso2", "iso3", "m49_code"):
        values = [country[key] for country in countries]
        if any(not value for value in values):
            raise CommandError(f"A country has no {key}.")
        if len(set(values)) != len(values):
            raise CommandError(f"Duplicate {key} among the countries.")

    # Sorting on the path puts every parent before its children, as loaddata needs.
    region_records = []
    taken = set()
    for fields in sorted(regions.values(), key=lambda fields: fields["path"]):
        slug = unique_slug(fields["name"], taken, fields["m49_code"])
        region_records.append(
            {
                "model": "taxonomy.region",
                "fields": {
                    "name": fields["name"],
                    "slug": slug,
                    "m49_code": fields["m49_code"],
                    "level": fields["level"],
                    "parent": fields["parent"],
                    "path": fields["path"],
                },
            }
        )

    country_records = []
    taken = set()
    for fields in sorted(countries, key=lambda fields: (fields["name"], fields["iso2"])):
        slug = unique_slug(fields["name"], taken, fields["iso2"])
        country_records.append(
            {
                "model": "taxonomy.country",
                "fields": {
                    "name": fields["name"],
                    "slug": slug,
                    "iso2": fields["iso2"],
                    "iso3": fields["iso3"],
                    "m49_code": fields["m49_code"],
                    "region": fields["region"],
                    "is_ldc": fields["is_ldc"],
                    "is_lldc": fields["is_lldc"],
                    "is_sids": fields["is_sids"],
                },
            }
        )
    return region_records, country_records


def parse_flat_yaml(text):
    """Parse a flat YAML mapping of plain or quoted scalars, where a value may be folded over
    indented continuation lines (joined with single spaces, as YAML does). Enough for
    global_goals.yml; anything else is refused rather than misread."""
    mapping = {}
    key = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or stripped == "---":
            continue
        if line[0] in " \t":
            if key is None:
                raise CommandError(f"Line {number}: continuation line before any key.")
            mapping[key] = f"{mapping[key]} {stripped}" if mapping[key] else stripped
            continue
        if ":" not in line:
            raise CommandError(f"Line {number}: expected 'key: value'.")
        key, value = line.split(":", 1)
        key = key.strip().strip("\"'")
        if key in mapping:
            raise CommandError(f"Line {number}: duplicate key {key!r}.")
        mapping[key] = value.strip()
    for key, value in mapping.items():
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        elif value[:1] in {"|", ">", "[", "{", "&", "*", "!"}:
            raise CommandError(f"Unsupported YAML value for {key!r}.")
        mapping[key] = value
    return mapping


def build_sdgs(goals):
    records = []
    for number, (short_name, colour) in sorted(SDG_ICONS.items()):
        title = goals.get(f"{number}-title", "")
        if not title:
            raise CommandError(f"{GOALS_FILE} has no title for goal {number}.")
        records.append(
            {
                "model": "taxonomy.sdg",
                "fields": {
                    "number": number,
                    "short_name": short_name,
                    "title": title,
                    "colour": colour,
                },
            }
        )
    return records


def write_fixture(path, records):
    path.write_text(json.dumps(records, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


class Command(BaseCommand):
    help = (
        "Write the region, country and SDG fixtures (01_regions.json, 02_countries.json, "
        "03_sdgs.json) from the UN M49 table and the SDG titles in the data directory (by "
        "default the repository's data/ folder)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=Path(settings.BASE_DIR) / "data",
            help=(
                "Directory holding unsd-m49.csv and global_goals.yml (default: data/ in the "
                "repository, described in data/SOURCES.md)."
            ),
        )
        parser.add_argument(
            "--output-dir",
            type=Path,
            default=Path(settings.BASE_DIR) / "fixtures",
            help="Directory the fixture files are written to (default: fixtures/).",
        )

    def handle(self, *args, **options):
        data_dir = options["data_dir"]
        output_dir = options["output_dir"]
        for name in (M49_FILE, GOALS_FILE):
            if not (data_dir / name).is_file():
                raise CommandError(f"{data_dir / name} does not exist.")
        output_dir.mkdir(parents=True, exist_ok=True)

        regions, countries = build_regions_and_countries(read_m49(data_dir / M49_FILE))
        goals = parse_flat_yaml((data_dir / GOALS_FILE).read_text(encoding="utf-8"))
        sdgs = build_sdgs(goals)

        outputs = [
            ("01_regions.json", regions),
            ("02_countries.json", countries),
            ("03_sdgs.json", sdgs),
        ]
        for filename, records in outputs:
            write_fixture(output_dir / filename, records)
            if options["verbosity"] >= 1:
                self.stdout.write(f"Wrote {len(records)} records to {output_dir / filename}")

"""Build the taxonomy fixtures (regions, countries, SDGs and their targets) from the reference
data files, with their names in the portal's six languages.

The data files are the portal's copies in `data/`; `data/SOURCES.md` says where they come from.
The names of regions and countries in the languages other than English are the Unicode CLDR's,
as the babel package ships them.
"""

import csv
import json
import re
import unicodedata
from pathlib import Path

import babel
from babel import Locale, UnknownLocaleError
from babel.core import get_cldr_version
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

from core.content_language import translation_field, translation_languages
from taxonomy.models import SDG, Country, Region, SDGTarget, target_sort_key

M49_FILE = "unsd-m49.csv"
GOALS_FILE = "global_goals.yml"
# The goals and targets in each language, e.g. sdg/global_goals.fr.yml, sdg/global_targets.fr.yml.
SDG_DIR = "sdg"
TARGETS_FIXTURE = "03_sdgs_targets.json"  # after 03_sdgs.json: a target names its goal
TARGET_KEY = re.compile(r"([1-9][0-9]?)-([1-9][0-9]?|[a-z])-title")
TATWEEL = "\u0640"

# The UN SDG icon labels (Title Case) and the UN icon colour palette, copied from the table "The 17
# SDGs: recommended values" at the end of data/SOURCES.md. No data file holds them:
# global_goals.yml has sentence-case short names and no colours, and all.json has two colours
# (goals 2 and 12) from a different palette. Titles are read from global_goals.yml, and the short
# names and titles in the other languages from sdg/global_goals.<language>.yml.
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
    global_goals.yml and the goals and targets in sdg/; anything else is refused rather than
    misread."""
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
        if len(value) >= 2 and value[0] == value[-1] == "'":
            value = value[1:-1].replace("''", "'")
        elif len(value) >= 2 and value[0] == value[-1] == '"' and "\\" not in value:
            value = value[1:-1]
        elif value[:1] in {"'", '"'}:
            raise CommandError(f"Unsupported quoted YAML value for {key!r}.")
        elif value[:1] in {"|", ">", "[", "{", "&", "*", "!"}:
            raise CommandError(f"Unsupported YAML value for {key!r}.")
        mapping[key] = value
    return mapping


def language_tag(language):
    """The portal's language code as the sources spell it: zh-hans -> zh-Hans, fr -> fr."""
    first, *rest = language.split("-")
    return "-".join([first] + [part.title() if len(part) == 4 else part.upper() for part in rest])


def sdg_file(kind, language):
    """sdg/global_goals.zh-Hans.yml for ("goals", "zh-hans")."""
    return Path(SDG_DIR) / f"global_{kind}.{language_tag(language)}.yml"


def clean_text(text):
    """A text from the sources as the portal keeps it: composed (NFC; some of the French,
    Spanish and Russian texts come decomposed), without tatweel (U+0640, which stretches Arabic
    words to justify the printed lines the Arabic targets were copied from) and with single
    spaces (the YAML files have a few stray ones)."""
    text = unicodedata.normalize("NFC", text).replace(TATWEEL, "")
    return " ".join(text.split())


def cldr_version():
    return f"CLDR {get_cldr_version()} (babel {babel.__version__})"


def cldr_names(language):
    """{territory code: name} in `language` from the Unicode CLDR: ISO 3166 alpha-2 codes for
    countries and areas, three-digit M49 codes for regions."""
    try:
        return Locale.parse(language_tag(language), sep="-").territories
    except (UnknownLocaleError, ValueError) as error:
        raise CommandError(f"{cldr_version()} has no locale {language!r}: {error}") from error


def with_translations(fields, name, translations):
    """`fields` with `translations` ({field: text}) placed right after the English `name`."""
    result = {}
    for key, value in fields.items():
        result[key] = value
        if key == name:
            result.update(translations)
    return result


def add_cldr_names(records, code_field, what):
    """Give every record a name in each language other than English, the CLDR's for the
    record's code; a missing name stops the command rather than leaving a gap."""
    names = {language: cldr_names(language) for language in translation_languages()}
    for record in records:
        fields = record["fields"]
        code = fields[code_field]
        translations = {}
        for language, names_in_language in names.items():
            name = clean_text(names_in_language.get(code, ""))
            if not name:
                raise CommandError(
                    f"{cldr_version()} has no {language} name for the {what} {code} "
                    f"({fields['name']}). Do not write one by hand: take it from a source "
                    "and record the source in data/SOURCES.md."
                )
            translations[translation_field("name", language)] = name
        record["fields"] = with_translations(fields, "name", translations)


# The UN's names of two M49 regions that CLDR names otherwise: CLDR's 419 is "Latin America" and
# its 053 "Australasia", where M49 means "Latin America and the Caribbean" and "Australia and New
# Zealand". From the M49 overview in the six languages (unstats.un.org/unsd/methodology/m49/);
# see data/SOURCES.md.
M49_REGION_NAMES = {
    "419": {
        "ar": "أمريكا اللاتينية ومنطقة البحر الكاريبي",
        "es": "América Latina y el Caribe",
        "fr": "Amérique latine et Caraïbes",
        "ru": "Латинская Америка и Карибский бассейн",
        "zh-hans": "拉丁美洲和加勒比",
    },
    "053": {
        "ar": "أستراليا ونيوزيلندا",
        "es": "Australia y Nueva Zelandia",
        "fr": "Australie et Nouvelle-Zélande",
        "ru": "Австралия и Новая Зеландия",
        "zh-hans": "澳大利亚和新西兰",
    },
}
COUNTRY_CODES_FILE = "country-codes.csv"
UNTERM_COLUMNS = {
    "en": "UNTERM English Short",
    "ar": "UNTERM Arabic Short",
    "es": "UNTERM Spanish Short",
    "fr": "UNTERM French Short",
    "ru": "UNTERM Russian Short",
    "zh-hans": "UNTERM Chinese Short",
}
# UNTERM's short names carry the article French and Spanish use with them ("(la)", "(le)",
# "(l')", "(sans article)"), notes in brackets ("[fém.]") and a footnote star.
UNTERM_NOTES = re.compile(
    r"\s*\((?:the|la|le|l'|les|los|las|el|sans article)\)|\s*\[[^\]]*\]|\s*\*"
)


def unterm_names(data_dir):
    """{ISO alpha-2: {language: UN short name}} from the UN Terminology Database columns of
    data/country-codes.csv."""
    names = {}
    with (data_dir / COUNTRY_CODES_FILE).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code = row.get("ISO3166-1-Alpha-2", "")
            # The typographic apostrophe, as in M49's "Côte d’Ivoire".
            found = {
                language: clean_text(UNTERM_NOTES.sub("", row.get(column, ""))).replace("'", "’")
                for language, column in UNTERM_COLUMNS.items()
            }
            if code and all(found.values()):
                names[code] = found
    return names


def use_un_names(countries, unterm):
    """The UN's own short names (the UN Terminology Database's) in the five languages, where the
    database has them and its English name is M49's: CLDR's everyday names are not the UN's
    ("Palestinian Territories", "South Korea", "ساحل العاج" for "State of Palestine", "Republic
    of Korea", "كوت ديفوار"). A database row older than a change of name (Türkiye, North
    Macedonia, Czechia) is not used, and CLDR's names stand. Returns the codes given UN names."""
    changed = []
    for record in countries:
        fields = record["fields"]
        code = fields["iso2"]
        un = unterm.get(code)
        if un is None or un["en"] != fields["name"].replace("'", "’"):
            continue
        for language in translation_languages():
            fields[translation_field("name", language)] = un[language]
        changed.append(code)
    return changed


def use_m49_region_names(regions):
    for record in regions:
        fields = record["fields"]
        for language, name in M49_REGION_NAMES.get(fields["m49_code"], {}).items():
            fields[translation_field("name", language)] = name


def read_yaml(data_dir, path):
    try:
        return parse_flat_yaml((data_dir / path).read_text(encoding="utf-8"))
    except CommandError as error:
        raise CommandError(f"{path}: {error}") from error


def text_in(mapping, key, path):
    text = clean_text(mapping.get(key, ""))
    if not text:
        raise CommandError(f"{path} has no text for {key!r}.")
    return text


def read_goal_translations(data_dir):
    """{language: (path, {key: text})} of sdg/global_goals.<language>.yml for every language
    other than English."""
    return {
        language: (sdg_file("goals", language), read_yaml(data_dir, sdg_file("goals", language)))
        for language in translation_languages()
    }


def goal_texts(translations, number, name, key):
    """{short_name_fr: ..., ...}: goal `number`'s `name` in each language, read at `key`."""
    return {
        translation_field(name, language): text_in(goals, f"{number}-{key}", path)
        for language, (path, goals) in translations.items()
    }


def build_sdgs(goals, translations):
    records = []
    for number, (short_name, colour) in sorted(SDG_ICONS.items()):
        title = clean_text(goals.get(f"{number}-title", ""))
        if not title:
            raise CommandError(f"{GOALS_FILE} has no title for goal {number}.")
        records.append(
            {
                "model": "taxonomy.sdg",
                "fields": {
                    "number": number,
                    "short_name": short_name,
                    **goal_texts(translations, number, "short_name", "short"),
                    "title": title,
                    **goal_texts(translations, number, "title", "title"),
                    "colour": colour,
                },
            }
        )
    return records


def build_targets(data_dir):
    """The 169 targets from sdg/global_targets.<language>.yml, ordered by goal, then numbered
    targets before lettered ones. The English file decides which targets there are; every other
    language must have the same ones."""
    english_path = sdg_file("targets", settings.LANGUAGE_CODE)
    english = read_yaml(data_dir, english_path)
    translations = {
        language: (
            sdg_file("targets", language),
            read_yaml(data_dir, sdg_file("targets", language)),
        )
        for language in translation_languages()
    }
    for path, texts in translations.values():
        if set(texts) != set(english):
            different = sorted(set(texts) ^ set(english))
            raise CommandError(
                f"{path} and {english_path} do not have the same targets: {', '.join(different)}."
            )
    records = []
    for key in english:
        match = TARGET_KEY.fullmatch(key)
        if not match or int(match[1]) not in SDG_ICONS:
            raise CommandError(f"{english_path}: {key!r} is not a target of goals 1 to 17.")
        code = f"{match[1]}.{match[2]}"
        fields = {
            "goal": [int(match[1])],
            "code": code,
            "sort_key": target_sort_key(code),
            "text": text_in(english, key, english_path),
        }
        for language, (path, texts) in translations.items():
            fields[translation_field("text", language)] = text_in(texts, key, path)
        records.append({"model": "taxonomy.sdgtarget", "fields": fields})
    records.sort(key=lambda record: (record["fields"]["goal"], record["fields"]["sort_key"]))
    return records


def check_lengths(records, model):
    """Refuse a text longer than its field: the database would refuse it when loading."""
    for record in records:
        for name, value in record["fields"].items():
            limit = model._meta.get_field(name).max_length
            if isinstance(value, str) and limit and len(value) > limit:
                raise CommandError(
                    f"{model._meta.label}.{name} holds at most {limit} characters; "
                    f"{value[:40]!r}... has {len(value)}. Raise the field's max_length."
                )


def write_fixture(path, records):
    path.write_text(json.dumps(records, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


class Command(BaseCommand):
    help = (
        "Write the region, country, SDG and SDG target fixtures (01_regions.json, "
        f"02_countries.json, 03_sdgs.json, {TARGETS_FIXTURE}) from the UN M49 table, the "
        "goals and targets in the six languages and the CLDR names of regions and countries, "
        "reading the data directory (by default the repository's data/ folder)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=Path(settings.BASE_DIR) / "data",
            help=(
                "Directory holding unsd-m49.csv, global_goals.yml and sdg/ (default: data/ in "
                "the repository, described in data/SOURCES.md)."
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
        needed = [
            Path(M49_FILE),
            Path(COUNTRY_CODES_FILE),
            Path(GOALS_FILE),
            sdg_file("targets", settings.LANGUAGE_CODE),
        ]
        for language in translation_languages():
            needed += [sdg_file("goals", language), sdg_file("targets", language)]
        for name in needed:
            if not (data_dir / name).is_file():
                raise CommandError(f"{data_dir / name} does not exist.")

        regions, countries = build_regions_and_countries(read_m49(data_dir / M49_FILE))
        add_cldr_names(regions, "m49_code", "region")
        use_m49_region_names(regions)
        add_cldr_names(countries, "iso2", "country or area")
        use_un_names(countries, unterm_names(data_dir))
        goals = parse_flat_yaml((data_dir / GOALS_FILE).read_text(encoding="utf-8"))
        sdgs = build_sdgs(goals, read_goal_translations(data_dir))
        targets = build_targets(data_dir)

        outputs = [
            ("01_regions.json", Region, regions),
            ("02_countries.json", Country, countries),
            ("03_sdgs.json", SDG, sdgs),
            (TARGETS_FIXTURE, SDGTarget, targets),
        ]
        for _filename, model, records in outputs:
            check_lengths(records, model)
        output_dir.mkdir(parents=True, exist_ok=True)
        for filename, _model, records in outputs:
            write_fixture(output_dir / filename, records)
            if options["verbosity"] >= 1:
                self.stdout.write(f"Wrote {len(records)} records to {output_dir / filename}")

"""Build the world map of /countries/ (sscportal/world-map.json) from the country shapes in
data/geo/: Natural Earth's, as the world-atlas package gives them (data/SOURCES.md, section 7).

Every country or area of data/unsd-m49.csv gets a shape from the 1:110m file where it has one;
those too small for it get a dot at the centroid of their largest 1:50m shape; the command names
those that have neither (they are still in the table under the map). Run it again when the
shapes or the M49 table change, and commit the file it writes:

    .venv/bin/python manage.py build_map
"""

import csv
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sscportal.world_map import MAP_FILE, build

GEO_DIR = Path(settings.BASE_DIR) / "data" / "geo"
M49_FILE = Path(settings.BASE_DIR) / "data" / "unsd-m49.csv"


def m49_names(path):
    """{M49 code: English name} of the countries and areas of the M49 table."""
    with path.open(encoding="utf-8-sig", newline="") as file:
        return {
            row["M49 Code"]: row["Country or Area"] for row in csv.DictReader(file, delimiter=";")
        }


class Command(BaseCommand):
    help = "Project the country shapes of data/geo/ into the SVG paths of the world map."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=MAP_FILE, help="Where to write.")

    def handle(self, *args, **options):
        sources = [GEO_DIR / "countries-110m.json", GEO_DIR / "countries-50m.json", M49_FILE]
        for path in sources:
            if not path.is_file():
                raise CommandError(f"{path} does not exist.")
        coarse, fine = (json.loads(path.read_text(encoding="utf-8")) for path in sources[:2])
        names = m49_names(M49_FILE)
        data = build(coarse, fine, names)
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        options["output"].write_text(text + "\n", encoding="utf-8")
        self.stdout.write(
            f"{options['output']}: {len(data['shapes'])} shapes, {len(data['dots'])} dots, "
            f"{len(text.encode()):,} bytes; {data['width']} × {data['height']} units."
        )
        if data["unplaced"]:
            self.stdout.write(
                "Without a position (in neither file; listed under the map only): "
                + "; ".join(f"{names[code]} ({code})" for code in data["unplaced"])
                + "."
            )

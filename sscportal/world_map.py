"""The world map of /countries/: country shapes as SVG paths, projected once, read from a file.

`manage.py build_map` reads the Natural Earth shapes of world-atlas (data/geo/, TopoJSON),
decodes them (the shared arcs, delta-encoded and quantised), projects them with the Equal Earth
projection and writes MAP_FILE: one SVG path per country or area, keyed by its M49 code, with
coordinates rounded to whole units of a 1,000-unit-wide map. Countries too small for the
1:110m shapes (most small island developing States) are given a dot where the 1:50m shapes
have them. The page reads that file once per process (`world_map()`) and never projects
anything.

The functions below the build part are pure: they take and return numbers and strings.
"""

import json
import math
from functools import cache
from pathlib import Path

MAP_FILE = Path(__file__).resolve().parent / "world-map.json"
# The map's width in SVG units; coordinates are rounded to whole units.
WIDTH = 1000
# Degrees of latitude below which nothing is drawn: Antarctica is left out, as on most thematic
# world maps (it takes a fifth of the height and no case study involves it).
SOUTH_LIMIT = -60
MARGIN = 4

# Shapes Natural Earth draws on their own that have no M49 code: drawn as part of the country
# or area the UN's statistics count them in.
MERGED_INTO = {
    "Taiwan": "156",  # China
    "N. Cyprus": "196",  # Cyprus
    "Somaliland": "706",  # Somalia
    "Kosovo": "688",  # Serbia (M49 has no code of its own: S/RES/1244 (1999))
}
# Areas with an M49 code of their own that Natural Earth draws within another shape (France's
# holds French Guiana, Guadeloupe, ...): the polygons inside the box (west, south, east, north)
# are the area's, by the M49 code or, where it has none, the name of the shape holding them.
PARTS = [
    ("250", "254", (-55, 2, -51, 6)),  # French Guiana
    ("250", "312", (-62, 15.8, -60.9, 16.6)),  # Guadeloupe
    ("250", "474", (-61.3, 14.3, -60.7, 15)),  # Martinique
    ("250", "638", (55, -21.5, 56, -20.8)),  # Réunion
    ("250", "175", (44.9, -13.1, 45.4, -12.5)),  # Mayotte
    ("578", "744", (5, 74, 35, 81)),  # Svalbard
    ("578", "744", (-10, 70.5, -7, 71.5)),  # Jan Mayen
    ("528", "535", (-68.5, 11.9, -62.9, 17.7)),  # Bonaire, Sint Eustatius and Saba
    ("554", "772", (-173, -10, -171, -8)),  # Tokelau
    ("Indian Ocean Ter.", "162", (105.4, -10.7, 105.8, -10.3)),  # Christmas Island
    ("Indian Ocean Ter.", "166", (96.7, -12.3, 97, -11.8)),  # Cocos (Keeling) Islands
]
ANTARCTICA = "010"


# --- TopoJSON --------------------------------------------------------------------------------


def decode_arcs(topology):
    """The topology's arcs as lists of (longitude, latitude): quantised positions are deltas
    from the previous point of the arc, scaled and translated by the topology's transform."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform is None:
            arcs.append([(float(x), float(y)) for x, y, *_ in arc])
            continue
        (scale_x, scale_y), (translate_x, translate_y) = transform["scale"], transform["translate"]
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x += dx
            y += dy
            points.append((x * scale_x + translate_x, y * scale_y + translate_y))
        arcs.append(points)
    return arcs


def ring(arc_indexes, arcs):
    """A closed ring from its arcs: a negative index ~i is arc i backwards; each arc after the
    first starts where the previous one ended, so its first point is dropped."""
    points = []
    for index in arc_indexes:
        arc = arcs[~index][::-1] if index < 0 else arcs[index]
        points.extend(arc if not points else arc[1:])
    return points


def polygons(geometry, arcs):
    """A Polygon or MultiPolygon geometry as [polygon: [ring: [(lon, lat)]]]."""
    if geometry["type"] == "Polygon":
        return [[ring(r, arcs) for r in geometry["arcs"]]]
    if geometry["type"] == "MultiPolygon":
        return [[ring(r, arcs) for r in polygon] for polygon in geometry["arcs"]]
    return []


def unwrap(points):
    """The ring with no jump of more than 180° of longitude between two points: a point across
    the 180th meridian from the one before is given as beyond it (-179° as 181°)."""
    result = [points[0]]
    for longitude, latitude in points[1:]:
        previous = result[-1][0]
        while longitude - previous > 180:
            longitude -= 360
        while longitude - previous < -180:
            longitude += 360
        result.append((longitude, latitude))
    return result


def clip(points, inside, meridian):
    """The part of the ring on one side of `meridian` (`inside(longitude)`), cut along it
    (Sutherland–Hodgman)."""

    def crossing(a, b):
        share = (meridian - a[0]) / (b[0] - a[0])
        return (meridian, a[1] + share * (b[1] - a[1]))

    result = []
    for index, point in enumerate(points):
        previous = points[index - 1]
        if inside(point[0]):
            if not inside(previous[0]):
                result.append(crossing(previous, point))
            result.append(point)
        elif inside(previous[0]):
            result.append(crossing(previous, point))
    return result


def split_at_antimeridian(points):
    """A ring that crosses the 180th meridian (Fiji, Chukotka) as its two parts, one on each
    side; another ring as it is. Drawn as it comes, it would run across the whole map."""
    if all(abs(b[0] - a[0]) <= 180 for a, b in zip(points, points[1:], strict=False)):
        return [points]
    points = unwrap(points)
    if min(lon for lon, _ in points) >= 180:
        points = [(lon - 360, lat) for lon, lat in points]
    elif max(lon for lon, _ in points) <= -180:
        points = [(lon + 360, lat) for lon, lat in points]
    if max(lon for lon, _ in points) > 180:
        meridian, shift = 180, -360
    else:
        meridian, shift = -180, 360
    near = clip(points, lambda lon: lon <= meridian if meridian > 0 else lon >= meridian, meridian)
    far = clip(points, lambda lon: lon >= meridian if meridian > 0 else lon <= meridian, meridian)
    far = [(lon + shift, lat) for lon, lat in far]
    return [part for part in (near, far) if len(part) >= 3]


def split_polygon(polygon):
    """The polygon as one or more polygons none of which crosses the 180th meridian (the holes
    of one that does are dropped: none of the shapes has any there)."""
    outer = split_at_antimeridian(polygon[0])
    if len(outer) == 1 and outer[0] is polygon[0]:
        return [polygon]
    return [[part] for part in outer]


def within(polygon, box):
    west, south, east, north = box
    return all(west <= lon <= east and south <= lat <= north for lon, lat in polygon[0])


def shapes_by_code(topology, object_name="countries"):
    """{M49 code: [polygon]} of the topology's countries: the shapes of MERGED_INTO added to
    their country's, the PARTS taken out of theirs; other shapes without a code left out."""
    arcs = decode_arcs(topology)
    shapes = {}
    for geometry in topology["objects"][object_name]["geometries"]:
        name = geometry.get("properties", {}).get("name")
        code = MERGED_INTO.get(name) or geometry.get("id")
        parts = [(area, box) for holder, area, box in PARTS if holder in (code, name)]
        for polygon in [
            part for whole in polygons(geometry, arcs) for part in split_polygon(whole)
        ]:
            owner = next((area for area, box in parts if within(polygon, box)), code)
            if owner:
                shapes.setdefault(owner, []).append(polygon)
    return shapes


# --- Equal Earth -----------------------------------------------------------------------------
# Šavrič, Patterson and Jenny (2018), "The Equal Earth map projection", International Journal of
# Geographical Information Science 33(3): an equal-area projection for world maps.

A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2


def equal_earth(longitude, latitude):
    """(x, y) on the unit Equal Earth plane, y growing northwards; x within ±2.7207."""
    lam, phi = math.radians(longitude), math.radians(latitude)
    theta = math.asin(M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


X_EXTENT = equal_earth(180, 0)[0]


class Frame:
    """From longitude and latitude to the map's SVG units: Equal Earth, scaled to WIDTH, y
    growing southwards, the top at the northernmost point drawn."""

    def __init__(self, north, south):
        self.scale = (WIDTH - 2 * MARGIN) / (2 * X_EXTENT)
        self.top = equal_earth(0, north)[1]
        self.height = round((self.top - equal_earth(0, south)[1]) * self.scale + 2 * MARGIN)

    def __call__(self, longitude, latitude):
        x, y = equal_earth(longitude, latitude)
        return (x + X_EXTENT) * self.scale + MARGIN, (self.top - y) * self.scale + MARGIN


# --- Paths -----------------------------------------------------------------------------------


def _numbers(values):
    """SVG numbers, as short as they go: a minus sign separates as well as a space does."""
    text = ""
    for value in values:
        item = str(value)
        text += item if (not text or item.startswith("-")) else f" {item}"
    return text


def path_data(rings, project):
    """The SVG path data of `rings` (each [(lon, lat)]) projected by `project`: whole units,
    relative moves, repeated points dropped, rings of fewer than three points left out."""
    parts = []
    cursor = (0, 0)
    for points in rings:
        rounded = []
        for longitude, latitude in points:
            x, y = project(longitude, latitude)
            point = (round(x), round(y))
            if not rounded or point != rounded[-1]:
                rounded.append(point)
        if len(rounded) > 1 and rounded[0] == rounded[-1]:
            rounded.pop()
        if len(rounded) < 3:
            continue
        start = rounded[0]
        move = (start[0] - cursor[0], start[1] - cursor[1])
        deltas = []
        for (x0, y0), (x1, y1) in zip(rounded, rounded[1:], strict=False):
            deltas += [x1 - x0, y1 - y0]
        # The first move of a path is absolute; later ones relative to where the last ring began.
        parts.append(f"{'M' if not parts else 'm'}{_numbers(move)}l{_numbers(deltas)}z")
        cursor = start
    return "".join(parts)


def area(points):
    """The signed area of a ring (shoelace) in its own units."""
    return (
        sum(
            x0 * y1 - x1 * y0
            for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True)
        )
        / 2
    )


def centroid(shape, project):
    """The projected centroid of the largest polygon of `shape` (its outer ring): a point on
    the country's main island, where the centroid of all of them could fall in the open sea
    (Kiribati's islands lie on both sides of the 180th meridian)."""
    best = None
    for polygon in shape:
        points = [project(lon, lat) for lon, lat in polygon[0]]
        signed = area(points)
        if best is None or abs(signed) > abs(best[0]):
            best = (signed, points)
    if best is None:
        return None
    signed, points = best
    if abs(signed) < 1e-9:  # a sliver: the mean of its points
        return (
            sum(x for x, _ in points) / len(points),
            sum(y for _, y in points) / len(points),
        )
    cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    return cx / (6 * signed), cy / (6 * signed)


def latitudes(shape):
    return [lat for polygon in shape for points in polygon for _, lat in points]


def build(topology_110m, topology_50m, codes):
    """The map's data: {"width", "height", "shapes": {code: path}, "dots": {code: [x, y]},
    "unplaced": [code]} for the M49 `codes` ({code: name}): a shape from the 1:110m topology
    where it has one, else a dot at the centroid of the 1:50m shape, else unplaced."""
    coarse = shapes_by_code(topology_110m)
    fine = shapes_by_code(topology_50m)
    coarse.pop(ANTARCTICA, None)
    drawn = [lat for shape in coarse.values() for lat in latitudes(shape)]
    north = max(drawn)
    south = max(min(drawn), SOUTH_LIMIT)
    frame = Frame(north, south)
    shapes = {}
    for code in sorted(coarse):
        rings = [points for polygon in coarse[code] for points in polygon]
        rings = [points for points in rings if min(lat for _, lat in points) >= SOUTH_LIMIT]
        data = path_data(rings, frame)
        if data and code in codes:
            shapes[code] = data
    dots, unplaced = {}, []
    for code in sorted(codes):
        if code in shapes or code == ANTARCTICA:
            continue
        point = centroid(fine[code], frame) if code in fine else None
        if point is None or not (0 <= point[1] <= frame.height):
            unplaced.append(code)
            continue
        dots[code] = [round(point[0], 1), round(point[1], 1)]
    return {
        "width": WIDTH,
        "height": frame.height,
        "projection": "Equal Earth",
        "source": "Natural Earth, via world-atlas 2.0.2 (data/geo/)",
        "shapes": shapes,
        "dots": dots,
        "unplaced": unplaced,
    }


# --- At run time -----------------------------------------------------------------------------


@cache
def world_map():
    """The built map (MAP_FILE), read once per process."""
    return json.loads(MAP_FILE.read_text(encoding="utf-8"))


def steps(highest, count=5):
    """The shading steps of the map for counts up to `highest`: at most `count` ranges (low,
    high) that cover 1..highest, each a step darker. One count per step while they fit, else
    steps growing geometrically, so that a few countries with many case studies do not leave
    all others in the lightest one."""
    if highest < 1:
        return []
    if highest <= count:
        return [(value, value) for value in range(1, highest + 1)]
    lows = [1]
    for index in range(1, count):
        low = max(math.ceil(highest ** (index / count)), lows[-1] + 1)
        if low > highest:
            break
        lows.append(low)
    highs = [low - 1 for low in lows[1:]] + [highest]
    return list(zip(lows, highs, strict=True))


def step_of(value, ranges):
    """The number (1, 2, ...) of the step `value` is in; 0 for none."""
    for index, (low, high) in enumerate(ranges, start=1):
        if low <= value <= high:
            return index
    return 0


SHADES = 5  # the palette's steps: classes shade-1 (lightest) to shade-5 in site.css


def shade(step, how_many):
    """The palette's shade (1..SHADES) for step `step` of `how_many`: spread over the palette,
    the last step always the darkest; 0 for none."""
    if step < 1:
        return 0
    if how_many <= 1:
        return SHADES
    return 1 + round((step - 1) * (SHADES - 1) / (how_many - 1))

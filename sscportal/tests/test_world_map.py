"""The world map's build (sscportal/world_map.py, `manage.py build_map`): TopoJSON decoded, the
Equal Earth projection, compact SVG paths, shapes cut at the 180th meridian, the dots of small
countries; the committed map file is what the command writes; the shading steps."""

import json
import math
from io import StringIO

import pytest
from django.core.management import call_command

from sscportal import world_map
from sscportal.world_map import (
    MAP_FILE,
    decode_arcs,
    equal_earth,
    path_data,
    polygons,
    ring,
    shade,
    split_at_antimeridian,
    step_of,
    steps,
)

# A topology of two squares sharing an edge, quantised as TopoJSON files are.
TOPOLOGY = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.25], "translate": [10, 20]},
    "arcs": [
        [[0, 0], [0, 4]],  # the shared edge, from (10, 20) to (10, 21)
        [[0, 4], [-2, 0], [0, -4], [2, 0]],  # the western square's other three edges
        [[0, 0], [2, 0], [0, 4], [-2, 0]],  # the eastern square's
    ],
    "objects": {
        "countries": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "arcs": [[0, 1]], "id": "001", "properties": {"name": "W"}},
                {"type": "Polygon", "arcs": [[2, -1]], "id": "002", "properties": {"name": "E"}},
            ],
        }
    },
}


def test_arcs_are_decoded_from_their_deltas_and_the_transform():
    arcs = decode_arcs(TOPOLOGY)
    assert arcs[0] == [(10, 20), (10, 21)]
    assert arcs[1] == [(10, 21), (9, 21), (9, 20), (10, 20)]


def test_rings_join_their_arcs_a_negative_index_backwards():
    arcs = decode_arcs(TOPOLOGY)
    west = ring([0, 1], arcs)
    east = ring([2, -1], arcs)
    assert west == [(10, 20), (10, 21), (9, 21), (9, 20), (10, 20)]
    assert east == [(10, 20), (11, 20), (11, 21), (10, 21), (10, 20)]
    assert polygons(TOPOLOGY["objects"]["countries"]["geometries"][0], arcs) == [[west]]


def test_equal_earth_matches_the_published_projection():
    assert equal_earth(0, 0) == (0, 0)
    x, _ = equal_earth(180, 0)
    _, y = equal_earth(0, 90)
    assert x == pytest.approx(math.pi / (math.sqrt(3) / 2 * 1.340264))
    # The projection's width is 2.05 times its height (Šavrič et al. 2018).
    assert x / y == pytest.approx(2.05458, abs=1e-4)
    # Symmetric about the equator and the central meridian.
    assert equal_earth(-30, -40) == pytest.approx(tuple(-v for v in equal_earth(30, 40)))


def test_paths_are_whole_units_relative_and_without_repeated_points():
    rings = [
        [(0, 0), (10, 0), (10.2, 0.2), (10, 10), (0, 10), (0, 0)],
        [(20, 20), (21, 20), (21, 21)],
    ]

    def identity(x, y):
        return x, y

    assert path_data(rings, identity) == "M0 0l10 0 0 10-10 0zm20 20l1 0 0 1z"
    # A ring that rounds to fewer than three points is no shape.
    assert path_data([[(0, 0), (0.2, 0.1), (0.1, 0.3)]], identity) == ""


def test_a_ring_across_the_180th_meridian_is_cut_in_two():
    fiji = [(178, -17), (-179, -17), (-179, -16), (178, -16), (178, -17)]
    west, east = split_at_antimeridian(fiji)
    assert max(lon for lon, _ in west) == 180 and min(lon for lon, _ in west) == 178
    assert min(lon for lon, _ in east) == -180 and max(lon for lon, _ in east) == -179
    # A ring that does not cross is left as it is.
    square = [(0, 0), (1, 0), (1, 1), (0, 0)]
    assert split_at_antimeridian(square) == [square]


def test_the_committed_map_is_what_the_command_builds(tmp_path):
    output = tmp_path / "map.json"
    out = StringIO()
    call_command("build_map", output=output, stdout=out)

    assert output.read_text(encoding="utf-8") == MAP_FILE.read_text(encoding="utf-8"), (
        "sscportal/world-map.json is not what `manage.py build_map` writes: run it and commit"
    )
    report = out.getvalue()
    assert "Without a position" in report
    assert "Tuvalu (798)" in report


def test_the_map_has_shapes_and_dots_keyed_by_m49_code():
    data = json.loads(MAP_FILE.read_text(encoding="utf-8"))
    shapes, dots = data["shapes"], data["dots"]

    assert data["width"] == 1000 and 400 < data["height"] < 500
    for code in ("404", "170", "156", "076"):  # Kenya, Colombia, China, Brazil
        assert shapes[code].startswith("M")
    # Shapes without an M49 code of their own are drawn with the country the UN counts them in.
    assert "158" not in shapes  # Taiwan, with China
    assert "010" not in shapes and "010" not in dots  # Antarctica is not drawn
    # Areas Natural Earth draws within another country's shape have their own.
    assert "254" in shapes  # French Guiana, not France
    # Small island developing States too small for the shapes are dots within the map.
    for code in ("052", "690", "882", "462"):  # Barbados, Seychelles, Samoa, Maldives
        x, y = dots[code]
        assert 0 <= x <= data["width"] and 0 <= y <= data["height"]
        assert code not in shapes
    assert set(shapes).isdisjoint(dots)
    assert data["unplaced"] == ["074", "292", "581", "798"]
    for path in shapes.values():
        assert set(path) <= set("Mmlz0123456789- ")


def test_the_map_is_read_once_per_process():
    world_map.world_map.cache_clear()
    first = world_map.world_map()
    assert world_map.world_map() is first


@pytest.mark.parametrize(
    "highest, expected",
    [
        (0, []),
        (1, [(1, 1)]),
        (3, [(1, 1), (2, 2), (3, 3)]),
        (5, [(1, 1), (2, 2), (3, 3), (4, 4), (5, 5)]),
        (10, [(1, 1), (2, 2), (3, 3), (4, 6), (7, 10)]),
        (50, [(1, 2), (3, 4), (5, 10), (11, 22), (23, 50)]),
    ],
)
def test_shading_steps_cover_every_count_in_at_most_five_steps(highest, expected):
    ranges = steps(highest)
    assert ranges == expected
    for value in range(1, highest + 1):
        assert step_of(value, ranges) > 0
    assert step_of(0, ranges) == 0


def test_shades_spread_over_the_palette_the_last_step_darkest():
    assert [shade(step, 1) for step in (0, 1)] == [0, 5]
    assert [shade(step, 3) for step in (1, 2, 3)] == [1, 3, 5]
    assert [shade(step, 5) for step in (1, 2, 3, 4, 5)] == [1, 2, 3, 4, 5]

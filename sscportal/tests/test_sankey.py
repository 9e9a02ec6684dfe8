"""The Sankey layout (sscportal/sankey.py): pure numbers, no database."""

import re

import pytest

from sscportal.sankey import band_path, layout

FLOWS = [("south", "africa", 3), ("south", "asia", 1), ("east", "africa", 2)]


def test_nodes_are_as_tall_as_their_flows_at_one_scale():
    result = layout(FLOWS, scale=10, min_height=0, gap=5)

    heights = {(node.side, node.key): node.bar_height for node in result.nodes}
    assert heights == {
        ("source", "south"): 40,
        ("source", "east"): 20,
        ("target", "africa"): 50,
        ("target", "asia"): 10,
    }
    # Each column's flows add up to the same total: the columns are equally tall but for gaps.
    assert sum(node.bar_height for node in result.sources) == 60
    assert sum(node.bar_height for node in result.targets) == 60


def test_the_largest_come_first_unless_an_order_is_given():
    result = layout(FLOWS)
    assert [node.key for node in result.sources] == ["south", "east"]
    assert [node.key for node in result.targets] == ["africa", "asia"]

    ordered = layout(FLOWS, source_order=["east", "south"], target_order=["asia", "africa"])
    assert [node.key for node in ordered.sources] == ["east", "south"]
    assert [node.key for node in ordered.targets] == ["asia", "africa"]

    with pytest.raises(ValueError, match="Not in the order"):
        layout(FLOWS, source_order=["south"])


def test_nodes_of_a_column_are_stacked_without_overlapping_and_the_shorter_is_centred():
    result = layout(FLOWS, scale=10, min_height=0, gap=5, top=30)

    for column in (result.sources, result.targets):
        for above, below in zip(column, column[1:], strict=False):
            assert below.y == pytest.approx(above.y + above.height + 5)
    # Both columns are 60 + 5 tall: neither needs centring, and both start below the top.
    assert result.sources[0].y == result.targets[0].y == 30
    assert result.height == 30 + 65

    uneven = layout([("a", "x", 1), ("a", "y", 1), ("a", "z", 1)], scale=10, min_height=0, gap=5)
    (source,) = uneven.sources
    column = uneven.targets
    assert uneven.height == 3 * 10 + 2 * 5
    # The single source (30 tall) sits in the middle of the targets' 40.
    assert source.y == pytest.approx(5)
    assert column[0].y == 0 and column[-1].y + column[-1].height == pytest.approx(40)


def test_a_small_node_is_given_room_for_its_label_and_its_bar_is_centred_in_it():
    result = layout(
        [("a", "x", 1), ("b", "x", 9)],
        scale=2,
        min_height=18,
        min_heights={"b": 30},
        gap=0,
    )
    a, b = sorted(result.sources, key=lambda node: node.key)
    assert a.bar_height == 2 and a.height == 18
    assert a.bar_y == pytest.approx(a.y + 8)
    assert b.bar_height == 18 and b.height == 30


def test_bands_are_as_wide_as_their_flows_and_fill_their_nodes_in_the_order_of_the_other_end():
    result = layout(FLOWS, scale=10, min_height=0, gap=5)
    by_pair = {(link.source.key, link.target.key): link for link in result.links}

    for node in result.nodes:
        ends = [
            link
            for link in result.links
            if (link.source if node.side == "source" else link.target) is node
        ]
        assert sum(link.width for link in ends) == pytest.approx(node.bar_height)
    south = result.sources[0]
    # South's bands leave africa first (the first target), then asia, from its top down.
    assert by_pair["south", "africa"].source_y == pytest.approx(south.bar_y)
    assert by_pair["south", "asia"].source_y == pytest.approx(south.bar_y + 30)
    # Africa receives south's band (the first source) above east's.
    africa = result.targets[0]
    assert by_pair["south", "africa"].target_y == pytest.approx(africa.bar_y)
    assert by_pair["east", "africa"].target_y == pytest.approx(africa.bar_y + 30)
    assert [link.value for link in result.links] == [3, 1, 2]


def test_bands_join_the_inner_edges_of_the_nodes():
    result = layout(FLOWS, width=600, label_width=100, node_width=10)
    for link in result.links:
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", link.path)]
        assert numbers[0] == 110  # the source's right edge
        assert 490 in numbers  # the target's left edge
    assert result.sources[0].label_anchor == "end"
    assert result.sources[0].label_x == 94
    assert result.targets[0].label_anchor == "start"
    assert result.targets[0].label_x == 506


def test_mirrored_puts_the_sources_on_the_right_for_right_to_left_pages():
    result = layout(FLOWS, width=600, label_width=100, node_width=10, mirrored=True)

    assert all(node.x == 490 for node in result.sources)
    assert all(node.x == 100 for node in result.targets)
    assert result.sources[0].label_anchor == "start"
    assert result.targets[0].label_anchor == "end"
    for link in result.links:
        assert link.path.startswith("M490 ")


def test_a_band_is_a_closed_shape_between_two_curves():
    assert band_path(10, 20, 110, 50, 5) == ("M10 20C60 20 60 50 110 50V55C60 55 60 25 10 25Z")
    assert band_path(0.25, 1.04, 1, 2, 0.5).startswith("M0.2 1C")


def test_no_flow_gives_an_empty_diagram():
    result = layout([])
    assert result.nodes == [] and result.links == [] and result.height == 0


@pytest.mark.parametrize(
    "flows, message",
    [
        ([("a", "b", 0)], "positive"),
        ([("a", "b", -2)], "positive"),
        ([("a", "b", 1), ("a", "b", 2)], "twice"),
    ],
)
def test_flows_that_make_no_diagram_are_refused(flows, message):
    with pytest.raises(ValueError, match=message):
        layout(flows)


def test_the_default_scale_keeps_the_flows_within_the_height_asked():
    result = layout([("a", "b", 500), ("c", "b", 500)], max_height=300, min_height=0, gap=0)
    assert sum(node.bar_height for node in result.sources) == pytest.approx(300)
    assert result.height == pytest.approx(300)

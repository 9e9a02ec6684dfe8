"""The bar charts' geometry (publishing/charts.py): lengths in proportion to the counts, rows one
under the other, and mirrored for a page read right to left."""

from django.utils import translation

from publishing.charts import (
    BAR_TOP,
    LONGEST_BAR,
    ROW_HEIGHT,
    SHORTEST_BAR,
    Bar,
    BarChart,
)


def chart(bars, rtl=False, **kwargs):
    return BarChart(
        "test",
        "Title",
        "Description",
        bars,
        label_heading="Thing",
        count_heading="Count",
        rtl=rtl,
        **kwargs,
    )


def number(text):
    assert text.endswith("%")
    return float(text[:-1])


def test_the_longest_bar_takes_the_set_share_and_the_others_their_proportion():
    drawn = chart([("A", 10), ("B", 5), ("C", 1)]).drawn()

    widths = [number(bar.bar_width) for bar in drawn]
    assert widths == [LONGEST_BAR, LONGEST_BAR / 2, LONGEST_BAR / 10]
    assert [bar.bar_x for bar in drawn] == ["0%", "0%", "0%"]
    # The count follows the end of its bar, a little apart.
    assert [number(bar.count_x) for bar in drawn] == widths
    assert all(bar.count_dx > 0 for bar in drawn)


def test_each_bar_has_its_own_row_and_the_chart_is_as_tall_as_its_rows():
    result = chart([("A", 3), ("B", 2), ("C", 1)])
    drawn = result.drawn()

    assert result.height == 3 * ROW_HEIGHT
    assert [bar.bar_y for bar in drawn] == [BAR_TOP, ROW_HEIGHT + BAR_TOP, 2 * ROW_HEIGHT + BAR_TOP]
    assert all(bar.label_y < bar.bar_y < bar.count_y for bar in drawn)


def test_bars_counting_nothing_are_left_out_and_an_empty_chart_is_false():
    result = chart([("A", 0), ("B", 4), ("C", 0)])
    assert [bar.label for bar in result.bars] == ["B"]
    assert result.total == 4
    assert not chart([("A", 0)])
    assert chart([("A", 0)]).drawn() == []


def test_a_single_record_among_many_still_shows_a_bar():
    drawn = chart([("Many", 100_000), ("One", 1)]).drawn()
    assert number(drawn[1].bar_width) == SHORTEST_BAR


def test_right_to_left_the_bars_grow_from_the_right_edge():
    drawn = chart([("A", 10), ("B", 5)], rtl=True).drawn()

    for bar in drawn:
        assert number(bar.bar_x) + number(bar.bar_width) == 100
        assert bar.label_x == "100%"
        assert bar.count_x == bar.bar_x
        assert bar.count_dx < 0
    assert number(drawn[1].bar_x) == 100 - LONGEST_BAR / 2


def test_the_direction_follows_the_page_language_unless_given():
    with translation.override("ar"):
        assert BarChart("x", "T", "D", [("A", 1)], label_heading="", count_heading="").rtl
    with translation.override("fr"):
        assert not BarChart("x", "T", "D", [("A", 1)], label_heading="", count_heading="").rtl


def test_a_bar_is_named_with_its_label_its_count_and_for_a_link_where_it_leads():
    result = chart(
        [Bar("Africa", 1234, url="/list/?region=africa"), Bar("Asia", 2)],
        counted=lambda count: f"{count} things",
    )
    linked, plain = result.drawn()
    assert linked.name == "Africa: 1234 things — show only these"
    assert plain.name == "Asia: 2 things"


def test_the_drawing_uses_the_short_label_when_there_is_one():
    (drawn,) = chart([Bar("Goal 3, Good health", 2, short_label="3 · Good health")]).drawn()
    assert drawn.label == "3 · Good health"
    assert drawn.name.startswith("Goal 3, Good health: ")


def test_a_tuple_gives_label_count_address_and_colour():
    (bar,) = chart([("Goal 3", 4, "/?sdg=3", "#4C9F38")]).bars
    assert bar == Bar("Goal 3", 4, url="/?sdg=3", colour="#4C9F38")

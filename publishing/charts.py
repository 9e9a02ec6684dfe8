"""Small horizontal bar charts drawn as inline SVG (templates/includes/bar_chart.html): how many
records fall under each region, goal, modality or year of a list or a page.

The geometry is computed here, in the page's reading direction, so that the template only
writes it out: each bar takes a row, its label above it and its count after its end. Lengths
are percentages of the chart's width, so the chart fills whatever width it is given (320 px on
a phone) without scaling its text; heights are in CSS pixels. Right to left, the bars grow from
the right edge and the texts are anchored there (the SVG inherits the page's `direction`, so
`text-anchor="start"` is the right end of a text).
"""

from dataclasses import dataclass

from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from core import dates

# Pixels, as the CSS of .bar-chart sets its text (site.css): one row per bar.
ROW_HEIGHT = 40
LABEL_BASELINE = 14
BAR_TOP = 19
BAR_HEIGHT = 14
COUNT_BASELINE = 31
COUNT_GAP = 4
# The longest bar takes this share of the width, leaving room for its count after it.
LONGEST_BAR = 84.0
# A bar for one record among thousands still shows.
SHORTEST_BAR = 0.5


@dataclass(frozen=True)
class Bar:
    """One bar: what it counts (`label`), how many, and optionally the address of the records
    it counts, a fill colour (e.g. a goal's official colour) and a shorter label for the
    drawing, whose text cannot wrap."""

    label: str
    count: int
    url: str | None = None
    colour: str | None = None
    short_label: str | None = None


@dataclass(frozen=True)
class DrawnBar:
    bar: Bar
    name: str
    label_x: str
    label_y: int
    bar_x: str
    bar_y: int
    bar_width: str
    count_x: str
    count_dx: int
    count_y: int

    @property
    def label(self):
        return self.bar.short_label or self.bar.label


def percent(value):
    return f"{value:.2f}".rstrip("0").rstrip(".") + "%"


class BarChart:
    """A titled chart of `bars` (Bar, or (label, count, url, colour) tuples), drawn in the order
    given. Bars counting nothing are left out.

    `slug` makes the chart's element ids, unique on the page. `counted(n)` says what a count is
    ("4 case studies"), for the links' names and the table; `label_heading` heads the table's
    first column ("Goal"), `count_heading` its second ("Case studies")."""

    def __init__(
        self,
        slug,
        title,
        description,
        bars,
        *,
        label_heading,
        count_heading,
        counted=None,
        rtl=None,
    ):
        self.slug = slug
        self.title = title
        self.description = description
        self.label_heading = label_heading
        self.count_heading = count_heading
        self.counted = counted or dates.number
        self.rtl = get_language_bidi() if rtl is None else rtl
        bars = [bar if isinstance(bar, Bar) else Bar(*bar) for bar in bars]
        self.bars = [bar for bar in bars if bar.count > 0]

    def __bool__(self):
        return bool(self.bars)

    @property
    def total(self):
        return sum(bar.count for bar in self.bars)

    @property
    def height(self):
        return ROW_HEIGHT * len(self.bars)

    def name(self, bar):
        """What a screen reader says for the bar: its label, its count and, for a link, where
        it leads."""
        values = {"label": bar.label, "counted": self.counted(bar.count)}
        if bar.url:
            return _("%(label)s: %(counted)s — show only these") % values
        return _("%(label)s: %(counted)s") % values

    def drawn(self):
        """The bars with their geometry, in the page's direction."""
        longest = max((bar.count for bar in self.bars), default=0)
        result = []
        for row, bar in enumerate(self.bars):
            width = max(bar.count / longest * LONGEST_BAR, SHORTEST_BAR)
            top = row * ROW_HEIGHT
            if self.rtl:
                edge, bar_x, count_x, dx = 100.0, 100.0 - width, 100.0 - width, -COUNT_GAP
            else:
                edge, bar_x, count_x, dx = 0.0, 0.0, width, COUNT_GAP
            result.append(
                DrawnBar(
                    bar=bar,
                    name=self.name(bar),
                    label_x=percent(edge),
                    label_y=top + LABEL_BASELINE,
                    bar_x=percent(bar_x),
                    bar_y=top + BAR_TOP,
                    bar_width=percent(width),
                    count_x=percent(count_x),
                    count_dx=dx,
                    count_y=top + COUNT_BASELINE,
                )
            )
        return result

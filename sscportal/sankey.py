"""The layout of a two-column Sankey diagram: sources on one side, targets on the other, a band
from each source to each target it sends to, as wide as the flow.

Pure Python, no Django: numbers in, numbers and SVG path data out. `layout(flows)` places each
node in its column and each band between them:

- a node is as tall as the larger of its flows in and out, at one scale for the whole diagram
  (one case study is as many units tall everywhere), and never less than `min_height` (so that
  its label fits: `min_heights` gives a taller one to a label of two lines); nodes of a column
  are stacked in the order given, `gap` apart, and the shorter column is centred on the taller;
- a node's bands leave (or arrive) in the order of the nodes at their other end, so that bands
  cross as little as the order of the nodes allows;
- `mirrored` puts the sources on the right, for pages read right to left.
"""

from dataclasses import dataclass, field


@dataclass
class Node:
    key: object
    side: str  # "source" or "target"
    value: int
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0
    # Where the bar of its flows starts within the node: the bar is centred when the node is
    # taller than its flows (min_height).
    bar_y: float = 0
    bar_height: float = 0
    # Where its label goes, and which end of the text is at label_x ("start" or "end").
    label_x: float = 0
    label_y: float = 0
    label_anchor: str = "start"


@dataclass
class Link:
    source: Node
    target: Node
    value: int
    width: float = 0
    source_y: float = 0  # the band's top edge where it leaves the source
    target_y: float = 0  # and where it reaches the target
    path: str = ""


@dataclass
class Layout:
    width: float
    height: float
    sources: list = field(default_factory=list)
    targets: list = field(default_factory=list)
    links: list = field(default_factory=list)

    @property
    def nodes(self):
        return self.sources + self.targets


def _number(value):
    """A coordinate to one decimal, without a trailing .0."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def band_path(x0, y0, x1, y1, width):
    """A band `width` tall from (x0, y0) to (x1, y1) (its top edge), curving halfway."""
    middle = (x0 + x1) / 2
    n = _number
    return (
        f"M{n(x0)} {n(y0)}C{n(middle)} {n(y0)} {n(middle)} {n(y1)} {n(x1)} {n(y1)}"
        f"V{n(y1 + width)}C{n(middle)} {n(y1 + width)} {n(middle)} {n(y0 + width)} "
        f"{n(x0)} {n(y0 + width)}Z"
    )


def _ordered(keys, order):
    if order is None:
        return keys
    rank = {key: index for index, key in enumerate(order)}
    missing = [key for key in keys if key not in rank]
    if missing:
        raise ValueError(f"Not in the order given: {missing!r}")
    return sorted(keys, key=rank.__getitem__)


def _default_order(totals):
    """The largest first; equal ones by key."""
    return sorted(totals, key=lambda key: (-totals[key], str(key)))


def layout(
    flows,
    *,
    width=640,
    scale=None,
    max_height=480,
    node_width=12,
    label_width=180,
    label_gap=6,
    gap=10,
    min_height=18,
    min_heights=None,
    source_order=None,
    target_order=None,
    mirrored=False,
    top=0,
):
    """The layout of `flows`, [(source key, target key, value)]: a Layout of `width`.

    `top` is the room left above the columns (for their headings). `scale` is the units per
    unit of value; by default the largest that keeps the flows within
    `max_height` (the gaps and the nodes' minimum heights come on top). Sources and targets are
    ordered by `source_order` / `target_order` (every key must be in it) or else largest first.
    A flow of value 0 or less, and a flow given twice, are errors.
    """
    min_heights = min_heights or {}
    values = {}
    for source, target, value in flows:
        if value <= 0:
            raise ValueError(f"A flow must be positive: {source!r} → {target!r}: {value!r}")
        if (source, target) in values:
            raise ValueError(f"A flow given twice: {source!r} → {target!r}")
        values[source, target] = value
    out_totals, in_totals = {}, {}
    for (source, target), value in values.items():
        out_totals[source] = out_totals.get(source, 0) + value
        in_totals[target] = in_totals.get(target, 0) + value

    total = sum(values.values())
    if scale is None:
        scale = max_height / total if total else 1
    sources = [
        Node(key, "source", out_totals[key])
        for key in _ordered(_default_order(out_totals), source_order)
    ]
    targets = [
        Node(key, "target", in_totals[key])
        for key in _ordered(_default_order(in_totals), target_order)
    ]

    columns = []
    for nodes in (sources, targets):
        y = 0.0
        for node in nodes:
            node.bar_height = node.value * scale
            node.height = max(node.bar_height, min_heights.get(node.key, min_height))
            node.y = y
            node.bar_y = y + (node.height - node.bar_height) / 2
            y += node.height + gap
        columns.append(y - gap if nodes else 0.0)
    height = max(columns)
    for nodes, column_height in zip((sources, targets), columns, strict=True):
        shift = top + (height - column_height) / 2
        for node in nodes:
            node.y += shift
            node.bar_y += shift

    left, right = label_width, width - label_width - node_width
    for node in sources + targets:
        on_left = (node.side == "source") != mirrored
        node.x = left if on_left else right
        node.width = node_width
        node.label_y = node.y + node.height / 2
        node.label_x = node.x - label_gap if on_left else node.x + node_width + label_gap
        node.label_anchor = "end" if on_left else "start"

    source_rank = {node.key: index for index, node in enumerate(sources)}
    target_rank = {node.key: index for index, node in enumerate(targets)}
    by_key = {("source", node.key): node for node in sources} | {
        ("target", node.key): node for node in targets
    }
    links = [
        Link(by_key["source", source], by_key["target", target], value, width=value * scale)
        for (source, target), value in values.items()
    ]
    # Each node's bands stacked from the top of its bar, in the order of their other ends.
    for node in sources:
        y = node.bar_y
        for link in sorted(
            (link for link in links if link.source is node),
            key=lambda link: target_rank[link.target.key],
        ):
            link.source_y = y
            y += link.width
    for node in targets:
        y = node.bar_y
        for link in sorted(
            (link for link in links if link.target is node),
            key=lambda link: source_rank[link.source.key],
        ):
            link.target_y = y
            y += link.width
    for link in links:
        source, target = link.source, link.target
        x0 = source.x + node_width if not mirrored else source.x
        x1 = target.x if not mirrored else target.x + node_width
        link.path = band_path(x0, link.source_y, x1, link.target_y, link.width)
    links.sort(key=lambda link: (source_rank[link.source.key], target_rank[link.target.key]))
    return Layout(width=width, height=top + height, sources=sources, targets=targets, links=links)

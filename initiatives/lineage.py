"""The lineage of a case study: what it replicates or adapts, and where it was replicated or
adapted in turn, drawn as a small tree (the originals above, the case study, the replications
below), and the rule that keeps the links free of cycles.

The functions here are pure: they take the links as (origin, derived, kind) and give positions,
or the links that would close a cycle. models.ReplicationQuerySet reads the links.
"""

import unicodedata
from dataclasses import dataclass, field

# The tree's sizes, in SVG user units (px at scale 1).
NODE_WIDTH = 176
NODE_HEIGHT = 52
COLUMN_GAP = 24
ROW_GAP = 56
MARGIN = 8
# A title is set on at most this many lines of about this many narrow characters.
TITLE_LINES = 2
LINE_WIDTH = 22
# At most this many case studies side by side on one level of the tree.
BREADTH = 4


@dataclass(frozen=True)
class Link:
    origin: object
    derived: object
    kind: str


@dataclass
class Node:
    key: object
    level: int  # negative above the case study, 0 for it, positive below
    x: float = 0  # centre
    y: float = 0  # top

    @property
    def current(self):
        return self.level == 0

    @property
    def left(self):
        return self.x - NODE_WIDTH / 2


@dataclass
class Edge:
    origin: Node
    derived: Node
    kind: str

    @property
    def x1(self):
        return self.origin.x

    @property
    def y1(self):
        return self.origin.y + NODE_HEIGHT

    @property
    def x2(self):
        return self.derived.x

    @property
    def y2(self):
        return self.derived.y

    @property
    def label_x(self):
        return (self.x1 + self.x2) / 2

    @property
    def label_y(self):
        return (self.y1 + self.y2) / 2


@dataclass
class Tree:
    nodes: list = field(default_factory=list)
    edges: list = field(default_factory=list)
    width: float = 0
    height: float = 0
    left_out: int = 0  # case studies of the lineage the tree has no room for
    node_width = NODE_WIDTH
    node_height = NODE_HEIGHT

    def __bool__(self):
        return bool(self.edges)

    def above(self):
        return [node for node in self.nodes if node.level < 0]

    def below(self):
        return [node for node in self.nodes if node.level > 0]


def layout(center, links, *, depth=3, breadth=BREADTH, order=None):
    """The Tree of `center`'s lineage from `links` (Link, or (origin, derived, kind) tuples):
    what it derives from on the levels above, up to `depth` levels, what derives from it on the
    levels below, at most `breadth` case studies on a level (in the order of `order(key)`, by
    key when None). A case study reached by paths of several lengths sits on the level of the
    longest, so every edge runs from a level to a lower one."""
    links = [link if isinstance(link, Link) else Link(*link) for link in links]
    sort_key = order or (lambda key: key)
    origins_of, derived_of = {}, {}
    for link in links:
        origins_of.setdefault(link.derived, []).append(link.origin)
        derived_of.setdefault(link.origin, []).append(link.derived)
    levels = {center: 0}
    met = set()
    for direction, step in ((-1, origins_of), (1, derived_of)):
        frontier = [center]
        for distance in range(1, depth + 1):
            placed_before = {key: index for index, key in enumerate(frontier)}
            candidates = {}
            for parent in frontier:
                for key in step.get(parent, ()):
                    if key == center:
                        continue
                    # Closest to the first of the level nearer the case study: fewer crossings.
                    rank = placed_before[parent]
                    candidates[key] = min(candidates.get(key, rank), rank)
            met.update(candidates)
            ranked = sorted(candidates, key=lambda key: (candidates[key], sort_key(key)))
            frontier = ranked[:breadth]
            for key in frontier:
                levels[key] = direction * distance
            if not frontier:
                break
    rows = {}
    for key, level in levels.items():
        rows.setdefault(level, []).append(key)
    tree = Tree(left_out=len(met - set(levels)))
    widest = max(len(row) for row in rows.values())
    tree.width = widest * NODE_WIDTH + (widest - 1) * COLUMN_GAP + 2 * MARGIN
    top = min(rows)
    nodes = {}
    for level in sorted(rows):
        row = rows[level]
        if level != 0:
            # Kept in the order they were ranked on their level (the dict keeps insertion).
            row.sort(key=lambda key: list(levels).index(key))
        span = len(row) * NODE_WIDTH + (len(row) - 1) * COLUMN_GAP
        start = (tree.width - span) / 2
        for index, key in enumerate(row):
            node = Node(
                key,
                level,
                x=start + index * (NODE_WIDTH + COLUMN_GAP) + NODE_WIDTH / 2,
                y=MARGIN + (level - top) * (NODE_HEIGHT + ROW_GAP),
            )
            nodes[key] = node
            tree.nodes.append(node)
    tree.height = MARGIN * 2 + (max(rows) - top) * (NODE_HEIGHT + ROW_GAP) + NODE_HEIGHT
    # Beyond the first levels, a case study sits under (or over) what it is linked to nearer
    # the centre, as far as the row leaves room.
    for level in sorted((level for level in rows if abs(level) > 1), key=abs):
        nearer = origins_of if level > 0 else derived_of
        wanted = {}
        for key in rows[level]:
            linked = [
                nodes[other].x
                for other in nearer.get(key, ())
                if other in nodes and abs(nodes[other].level) < abs(level)
            ]
            wanted[key] = sum(linked) / len(linked) if linked else nodes[key].x
        _spread([nodes[key] for key in rows[level]], wanted, tree.width)
    for link in links:
        origin, derived = nodes.get(link.origin), nodes.get(link.derived)
        if origin is None or derived is None or origin.level >= derived.level:
            continue
        # Only along the lineage: nothing from an original past the case study to a replication.
        if origin.level < 0 < derived.level:
            continue
        tree.edges.append(Edge(origin, derived, link.kind))
    return tree


def _spread(row, wanted, width):
    """Place the nodes of `row` as near their `wanted` centres as they fit side by side."""
    row.sort(key=lambda node: wanted[node.key])
    step = NODE_WIDTH + COLUMN_GAP
    lowest = MARGIN + NODE_WIDTH / 2
    for index, node in enumerate(row):
        node.x = max(wanted[node.key], lowest if index == 0 else row[index - 1].x + step)
    overflow = row[-1].x - (width - MARGIN - NODE_WIDTH / 2)
    if overflow > 0:
        for node in row:
            node.x -= overflow
        for index in range(len(row) - 2, -1, -1):  # and keep them apart, right to left
            row[index].x = min(row[index].x, row[index + 1].x - step)


def wrap(text, width=LINE_WIDTH, lines=TITLE_LINES):
    """`text` in at most `lines` lines of at most `width` narrow characters (a Chinese
    character counts as two), broken between words where there are spaces, anywhere in a word
    longer than a line; the last line ends in "…" when the text is longer."""

    def size(part):
        return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in part)

    result, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if size(candidate) <= width:
            current = candidate
            continue
        if current:
            result.append(current)
        while size(word) > width:
            cut = len(word)
            while size(word[:cut]) > width:
                cut -= 1
            result.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        result.append(current)
    if len(result) > lines:
        last = cut = result[lines - 1]
        while size(cut) > width - 1:
            cut = cut[:-1]
        if cut != last and " " in cut and last[len(cut)] != " ":
            cut = cut.rsplit(" ", 1)[0]  # no half word before the ellipsis
        result = [*result[: lines - 1], cut.rstrip() + "…"]
    return result


# --- Cycles ----------------------------------------------------------------------------------
def _closure(start, neighbours):
    seen, todo = set(), [start]
    while todo:
        for key in neighbours.get(todo.pop(), ()):
            if key not in seen:
                seen.add(key)
                todo.append(key)
    return seen


def cycle_closers(this, origins, derived, links_above, links_below):
    """Which of a case study's proposed links would close a cycle: (origins, derived), the
    keys among `origins` (what `this` would replicate) and `derived` (where it would be
    replicated) that are at once above and below it.

    `links_above`: the links met walking up from `origins`, and `links_below` those met walking
    down from `derived`, both leaving out every link of `this` (its own are the proposed ones),
    as (origin, derived) pairs. `this` is None for a case study not saved yet."""
    parents, children = {}, {}
    for origin, child in links_above:
        parents.setdefault(child, set()).add(origin)
    for origin, child in links_below:
        children.setdefault(origin, set()).add(child)
    ancestors = {key: _closure(key, parents) | {key} for key in origins}
    descendants = {key: _closure(key, children) | {key} for key in derived}
    above = set().union(*ancestors.values()) if ancestors else set()
    below = set().union(*descendants.values()) if descendants else set()
    if this is not None:
        above.add(this)
        below.add(this)
    bad_origins = {key for key in origins if key == this or ancestors[key] & below}
    bad_derived = {key for key in derived if key == this or descendants[key] & above}
    return bad_origins, bad_derived

"""Share cards: the 1200x630 PNG a page names as its og:image, drawn from the record.

A card shows the portal's name, what kind of page it is ("Case study", "Event", ...), the title
on at most three lines (cut with an ellipsis), a line of places (the countries, the first few
and "+N" for the others) or details, and a band of the record's SDG colours at the bottom. Its
texts are in the page's language: Arabic is set right to left and the whole card mirrored
(right-aligned, the goals' band from the right), Chinese in a CJK face.

Fonts are looked up once per process (FONTS): Noto (Debian's fonts-noto-core and fonts-noto-cjk)
where installed, else DejaVu, which every Debian has, so that a card is always drawn, if less
well (DejaVu has no Chinese). Text is laid out by libraqm where Pillow has it (shaping and
direction for Arabic).

`render_card(CardContent)` is pure drawing. `card_response()` answers a request for a card: the
bytes of a (kind, pk, version, language) are kept in the default cache, so a card is drawn once
per version of the record and language, and the answer carries an ETag and, when the address
names the current version, a long Cache-Control (a changed record gets a new address).
"""

import hashlib
import io
import itertools
import logging
import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags
from django.utils.translation import get_language
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont, features

from core.choice_cache import reference_version

logger = logging.getLogger(__name__)

WIDTH, HEIGHT = 1200, 630
# Changing the drawing changes every card's address and cache key.
DESIGN = "1"
# An address with the record's current version never changes its bytes: a year.
MAX_AGE = 365 * 24 * 3600
# An address with an older version (or none) answers today's card, for a short while.
STALE_MAX_AGE = 300
# How long the cache keeps a drawn card (a new version is a new key anyway).
CACHE_SECONDS = 30 * 24 * 3600

MARGIN = 72
INK = (27, 31, 36)
MUTED = (74, 82, 92)
BRAND = (11, 79, 138)
PAPER = (255, 255, 255)
WASH = (243, 246, 249)
BAND_HEIGHT = 36
TITLE_SIZES = (68, 60, 52, 46)
TITLE_LINES = 3
ELLIPSIS = "…"
# How many countries a card names before "+N".
MAX_PLACES = 5

# A goal's colour as its record gives it (fixtures/03_sdgs.json: the official ones); a value
# that is not one draws in the portal's colour.
PORTAL_COLOUR = "#0B4F8A"
HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")

# (path, face index) by script and weight, the first present is used; DejaVu last.
FONT_DIRS = ("/usr/share/fonts/truetype", "/usr/share/fonts/opentype")
FONT_CHOICES = {
    ("latin", "regular"): [("noto/NotoSans-Regular.ttf", 0), ("dejavu/DejaVuSans.ttf", 0)],
    ("latin", "bold"): [("noto/NotoSans-Bold.ttf", 0), ("dejavu/DejaVuSans-Bold.ttf", 0)],
    ("arabic", "regular"): [
        ("noto/NotoSansArabic-Regular.ttf", 0),
        ("noto/NotoNaskhArabic-Regular.ttf", 0),
        ("dejavu/DejaVuSans.ttf", 0),
    ],
    ("arabic", "bold"): [
        ("noto/NotoSansArabic-Bold.ttf", 0),
        ("noto/NotoNaskhArabic-Bold.ttf", 0),
        ("dejavu/DejaVuSans-Bold.ttf", 0),
    ],
    # Face 2 of the collection is Simplified Chinese (JP, KR, SC, TC, HK).
    ("cjk", "regular"): [("noto/NotoSansCJK-Regular.ttc", 2), ("dejavu/DejaVuSans.ttf", 0)],
    ("cjk", "bold"): [("noto/NotoSansCJK-Bold.ttc", 2), ("dejavu/DejaVuSans-Bold.ttf", 0)],
}


@lru_cache
def font_file(script, weight):
    """(path, index) of the font for `script` ("latin", "arabic", "cjk") and `weight`, or
    (None, 0) when not even DejaVu is there (Pillow's own small font is used then)."""
    for name, index in FONT_CHOICES[(script, weight)]:
        for folder in FONT_DIRS:
            path = os.path.join(folder, name)
            if os.path.exists(path):
                return path, index
    logger.warning("No font for %s %s share cards: Pillow's default is used.", script, weight)
    return None, 0


def has_noto():
    """Whether the Noto faces are installed (the tests of Arabic and Chinese need them)."""
    return all(
        "noto" in (font_file(script, weight)[0] or "")
        for script in ("latin", "arabic", "cjk")
        for weight in ("regular", "bold")
    )


LAYOUT = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC


@lru_cache
def characters_of(script, weight):
    """The characters the face for `script` and `weight` has glyphs for, or None when that is
    not known (no face, or one fontTools cannot read): then it is taken to have them all."""
    path, index = font_file(script, weight)
    if path is None:
        return None
    try:
        with TTFont(path, fontNumber=index, lazy=True) as face:
            return frozenset(chr(code) for code in face.getBestCmap())
    except Exception:  # a face that cannot be read is drawn as it is
        logger.warning("Could not read the characters of %s", path)
        return None


@lru_cache(maxsize=64)
def font(script, weight, size):
    path, index = font_file(script, weight)
    if path is None:
        return ImageFont.load_default(size)
    return ImageFont.truetype(path, size, index=index, layout_engine=LAYOUT)


# --- Scripts and lines -------------------------------------------------------------------------
ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")
CJK_CHARS = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
CJK = re.compile(f"[{CJK_CHARS}]")
# A line breaks after a CJK character, or at spaces elsewhere: the units a line is made of.
UNITS = re.compile(f"[{CJK_CHARS}][\\s]*|[^\\s{CJK_CHARS}]+\\s*|\\s+")


def script_of(text, language):
    """Which face sets `text` on a page in `language`: CJK for Chinese pages (it has Latin
    and Cyrillic too) or Chinese text, Arabic for Arabic text, else Latin."""
    if language.startswith("zh") or CJK.search(text):
        return "cjk"
    if ARABIC.search(text):
        return "arabic"
    return "latin"


def is_rtl_text(text):
    """Whether the text's first strong character is right to left."""
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


# Latin or Cyrillic words (with the figures and marks between them) inside Arabic text: the
# Arabic faces have no Latin letters, so such a stretch is set in the Latin face.
# The same for the marks they lack (the ellipsis, the arrow between regions), set in the
# direction of the text around them (an arrow points the way an Arabic text reads).
LETTERS = "A-Za-z\u00c0-\u024f\u0400-\u04ff"
MARKS = "\u2026\u2039\u203a\u2022"
# Figures joined by a separator (58/220, 1.5, 10:00) read left to right as one number, as the
# bidirectional algorithm reads them, in the Latin face (Arabic faces may lack the separator).
LATIN_IN_ARABIC = re.compile(
    f"[{LETTERS}](?:[{LETTERS}0-9\\-'’.&/]|\\s(?=[{LETTERS}0-9]))*|[{MARKS}]+"
    "|[0-9]+(?:[/:.,][0-9]+)+"
)


@dataclass
class Run:
    """A piece of text with the face, direction and language it is set in."""

    text: str
    font: ImageFont.FreeTypeFont
    direction: str
    language: str

    def options(self):
        if LAYOUT != ImageFont.Layout.RAQM:
            return {}
        options = {"direction": self.direction}
        if self.language:
            options["language"] = self.language
        return options

    def width(self):
        return self.font.getlength(self.text, **self.options())


class Setter:
    """Sets text in one weight and size on a page in `language`: which faces, which
    directions, how wide."""

    def __init__(self, weight, size, language):
        self.weight, self.size, self.language = weight, size, language
        self.tag = {"zh-hans": "zh-Hans"}.get(language, language)

    def run(self, text, script):
        direction = "rtl" if script == "arabic" or is_rtl_text(text) else "ltr"
        # The language tag helps shaping where the text is in the page's language.
        matches = (script == "arabic") == (self.language == "ar")
        face = font(script, self.weight, self.size)
        return Run(text, face, direction, self.tag if matches else "")

    def runs(self, text):
        """The text's runs in reading order: one, or for Arabic text with Latin words in it, the
        Arabic stretches and the Latin ones each in their face."""
        script = script_of(text, self.language)
        if script != "arabic":
            return [self.run(text, script)]
        runs, position = [], 0
        for match in LATIN_IN_ARABIC.finditer(text):
            if match.start() > position:
                runs += self.arabic_runs(text[position : match.start()])
            latin = self.run(match.group(), "latin")
            if match.group()[0] in MARKS:
                latin.direction = "rtl"
            runs.append(latin)
            position = match.end()
        if position < len(text):
            runs += self.arabic_runs(text[position:])
        return runs

    def arabic_runs(self, text):
        """A stretch of Arabic text in the Arabic face, but for the marks that face has no
        glyph for (a slash, brackets, a dash, a plus or per cent sign in Noto Sans Arabic):
        those are set in the Latin face, in the direction of the text around them."""
        has = characters_of("arabic", self.weight)
        if has is None:
            return [self.run(text, "arabic")]
        runs = []
        for covered, chars in itertools.groupby(text, key=lambda c: c in has or c.isspace()):
            piece = "".join(chars)
            run = self.run(piece, "arabic" if covered else "latin")
            run.direction = "rtl"
            runs.append(run)
        return runs

    def width(self, text):
        return sum(run.width() for run in self.runs(text))


def wrap(text, weight, size, language, width, max_lines):
    """The lines of `text` at most `width` wide, at most `max_lines` of them, the last cut with
    an ellipsis when the text is longer; and whether all of it fits."""
    setter = Setter(weight, size, language)
    units = UNITS.findall(" ".join(text.split()))
    lines, current = [], ""
    fits = True
    index = 0
    while index < len(units):
        unit = units[index]
        candidate = current + unit
        if setter.width(candidate.rstrip()) <= width:
            current = candidate
            index += 1
            continue
        if not current:  # one word wider than the line: cut it by characters
            cut = longest_prefix(setter, unit, width)
            lines.append(unit[:cut])
            units[index] = unit[cut:]
        else:
            lines.append(current.rstrip())
            current = ""
        if len(lines) == max_lines:
            fits = False
            break
    if fits and current.strip():
        lines.append(current.rstrip())
    if not fits:
        lines[-1] = with_ellipsis(setter, lines[-1], width)
    return [line for line in lines if line], fits


def longest_prefix(setter, text, width):
    """How many characters of `text` fit in `width` (at least one)."""
    low, high = 1, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if setter.width(text[:middle]) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def with_ellipsis(setter, line, width):
    """The line, cut at a word where it can be, so that it ends with "…" within `width`."""
    line = line.rstrip()
    while line and setter.width(line + ELLIPSIS) > width:
        shorter = line.rsplit(" ", 1)[0] if " " in line and not CJK.search(line) else line[:-1]
        line = shorter.rstrip(" ,.;:،")
    return line + ELLIPSIS


# --- The card ------------------------------------------------------------------------------------
@dataclass
class CardContent:
    """What a card says, in the page's language."""

    site: str
    kind: str
    title: str
    # Names (countries, publishers): the first few, then "+N".
    places: list = field(default_factory=list)
    # A line under the places (dates, the kind and year of a publication) or a goal's full
    # title: at most two lines.
    detail: str = ""
    # "#RRGGBB" of the record's goals, in their order; none: the portal's colour.
    colours: list = field(default_factory=list)
    language: str = "en"
    rtl: bool = False
    # Between the names of `places`.
    separator: str = ", "


def valid_colour(colour):
    return colour if colour and HEX_COLOUR.match(colour) else PORTAL_COLOUR


def goal_colours(goals):
    """The band's colours for goals (records with `number` and `colour`), in goal order."""
    return [valid_colour(goal.colour) for goal in sorted(goals, key=lambda g: g.number)]


class Canvas:
    """Draws lines from the start edge: the left one, or the right one for a right-to-left
    page."""

    def __init__(self, content):
        self.content = content
        self.image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
        self.draw = ImageDraw.Draw(self.image)
        self.width = WIDTH - 2 * MARGIN

    def text(self, y, text, weight, size, colour):
        """One line at `y` (its top; the baseline a size below), from the start edge; its runs
        side by side in reading order: leftwards on a right-to-left page."""
        setter = Setter(weight, size, self.content.language)
        x = WIDTH - MARGIN if self.content.rtl else MARGIN
        for piece in setter.runs(text):
            width = piece.width()
            left = x - width if self.content.rtl else x
            # On a shared baseline: the faces' ascenders differ.
            self.draw.text(
                (left, y + size),
                piece.text,
                font=piece.font,
                fill=colour,
                anchor="ls",
                **piece.options(),
            )
            x = left if self.content.rtl else x + width


def places_line(canvas, names, size, language, separator):
    """The first names that fit in the width (at most MAX_PLACES), and "+N" for the others; the
    first name cut with an ellipsis when even it alone does not fit."""
    if not names:
        return ""
    setter = Setter("regular", size, language)
    for count in range(min(len(names), MAX_PLACES), 0, -1):
        rest = len(names) - count
        line = separator.join(names[:count]) + (f" +{rest}" if rest else "")
        if setter.width(line) <= canvas.width:
            return line
    rest = len(names) - 1
    line = with_ellipsis(setter, names[0], canvas.width - size * 3)
    return line + (f" +{rest}" if rest else "")


def render_card(content):
    """The card as PNG bytes."""
    canvas = Canvas(content)
    language = content.language
    draw = canvas.draw
    # A wash behind the portal's name and a rule in its colour.
    draw.rectangle((0, 0, WIDTH, 120), fill=WASH)
    draw.rectangle((0, 120, WIDTH, 124), fill=BRAND)
    canvas.text(40, content.site, "bold", 34, BRAND)
    canvas.text(160, content.kind, "regular", 30, MUTED)

    # The title: the largest size that takes three lines at most, else cut at the smallest.
    for size in TITLE_SIZES:
        lines, fits = wrap(content.title, "bold", size, language, canvas.width, TITLE_LINES)
        if fits:
            break
    y = 212
    for line in lines:
        canvas.text(y, line, "bold", size, INK)
        y += int(size * 1.3)

    bottom = HEIGHT - BAND_HEIGHT - 34
    rows = []
    if content.detail:
        detail_lines, _fits = wrap(content.detail, "regular", 28, language, canvas.width, 2)
        rows += [(line, 28, MUTED) for line in detail_lines]
    if content.places:
        rows.append((places_line(canvas, content.places, 30, language, content.separator), 30, INK))
    # Set from the bottom up, below the title.
    y = bottom - sum(int(size * 1.35) for _line, size, _colour in rows)
    y = max(y, 212 + len(lines) * int(size * 1.3) + 10)
    for line, line_size, colour in rows:
        canvas.text(y, line, "regular", line_size, colour)
        y += int(line_size * 1.35)

    draw_band(draw, content.colours or ["#0B4F8A"], content.rtl)
    return png_bytes(canvas.image)


def draw_band(draw, colours, rtl):
    """Equal stripes of the colours along the bottom, from the start edge."""
    top = HEIGHT - BAND_HEIGHT
    colours = list(reversed(colours)) if rtl else list(colours)
    count = len(colours)
    for index, colour in enumerate(colours):
        left = round(index * WIDTH / count)
        right = round((index + 1) * WIDTH / count)
        draw.rectangle((left, top, right, HEIGHT), fill=colour)


def png_bytes(image):
    """A palette PNG: a card is flat colours and antialiased text, which 128 colours keep."""
    buffer = io.BytesIO()
    image.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        buffer, "PNG", optimize=True
    )
    return buffer.getvalue()


# --- Versions, cache and answers -----------------------------------------------------------------
def record_version(record):
    """A publishable record's card version: the design, its last change to the microsecond
    (saving the record, its links included, changes `updated_at`) and the version of the
    reference data, whose names (its countries) the card shows."""
    try:
        reference = reference_version()
    except Exception:  # a cache that fails rather than misses: the card still has an address
        reference = ""
    reference = hashlib.sha256(str(reference).encode()).hexdigest()[:8]
    return f"{DESIGN}.{int(record.updated_at.timestamp() * 1_000_000):x}.{reference}"


def text_version(*texts):
    """The card version of a page without a change time (a country, a goal): a digest of the
    texts the card shows, in the page's language."""
    digest = hashlib.sha256("\x1f".join(str(text) for text in texts).encode()).hexdigest()
    return f"{DESIGN}.{digest[:12]}"


def card_response(request, kind, pk, version, content):
    """The card of record `pk` of `kind` at `version` in the active language: from the cache,
    or drawn (`content()` gives its CardContent) and kept. 304 to a matching If-None-Match."""
    language = get_language()
    etag = f'"{kind}-{pk}-{version}-{language}"'
    current = request.GET.get("v") == version
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        response = HttpResponseNotModified()
    else:
        key = f"share-card:{kind}:{pk}:{version}:{language}"
        body = cache.get(key)
        if body is None:
            body = render_card(content())
            cache.set(key, body, CACHE_SECONDS)
        response = HttpResponse(body, content_type="image/png")
    response["ETag"] = etag
    response["Content-Language"] = language
    if current:
        patch_cache_control(response, public=True, max_age=MAX_AGE, immutable=True)
    else:
        patch_cache_control(response, public=True, max_age=STALE_MAX_AGE)
    return response

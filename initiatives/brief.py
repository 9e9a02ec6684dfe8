"""A case study's one-page brief as a PDF (`/initiatives/<slug>/brief.pdf`), rendered on the
server by WeasyPrint from templates/initiatives/brief.html and static/css/brief.css.

What it holds: the portal's name, the title, the summary, the key facts (modality, status,
years), the countries with their roles, the goals with their numbers, the sources, the page's
address and the day it was made; then as much of the four long texts as the page holds. The
brief is rendered with the whole texts first; while it takes more than one A4 page it is rendered
again shorter (SHORTENINGS): the first paragraph of each text, then none of them (summary and
key facts only), then the summary cut and the lists kept short. The last attempt that still
overflows keeps its first page only: the brief is always one page.

Fonts, through Pango (libpango-1.0-0, libpangoft2-1.0-0), which WeasyPrint needs: Noto
(Debian's fonts-noto-core) for the Latin, Cyrillic and Arabic scripts, Droid Sans Fallback
(fonts-droid-fallback) for Chinese, Noto Sans CJK (fonts-noto-cjk) only for a character Droid
lacks. WeasyPrint embeds only the glyphs used, but keeps their numbers: the glyphs below the
highest one used stay in the file, empty. Such empty glyphs cost next to nothing in a TrueType
font like Droid's, and about 146 KB per weight in Noto Sans CJK's CFF outlines, whose Chinese
glyphs are numbered up to 65,000: a Chinese brief is about 30 KB with Droid, 240-310 KB with
Noto Sans CJK (static/css/brief.css). Droid has one weight, so Chinese headings stand out by
size and colour.

Nothing is fetched from the network: the stylesheet is read from the static files, and the URL
fetcher refuses every address but a static file's.

Rendering takes a fraction of a second to a few seconds, so the PDF is kept in the default cache
per case study, its last change, the content version (a country's or goal's name changed), the
language and the host the address is printed with.
"""

import hashlib
import logging
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext_lazy as _

from core.choice_cache import watcher

from .models import InitiativeCountry, role_order

logger = logging.getLogger(__name__)

STYLESHEET = "css/brief.css"
# How long a rendered brief is kept; every change of the case study or of the content retires it.
CACHE_SECONDS = 24 * 60 * 60
# The long texts, with the headings the case study's page gives them.
TEXT_FIELDS = {
    "challenge": _("Challenge"),
    "solution": _("Towards a solution"),
    "results": _("Results"),
    "replication": _("Potential for replication"),
}

# Each attempt after the first: how much of the long texts, of the summary and of the lists.
SHORTENINGS = (
    {"texts": "all"},
    {"texts": "first", "words": 90},
    {"texts": "first", "words": 45},
    {"texts": "none"},
    {"texts": "none", "summary_words": 60, "list_items": 6},
)

RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


class Refused(ValueError):
    """WeasyPrint asked for something that is not one of the portal's static files."""


def static_file(name):
    """The bytes of static file `name`: from the collected files (production), else from the
    source folders (development, tests)."""
    path = finders.find(name)
    if path:
        with open(path, "rb") as handle:
            return handle.read()
    with staticfiles_storage.open(name) as handle:
        return handle.read()


def url_fetcher(url):
    """WeasyPrint's fetcher: a static file (`/static/...` on any host) and nothing else, never
    the network."""
    path = urlsplit(url).path
    if not path.startswith(settings.STATIC_URL) or ".." in path:
        raise Refused(f"The brief fetches static files only, not {url!r}.")
    name = path[len(settings.STATIC_URL) :]
    mime = "text/css" if name.endswith(".css") else None
    return {"string": static_file(name), "mime_type": mime, "redirected_url": url}


def cache_key(initiative, address):
    parts = [
        str(initiative.pk),
        initiative.updated_at.isoformat() if initiative.updated_at else "",
        get_language(),
        str(watcher.current()),
        address,
    ]
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
    return f"initiative-brief:{initiative.pk}:{digest}"


def brief_pdf(initiative, address):
    """The brief of `initiative` as PDF bytes, from the cache when it was rendered already.
    `address` is the case study's page, absolute, printed on the brief."""
    key = cache_key(initiative, address)
    try:
        pdf = cache.get(key)
    except Exception:  # a cache that fails never fails the download
        logger.warning("Could not read a brief from the cache", exc_info=True)
        pdf = None
    if pdf is None:
        pdf = render_brief(initiative, address)
        try:
            cache.set(key, pdf, CACHE_SECONDS)
        except Exception:
            logger.warning("Could not keep a brief in the cache", exc_info=True)
    return pdf


def first_paragraph(text, words):
    paragraph = re.split(r"\n\s*\n", text.strip(), maxsplit=1)[0]
    return Truncator(paragraph).words(words, truncate="…")


def context_for(initiative, address, shortening):
    texts = shortening["texts"]
    sections = []
    if texts != "none":
        for field, heading in TEXT_FIELDS.items():
            text = initiative.texts[field]
            if text:
                if texts == "first":
                    text = first_paragraph(text, shortening["words"])
                sections.append((field, heading, text))
    summary = initiative.texts.summary
    if "summary_words" in shortening:
        summary = Truncator(summary).words(shortening["summary_words"], truncate="…")
    limit = shortening.get("list_items")
    countries = initiative.brief_countries
    sources = list(initiative.sources.all())
    for source in sources:
        # WeasyPrint does not guess a <bdi>'s direction from its text: a reference is set in
        # the direction of its title's script.
        source.direction = "rtl" if RIGHT_TO_LEFT.search(source.title) else "ltr"
    return {
        "initiative": initiative,
        "summary": summary,
        "sections": sections,
        "shortened": texts != "all",
        "countries_by_role": group_countries(countries[:limit] if limit else countries),
        "more_countries": len(countries) - limit if limit and len(countries) > limit else 0,
        "regions": list(initiative.regions.all()),
        "sdgs": list(initiative.sdgs.all()),
        "sources": sources[:limit] if limit else sources,
        "more_sources": len(sources) - limit if limit and len(sources) > limit else 0,
        "address": address,
        "made_on": timezone.localdate(),
        "direction": "rtl" if get_language_bidi() else "ltr",
    }


def group_countries(links):
    groups = {}
    for link in links:
        groups.setdefault(link.get_role_display(), []).append(link.country)
    return list(groups.items())


def with_brief_relations(initiative):
    """Read once what every attempt shows: countries by role, goals, sources."""
    initiative.brief_countries = list(
        InitiativeCountry.objects.filter(initiative=initiative)
        .select_related("country")
        .order_by(role_order(), "country__name")
    )
    return initiative


def render_brief(initiative, address):
    from weasyprint import CSS, HTML  # Pango is loaded on first use, not with the portal

    with_brief_relations(initiative)
    stylesheet = CSS(string=static_file(STYLESHEET).decode(), url_fetcher=url_fetcher)
    document = None
    for shortening in SHORTENINGS:
        html = render_to_string(
            "initiatives/brief.html", context_for(initiative, address, shortening)
        )
        document = HTML(string=html, base_url=address, url_fetcher=url_fetcher).render(
            stylesheets=[stylesheet]
        )
        if len(document.pages) == 1:
            break
    if len(document.pages) > 1:
        document = document.copy(document.pages[:1])
    return document.write_pdf()

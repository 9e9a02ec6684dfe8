"""How to cite a publication or a case study: one neutral record (`Citation`), written as
BibTeX, RIS and CSL-JSON for reference managers, and as a sentence in an APA-like style for the
page's "How to cite" block.

What a citation says:
- authors: organisations, never people. A publication's authors, else its publishers; a case
  study is written and published by the portal itself (settings.PORTAL_NAME).
- the title in the page's language where the record has it, else in English, and `language`
  the language of that title (BCP 47: "ar", "zh-Hans").
- the year, and the exact date where it is known: a publication's `issued_on`, a case study's
  publication date on the portal.
- the UN document symbol (a publication's `document_symbol`).
- the address: a publication's own address elsewhere (`external_url`), else for a document
  symbol its address on the UN's document resolver (undocs.org) in the page's language; the
  portal's page otherwise.
  The portal's page is always given too (`page_url`).
- the access date: today, in the server's time zone.

Everything is read from the record and the relations the detail views already load
(publishers and authors prefetched): building a citation makes no query.
"""

import json
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from babel.lists import format_list
from django.conf import settings
from django.http import HttpResponse
from django.urls import re_path, reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

from core import dates
from core.content_language import text_language
from core.undocs import undocs_url

# The kind of a case study, beside the publication kinds (publications.models.PublicationKind).
CASE_STUDY = "case-study"


@dataclass(frozen=True)
class EntryType:
    bibtex: str
    ris: str
    csl: str


# How each kind of record is typed in each format. Reports, strategies and policy papers are
# reports; a compendium is a book; a resolution or a plan of action is a UN document (RIS's
# government document, CSL's generic "document": neither a statute nor a treaty); a case study is
# a page of the portal.
ENTRY_TYPES = {
    "report": EntryType("techreport", "RPRT", "report"),
    "policy-paper": EntryType("techreport", "RPRT", "report"),
    "strategy": EntryType("techreport", "RPRT", "report"),
    "compendium": EntryType("book", "BOOK", "book"),
    "resolution": EntryType("misc", "GOVDOC", "document"),
    "plan-of-action": EntryType("misc", "GOVDOC", "document"),
    CASE_STUDY: EntryType("misc", "ELEC", "webpage"),
}
DEFAULT_TYPE = EntryType("misc", "GEN", "document")


@dataclass(frozen=True)
class FileFormat:
    # The link's text: the format's own name, written the same in every language.
    label: str
    extension: str
    media_type: str


FORMATS = {
    "bib": FileFormat("BibTeX", "bib", "application/x-bibtex"),
    "ris": FileFormat("RIS", "ris", "application/x-research-info-systems"),
    "json": FileFormat("CSL-JSON", "json", "application/vnd.citationstyles.csl+json"),
}


@dataclass(frozen=True)
class Citation:
    key: str
    kind: str
    kind_label: str
    authors: tuple
    title: str
    # BCP 47 tag of the title's language.
    language: str
    year: int
    # The exact date of issue, when known.
    issued: date | None
    symbol: str
    publishers: tuple
    # The document's own address where it has one, else the portal's page.
    url: str
    page_url: str
    accessed: date
    slug: str
    # The Django language code of the title (text_language), for the page's lang attribute.
    title_language_code: str

    @property
    def entry_type(self):
        return ENTRY_TYPES.get(self.kind, DEFAULT_TYPE)


def language_tag(code):
    """The BCP 47 tag of a language of LANGUAGES: zh-hans -> zh-Hans."""
    base, _sep, rest = code.partition("-")
    return f"{base}-{rest.title()}" if rest else base


def one_line(text):
    """A text on one line, its runs of white space made single spaces: a line break would end
    a RIS field."""
    return " ".join(str(text).split())


def citation(record, request):
    """The citation of a publication or a case study as read on `request`'s page language."""
    label = record._meta.label
    page_url = request.build_absolute_uri(record.get_absolute_url())
    title_language = text_language(record, "title")
    common = {
        "title": one_line(record.texts.title),
        "language": language_tag(title_language),
        "title_language_code": title_language,
        "page_url": page_url,
        "accessed": timezone.localdate(),
        "slug": record.slug,
    }
    if label == "publications.Publication":
        return _publication(record, common)
    if label == "initiatives.Initiative":
        return _case_study(record, common)
    raise TypeError(f"{label} records are not cited")


def _names(organisations):
    return tuple(one_line(organisation.texts.name) for organisation in organisations)


def _publication(publication, common):
    publishers = _names(publication.publishers.all())
    authors = _names(publication.authors.all()) or publishers
    symbol = one_line(publication.document_symbol)
    if publication.external_url:
        url = publication.external_url
    elif symbol:
        url = undocs_url(symbol, get_language() or "en")
    else:
        url = common["page_url"]
    return Citation(
        key=f"ssc-{publication.slug}-{publication.year}",
        kind=publication.kind,
        kind_label=str(publication.get_kind_display()),
        authors=authors,
        year=publication.year,
        issued=publication.issued_on,
        symbol=symbol,
        publishers=publishers,
        url=url,
        **common,
    )


def _case_study(initiative, common):
    published = timezone.localdate(initiative.published_at or timezone.now())
    portal = settings.PORTAL_NAME
    return Citation(
        key=f"ssc-{initiative.slug}-{published.year}",
        kind=CASE_STUDY,
        kind_label="",  # no file names the kind of a page
        authors=(portal,),
        year=published.year,
        issued=published,
        symbol="",
        publishers=(portal,),
        url=common["page_url"],
        **common,
    )


# --- BibTeX --------------------------------------------------------------------------------------
BIBTEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
BIBTEX_SPECIAL = re.compile("[" + re.escape("".join(BIBTEX_ESCAPES)) + "]")
# What a URL may not hold inside a BibTeX field's braces.
URL_UNSAFE = re.compile(r"[{}\\\s]")


def bibtex_text(text):
    """A text as LaTeX reads it back: its special characters escaped."""
    return BIBTEX_SPECIAL.sub(lambda match: BIBTEX_ESCAPES[match.group()], text)


def bibtex_url(url):
    """A URL as a verbatim field holds it: braces, backslashes and spaces percent-encoded."""
    return URL_UNSAFE.sub(lambda match: quote(match.group()), url)


def bibtex_names(names):
    """Organisations as one BibTeX name list: each in braces, so that no style takes
    "Food and Agriculture Organization" for two people or splits a name into first and last."""
    return " and ".join("{" + bibtex_text(name) + "}" for name in names)


def to_bibtex(item):
    entry_type = item.entry_type.bibtex
    fields = []
    if item.authors:
        fields.append(("author", bibtex_names(item.authors)))
    # Double braces keep the title's capitals as they are in every style.
    fields.append(("title", "{" + bibtex_text(item.title) + "}"))
    fields.append(("year", str(item.year)))
    if item.issued:
        fields.append(("date", item.issued.isoformat()))
    if item.publishers:
        publishers = bibtex_names(item.publishers)
        if entry_type == "techreport":
            fields.append(("institution", publishers))
        fields.append(("publisher", publishers))
    if entry_type == "techreport":
        fields.append(("type", bibtex_text(item.kind_label)))
    if item.symbol:
        fields.append(("number", bibtex_text(item.symbol)))
        fields.append(("note", bibtex_text(f"UN Doc. {item.symbol}")))
    fields.append(("url", bibtex_url(item.url)))
    fields.append(("urldate", item.accessed.isoformat()))
    if item.page_url != item.url:
        fields.append(("addendum", r"\url{" + bibtex_url(item.page_url) + "}"))
    fields.append(("language", item.language))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{entry_type}{{{item.key},\n{body}\n}}\n"


# --- RIS -----------------------------------------------------------------------------------------
def ris_date(day):
    return f"{day.year:04d}/{day.month:02d}/{day.day:02d}/"


def to_ris(item):
    lines = [("TY", item.entry_type.ris)]
    lines += [("AU", name) for name in item.authors]
    lines.append(("TI", item.title))
    lines.append(("PY", f"{item.year:04d}"))
    lines.append(("DA", ris_date(item.issued) if item.issued else f"{item.year:04d}///"))
    if item.publishers:
        lines.append(("PB", "; ".join(item.publishers)))
    if item.symbol:
        lines.append(("M1", item.symbol))
    lines.append(("UR", item.url))
    if item.page_url != item.url:
        lines.append(("UR", item.page_url))
    lines.append(("Y2", ris_date(item.accessed)))
    lines.append(("LA", item.language))
    lines.append(("ID", item.key))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {one_line(value)}\r\n" for tag, value in lines)


# --- CSL-JSON ------------------------------------------------------------------------------------
def date_parts(day):
    return {"date-parts": [[day.year, day.month, day.day]]}


def to_csl(item):
    data = {
        "id": item.key,
        "type": item.entry_type.csl,
        "title": item.title,
        "author": [{"literal": name} for name in item.authors],
        "issued": date_parts(item.issued) if item.issued else {"date-parts": [[item.year]]},
        "accessed": date_parts(item.accessed),
        "URL": item.url,
        "language": item.language,
    }
    if item.publishers:
        data["publisher"] = "; ".join(item.publishers)
    if item.symbol:
        data["number"] = item.symbol
    if item.kind == CASE_STUDY:
        data["container-title"] = settings.PORTAL_NAME
    else:
        data["genre"] = item.kind_label
    if item.page_url != item.url:
        data["source"] = settings.PORTAL_NAME
        data["note"] = item.page_url
    return json.dumps([data], ensure_ascii=False, indent=2) + "\n"


WRITERS = {"bib": to_bibtex, "ris": to_ris, "json": to_csl}


def file_response(item, format):
    file_format = FORMATS[format]
    content_type = file_format.media_type
    if format != "json":
        content_type += "; charset=utf-8"
    response = HttpResponse(WRITERS[format](item), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        True, f"{item.slug}.{file_format.extension}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def cite_url(view):
    """The address of a record's citation files, beside its page: cite.bib, .ris and .json."""
    formats = "|".join(FORMATS)
    return re_path(rf"^(?P<slug>[-a-zA-Z0-9_]+)/cite\.(?P<format>{formats})\Z", view, name="cite")


def download_links(url_name, slug):
    """[{url, label, type, extension}] of a record's citation files."""
    return [
        {
            "url": reverse(url_name, kwargs={"slug": slug, "format": name}),
            "label": file_format.label,
            "type": file_format.media_type,
            "extension": file_format.extension,
        }
        for name, file_format in FORMATS.items()
    ]


# --- On the page ---------------------------------------------------------------------------------
ENDS_SENTENCE = re.compile(r"[.!?…。]$")


def _sentence(html):
    """A part of the citation ended with a full stop, unless it ends with one already."""
    return html if ENDS_SENTENCE.search(str(html)) else format_html("{}.", html)


def _ltr(text):
    """A symbol or an address, kept left to right on a right-to-left page."""
    return format_html('<bdi dir="ltr">{}</bdi>', text)


def formatted(item):
    """The citation as a sentence in an APA-like style, as HTML: "Authors. (Date). Title
    (Symbol). Publishers. Address", the publishers left out when they are the authors, and for
    a case study, a page that may change, the day it was read."""
    locale = dates.cldr_locale()
    parts = []
    if item.authors:
        parts.append(_sentence(format_list(list(item.authors), locale=locale)))
    when = dates.day(item.issued) if item.issued else str(item.year)
    parts.append(format_html("({}).", when))
    page_language = get_language() or settings.LANGUAGE_CODE
    title_attributes = ""
    if item.title_language_code != page_language:
        bidi = get_language_info(item.title_language_code)["bidi"]
        title_attributes = format_html(
            ' lang="{}" dir="{}"', item.language, "rtl" if bidi else "ltr"
        )
    title = format_html("<cite{}>{}</cite>", title_attributes, item.title)
    if item.symbol:
        title = format_html("{} ({})", title, _ltr(item.symbol))
    parts.append(_sentence(title))
    if item.publishers and item.publishers != item.authors:
        parts.append(_sentence(format_list(list(item.publishers), locale=locale)))
    if item.kind == CASE_STUDY:
        # The translation is escaped as a whole, its placeholders left for the parts.
        retrieved = conditional_escape(_("Retrieved %(date)s, from %(url)s"))
        parts.append(
            mark_safe(
                retrieved
                % {"date": conditional_escape(dates.day(item.accessed)), "url": _ltr(item.url)}
            )
        )
    else:
        parts.append(_ltr(item.url))
    return format_html_join(" ", "{}", ((part,) for part in parts))

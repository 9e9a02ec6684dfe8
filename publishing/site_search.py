"""The site search: every registered content type (publishing/content.py) in one list.

Each type keeps its own search index (publishing/search.py): `search_text` with the words beyond
the title and summary, and on PostgreSQL a weighted `search_vector` (title A, summary B, the
rest C) behind a GIN index. Since the vectors are built alike, their ranks compare, and one
UNION query gives a page of results from every type, most relevant first. On PostgreSQL each
word of the query matches as a prefix after stemming and the snippet highlights the words found
(`ts_headline`); elsewhere (SQLite in development) every word must appear, in any case, in the
title, summary or search text, results come newest first and the snippet is the summary (its
words marked in Python).

When nothing of any type matches on PostgreSQL, the close matches of the words come instead
(publishing/search.py: "ebolla" is searched as "ebola" and finds the Ebola case study), and the
page says so: two queries more (the words close to the query's, and their counts), only then.

A page costs the same number of queries however many records match: one (a UNION) for the
counts of the types, one for the page's (type, id) pairs and one per type on the page for its
records, so five at most with three types. An empty or punctuation-only query, or one the form
refuses, runs none.
"""

import re

from django import forms
from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchRank
from django.db.models import Case, CharField, Count, F, FloatField, Q, TextField, Value, When
from django.db.models.functions import Concat, Replace
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core import widgets
from core.content_language import translation_field, with_translations

from .content import registered
from .search import (
    CONFIGS,
    SEARCH_CONFIG,
    close_query,
    matching,
    search_query,
    uses_postgresql,
)

MAX_QUERY_LENGTH = 200
PAGE_SIZE = 20
SNIPPET_WORDS = 40
# What every result shows; each type's declaration adds its own (an event's dates, ...).
RESULT_FIELDS = ("title", "slug", "summary", "published_at")

# ts_headline marks the words found with these; the text is escaped in Python and only then are
# they turned into <mark> elements. Characters from the Private Use Area: not in the content,
# and harmless if they ever are (see `marked`).
START_SEL, STOP_SEL = "\ue000", "\ue001"
SELECTION = re.compile(f"([{START_SEL}{STOP_SEL}])")
# ts_headline drops whatever its parser takes for an HTML tag ("<b>", "<three>"), which the pages
# show as text: "<" goes in as this character and comes back, escaped, as "&lt;".
LESS_THAN = "\ue002"


def result_types():
    """The content types a search covers, by their code (?type=), in the order of the tabs."""
    return {content.code: content for content in registered()}


# Characters an HTML page may not hold (controls other than white space, noncharacters): the
# query is shown back in the box and in the heading, without them.
NOT_IN_HTML = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")


class QueryInput(widgets.SearchInput):
    def format_value(self, value):
        value = super().format_value(value)
        return NOT_IN_HTML.sub("", value) if value else value


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search for"),
        max_length=MAX_QUERY_LENGTH,
        required=False,
        widget=QueryInput,
        help_text=_("Words in the title or text of case studies, events and publications."),
    )

    def clean_q(self):
        return NOT_IN_HTML.sub("", self.cleaned_data["q"]).strip()


def marked(headline):
    """ts_headline's output, escaped, with its selection marks as <mark> elements. A mark is
    opened only when none is open and closed only when one is: the result is always balanced."""
    parts, is_open = [], False
    for piece in SELECTION.split(headline):
        if piece == START_SEL:
            if not is_open:
                parts.append("<mark>")
                is_open = True
        elif piece == STOP_SEL:
            if is_open:
                parts.append("</mark>")
                is_open = False
        else:
            parts.append(escape(piece).replace(LESS_THAN, "&lt;"))
    if is_open:
        parts.append("</mark>")
    return mark_safe("".join(parts).strip())  # noqa: S308 - all content is escaped above


def highlighted(text, words):
    """`text` escaped, with each occurrence of one of `words` (in any case) in <mark>: the
    snippet where the database has no ts_headline."""
    if not words:
        return escape(text)
    pattern = re.compile(
        "|".join(re.escape(word) for word in sorted(set(words), key=len, reverse=True)),
        re.IGNORECASE,
    )
    parts, position = [], 0
    for match in pattern.finditer(text):
        parts.append(escape(text[position : match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of content is escaped above


def snippet_source(model):
    """The text a result's snippet is drawn from, in the language the result's summary is shown
    in: on a page in English, or for a record without a summary in the page's language, the
    English summary and search text; else the translated summary alone (the search text is
    English, and would put English words under a French summary)."""
    english = Concat("summary", Value("\n"), "search_text", output_field=TextField())
    language = get_language() or settings.LANGUAGE_CODE
    column = translation_field("summary", language)
    if language == settings.LANGUAGE_CODE or column not in {
        field.name for field in model._meta.concrete_fields
    }:
        return english
    return Case(When(~Q(**{column: ""}), then=F(column)), default=english, output_field=TextField())


class Search:
    """One search: the counts by type, and pages of results (a Paginator's object list)."""

    def __init__(self, words, result_type=None, using="default"):
        self.words = words
        self.query = search_query(words) if uses_postgresql(using) else None
        self.all_types = result_types()
        self.types = [result_type] if result_type else list(self.all_types.values())
        self.using = using
        self._counts = None
        # Whether the results read are close matches of the words (nothing matches them).
        self.close_matches = False

    def matching(self, result_type):
        """The published records of `result_type` that match; on PostgreSQL, when no record of
        any type does, those that match closely."""
        queryset = result_type.model._default_manager.published().order_by()
        return matching(queryset, self.words, self.query)

    def rank(self):
        if self.query is not None:
            return SearchRank(F("search_vector"), self.query)
        return Value(0.0, FloatField())

    def counts(self):
        """{type code: how many match}, for every type (the tabs show them all): one query, and
        when nothing matches on PostgreSQL, two more for the close matches: the words close to
        the query's (publishing/search.py, `corrections`), and the counts of a search for
        them, which then stands in for the query."""
        if self._counts is None:
            self._counts = self.count_types()
            if self.query is not None and not any(self._counts.values()):
                queries = close_query(self.words, self.using)
                if queries is not None:
                    searched, self.query = self.query, queries[0]
                    self._counts = self.count_types()
                    self.close_matches = any(self._counts.values())
                    if not self.close_matches:
                        self.query = searched
        return self._counts

    def count_types(self):
        """{type code: how many match}: one query, a UNION of the types' counts."""
        parts = [
            self.matching(result_type)
            .annotate(result_type=Value(result_type.code, CharField()))
            .values("result_type")
            .annotate(matches=Count("pk"))
            .values_list("result_type", "matches")
            for result_type in self.all_types.values()
        ]
        return dict(parts[0].union(*parts[1:], all=True))

    def count(self):
        counts = self.counts()
        return sum(counts.get(result_type.code, 0) for result_type in self.types)

    def __getitem__(self, page):
        """The results in the slice `page`, most relevant (or, off PostgreSQL, newest) first."""
        if not self.count():
            return []
        parts = []
        for result_type in self.types:
            queryset = self.matching(result_type)
            rank = self.rank()
            parts.append(
                queryset.annotate(
                    result_type=Value(result_type.code, CharField()),
                    result_id=F("pk"),
                    result_rank=rank,
                    result_date=F("published_at"),
                ).values_list("result_type", "result_id", "result_rank", "result_date")
            )
        combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        rows = list(
            combined.order_by("-result_rank", "-result_date", "result_type", "result_id")[page]
        )
        return self.results([(code, pk) for code, pk, _rank, _date in rows])

    def results(self, keys):
        """The records named by (type code, id) pairs, in that order, with their snippets: one
        query per type."""
        wanted = {}
        for code, pk in keys:
            wanted.setdefault(code, []).append(pk)
        found = {}
        for code, pks in wanted.items():
            result_type = self.all_types[code]
            queryset = result_type.model._base_manager.filter(pk__in=pks).only(
                *with_translations(result_type.model, *RESULT_FIELDS, *result_type.result_fields)
            )
            if self.query is not None:
                queryset = queryset.annotate(
                    headline=SearchHeadline(
                        Replace(
                            snippet_source(result_type.model),
                            Value("<"),
                            Value(LESS_THAN),
                        ),
                        self.query,
                        config=CONFIGS.get(get_language(), SEARCH_CONFIG),
                        start_sel=START_SEL,
                        stop_sel=STOP_SEL,
                        min_words=12,
                        max_words=25,
                        max_fragments=2,
                        fragment_delimiter=" … ",
                    )
                )
            for record in queryset:
                found[code, record.pk] = record
        results = []
        for code, pk in keys:
            record = found.get((code, pk))
            if record is None:  # deleted between the two queries
                continue
            if self.query is not None and record.headline:
                snippet = marked(record.headline)
            else:
                summary = Truncator(record.texts.summary).words(SNIPPET_WORDS)
                snippet = highlighted(summary, self.words)
            results.append(
                {
                    "type": self.all_types[code],
                    "object": record,
                    "snippet": snippet,
                }
            )
        return results

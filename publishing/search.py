"""Full-text search that every content type shares.

Each content type keeps `search_text`: the words it is found by besides its title and summary
(its other texts and the names of what it links to), so that a search reads one row and joins
nothing. On PostgreSQL, `search_vector` holds title, summary and search text as a weighted
tsvector (A, B, C) behind a GIN index: each word of a query matches as a prefix of a stemmed
word, and results come most relevant first: those whose title holds the words (rank 1), then
the others (rank 0), each newest first (the type's `ranked_order`). Such an order lets a page
be read without ranking every match: each part is read in the order of an index, as far as
the page goes (`ranked_page`); a word that 60,000 case studies hold costs what a rare one does.
Elsewhere (SQLite in development) each word must
appear, in any case, in the title, the summary or the search text.

What a type's search text holds, and what keeps it current, is its declaration
(publishing/content.py).

A search that finds nothing on PostgreSQL tolerates a typo: the records come whose title, in
any language, holds a word close to the query's ("ebolla", "cooperacion"), or that are linked to
a place whose name does ("Kenia": the case studies in Kenya), by pg_trgm's word similarity
behind trigram indexes, closest first (`close_search`). It runs only once the full-text search
has found nothing, which costs the page one query more then (its count), and none otherwise.
Its results have a negative `rank` (`is_close_match`), which the pages say. SQLite has no such
fallback: a search there matches words as they are typed.
"""

import re

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.lookups import TrigramStrictWordSimilar, TrigramWordSimilar
from django.contrib.postgres.search import (
    SearchQuery,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connections
from django.db.models import BooleanField, Case, F, FloatField, Func, Q, Value, When
from django.db.models.expressions import OrderBy

from core.content_language import in_every_language, translation_field, translation_languages

from .content import content_for

# PostgreSQL's text-search configuration (its Snowball stemmer) for the texts in each language:
# "coopérations" finds "coopération" in a French summary. Chinese has none: written without
# spaces, its texts go into the search text as overlapping pairs of characters (cjk_pairs), which
# every configuration keeps as they are, so that "合作" is found inside "南南合作".
CONFIGS = {"en": "english", "ar": "arabic", "es": "spanish", "fr": "french", "ru": "russian"}
SEARCH_CONFIG = CONFIGS["en"]
MAX_WORDS = 10
WORD = re.compile(r"[^\W_]+")  # letters and digits of any script
# Han, kana and hangul: scripts written without spaces between words.
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+")
# Where each word is looked for without full-text search, besides the translations of the type's
# texts: the search text holds the rest.
TEXT_FIELDS = ("title", "summary", "search_text")
WEIGHTS = {"title": "A", "summary": "B"}  # the other texts weigh "C"


def cjk_pairs(text):
    """'南南合作' -> '南南 南合 合作': every run of Chinese (or Japanese, Korean) characters as
    its overlapping pairs; a lone character stays as it is."""
    pairs = []
    for run in CJK.findall(text or ""):
        pairs += [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]
    return " ".join(pairs)


def translated_texts(model):
    """The names of the texts of `model` that have translations (the live model's declaration,
    also for a migration's historical model)."""
    return getattr(content_for(model).model, "translated_fields", ())


def translation_columns(model):
    """{language: [(field, column)]} of the translations `model` has (a migration's historical
    model may have none yet)."""
    present = {field.name for field in model._meta.concrete_fields}
    columns = {}
    for language in translation_languages():
        columns[language] = [
            (name, translation_field(name, language))
            for name in translated_texts(model)
            if translation_field(name, language) in present
        ]
    return columns


def search_vector(model):
    """The weighted tsvector of a record: its English texts and search text, and each
    translation with its language's configuration (Chinese: through the search text)."""
    vector = (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
        + SearchVector("search_text", weight="C", config=SEARCH_CONFIG)
    )
    for language, columns in translation_columns(model).items():
        config = CONFIGS.get(language)
        if config is None:
            continue
        for name, column in columns:
            vector += SearchVector(column, weight=WEIGHTS.get(name, "C"), config=config)
    return vector


def chinese_columns(queryset):
    """The Chinese texts' columns, for an `index_reads()` to load with the rest."""
    return [column for _name, column in translation_columns(queryset.model).get("zh-hans", [])]


def chinese_words(record):
    """The Chinese texts of `record` as character pairs, for its search text."""
    columns = translation_columns(type(record)).get("zh-hans", [])
    return cjk_pairs(" ".join(getattr(record, column, "") or "" for _name, column in columns))


def search_words(value):
    """The words of a query, without punctuation, at most MAX_WORDS of them."""
    return WORD.findall(value or "")[:MAX_WORDS]


def uses_postgresql(queryset_or_alias):
    alias = getattr(queryset_or_alias, "db", queryset_or_alias)
    return connections[alias].vendor == "postgresql"


def query_terms(words):
    """The words of a query as the index holds them: a Chinese word as its character pairs,
    digits or Latin letters joined to it apart."""
    terms = []
    for word in words:
        start = 0
        for run in CJK.finditer(word):
            terms.append(word[start : run.start()])
            terms += cjk_pairs(run.group()).split()
            start = run.end()
        terms.append(word[start:])
    return [term for term in terms if term]


def search_query(words, weights=""):
    """Every word, as a quoted lexeme with a prefix marker (WORD leaves no quote or operator),
    read by each language's configuration: a record matches when all the words match in one of
    its languages; with `weights` ("A": the title), in the texts of those weights only."""
    raw = " & ".join(f"'{term}':*{weights}" for term in query_terms(words))
    query = None
    for config in dict.fromkeys(CONFIGS.values()):
        part = SearchQuery(raw, search_type="raw", config=config)
        query = part if query is None else query | part
    return query


def matching(queryset, words, query=None):
    """The records of `queryset` that match every word: through the search vector when `query`
    (a search_query()) is given, else each word in one of TEXT_FIELDS."""
    if query is not None:
        return queryset.filter(search_vector=query)
    fields = list(TEXT_FIELDS)
    for columns in translation_columns(queryset.model).values():
        fields += [column for _name, column in columns]
    for word in words:
        matches = Q()
        for name in fields:
            matches |= Q(**{f"{name}__icontains": word})
        queryset = queryset.filter(matches)
    return queryset


class AnyOf(Func):
    """`expression = ANY(ARRAY(subquery))`. An uncorrelated subquery runs once (an InitPlan),
    and its ids are looked up in the primary key's index, also as an arm of an OR beside the
    search vector's index; `pk IN (subquery)` in an OR would read the whole table."""

    arg_joiner = " = ANY("
    template = "(%(expressions)s))"
    output_field = BooleanField()


def close_text(words):
    return " ".join(words)


def close_matches(model, words):
    """The condition that selects the records of `model` close to the words: a title in any
    language with a word within pg_trgm's word similarity threshold of the query (`%>`), or a
    link (the type's `close_names`) to a record whose name, in any language, has a word within
    the strict word similarity threshold (`%>>`; the thresholds: sscportal/settings/base.py).
    Each is a subquery through a trigram index, run once."""
    text = close_text(words)
    # No order inside the subqueries: sorting thousands of keys that only fill an array was
    # half of such a search's time.
    subqueries = [
        model._base_manager.filter(TrigramWordSimilar(in_every_language("title"), text))
        .order_by()
        .values("pk")
    ]
    for link in content_for(model).close_names:
        named = model._meta.get_field(link).related_model._base_manager.filter(
            TrigramStrictWordSimilar(in_every_language("name"), text)
        )
        subqueries.append(
            model._base_manager.filter(**{f"{link}__in": named.values("pk")})
            .order_by()
            .values("pk")
        )
    condition = Q()
    for subquery in subqueries:
        condition |= Q(AnyOf(F("pk"), ArraySubquery(subquery)))
    return condition


def closeness(words):
    """A close match's rank: the word similarity of its title less one, below 0 where a
    full-text match's rank is above."""
    return TrigramWordSimilarity(close_text(words), in_every_language("title")) - 1


def is_close_match(record):
    """Whether a search's result (with the `rank` of a search on PostgreSQL) was found as a
    close match of its words, not by full-text search."""
    rank = getattr(record, "rank", None)
    return rank is not None and rank < 0


# Up to this many matches, a search's page ranks them all (ranked_page). Measured at 100,000
# case studies (scripts/bench.py): 3,000 matches ranked all at once took 29 ms, read by parts
# 45 ms; 9,000 took 107 ms at once, 17 ms by parts.
RANKED_ALL = 5000


class TitleFirst(Case):
    """A full-text match's rank: 1 where its title holds every word (`title_query`, the
    query in the texts of weight A), else 0."""

    def __init__(self, title_query):
        super().__init__(
            When(Q(search_vector=title_query), then=Value(1.0)),
            default=Value(0.0),
            output_field=FloatField(),
        )
        self.title_query = title_query


def search(queryset, value):
    """Records matching every word of `value`. On PostgreSQL ranked by relevance (TitleFirst),
    then by the type's `ranked_order` (a sort chosen afterwards replaces that order)."""
    words = search_words(value)
    if not words:
        # Only punctuation: nothing can match it, and it is no reason to show everything.
        return queryset.none() if value and value.strip() else queryset
    if not uses_postgresql(queryset):
        return matching(queryset, words)
    return (
        matching(queryset, words, search_query(words))
        .annotate(rank=TitleFirst(search_query(words, "A")))
        .order_by(F("rank").desc(), *content_for(queryset.model).ranked_order)
    )


def ranked_search(queryset):
    """The TitleFirst rank of `queryset` when it is a search in the order of relevance, else
    None."""
    rank = queryset.query.annotations.get("rank")
    order = queryset.query.order_by
    if not isinstance(rank, TitleFirst) or not order:
        return None
    first = order[0]
    if not (isinstance(first, OrderBy) and first.descending and first.expression == F("rank")):
        return None
    return rank


def ranked_page(queryset, start, stop, count):
    """The records `start` to `stop` of a search in the order of relevance (`ranked_search`)
    that `count` records match, with their keys, rank and what their order reads alone; None
    for any other queryset, and for one whose matches are few enough (RANKED_ALL) to be ranked
    all at once. One query, which reads the first `stop` records of each rank, each part in its
    order (the type's `ranked_order`), which an index gives: ranking every match first would
    read them all (60,000 search vectors for a common word). Where matches are few, an index
    read in that order would pass over most records before it finds them: the planner,
    which cannot tell how few, is not asked to choose."""
    rank = ranked_search(queryset)
    if rank is None or count <= RANKED_ALL:
        return None
    if stop <= start:
        return []
    order = queryset.query.order_by[1:]
    read = {"pk", *(name.lstrip("-") for name in order if isinstance(name, str))}
    parts = [
        records.select_related(None).prefetch_related(None).only(*read).order_by(*order)[:stop]
        for records in (queryset.filter(search_vector=rank.title_query), queryset)
    ]
    # The second part is every match, those of rank 1 too: the first `stop` of them hold
    # enough of rank 0 for the page whatever the first part holds (a NOT of the first part's
    # condition would be as exact, but the planner takes it for one that almost nothing
    # meets, and reads the table). UNION leaves out the rows both parts read.
    combined = parts[0].union(parts[1]).order_by(F("rank").desc(), *order)
    return list(combined[start:stop])


def close_search(queryset, value):
    """The records of `queryset` close to the words of `value` (`close_matches`), closest
    first, for when `search()` found none; None where there is no such search (SQLite, or
    no word in `value`)."""
    words = search_words(value)
    if not words or not uses_postgresql(queryset):
        return None
    return (
        queryset.filter(close_matches(queryset.model, words))
        .annotate(rank=closeness(words))
        .order_by(F("rank").desc(), *content_for(queryset.model).ranked_order)
    )


def has_filter_keys(model):
    """Whether records of `model` keep filter keys (`filter_keys`, made by the type's
    `build_filter_keys`): a migration's historical model may not have them yet."""
    present = {field.name for field in model._meta.concrete_fields}
    return "filter_keys" in present and hasattr(content_for(model).index, "build_filter_keys")


def loading(queryset, name):
    """`queryset` loading the field `name` too, whatever its only() or defer() left out."""
    names, deferred = queryset.query.deferred_loading
    if deferred:
        return queryset.defer(None).defer(*(names - {name})) if name in names else queryset
    return queryset.only(*names, name) if names else queryset


def refresh_search_index(queryset, batch_size=1000):
    """Rebuild the search text (and, on PostgreSQL, the search vector) of the records in
    `queryset`, a batch at a time, and their filter keys where the type keeps them; returns
    how many were refreshed. Works on a migration's historical model as well as on the live
    one."""
    model = queryset.model
    content = content_for(model)
    pks = list(queryset.order_by().values_list("pk", flat=True))
    vector = search_vector(model)
    manager = model._base_manager.using(queryset.db)
    keyed = has_filter_keys(model)
    fields = ["search_text", "filter_keys"] if keyed else ["search_text"]
    for start in range(0, len(pks), batch_size):
        batch = pks[start : start + batch_size]
        changed = []
        records = content.index_reads(manager.filter(pk__in=batch))
        if keyed:
            records = content.index.filter_key_reads(loading(records, "filter_keys"))
        for record in records:
            text = "\n".join(
                part for part in (content.search_text(record), chinese_words(record)) if part
            )
            keys = sorted(content.index.build_filter_keys(record)) if keyed else None
            if text != record.search_text or (keyed and keys != record.filter_keys):
                record.search_text = text
                if keyed:
                    record.filter_keys = keys
                changed.append(record)
        manager.bulk_update(changed, fields, batch_size=500)
        if uses_postgresql(queryset):
            manager.filter(pk__in=batch).update(search_vector=vector)
    return len(pks)

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

A search that finds nothing on PostgreSQL tolerates a typo: each word of the query is
corrected to the words closest to it (pg_trgm's word similarity, behind a trigram index) among
the words of every title in every language and of the names of the places records are found by
(`SearchWord`, written afresh once per content state), and the records a search for those finds
come instead, in the same order (`close_search`): "ebolla" finds what "ebola" does,
"cooperacion" what "cooperation" and "cooperación" do, "Kenia" the case studies in Kenya. It
runs only once the full-text search has found nothing, which costs the page two queries more
then (the corrections and the count), and none otherwise; a query's corrections, like a list's
count, are kept for the content state, so that asked again it costs none. Its results have a
negative `rank` (`is_close_match`), which the pages say. SQLite has no such fallback: a search
there matches words as they are typed.
"""

import re

from django.contrib.postgres.search import (
    SearchQuery,
    SearchVector,
)
from django.db import connections, transaction
from django.db.models import Case, F, FloatField, Q, Value, When
from django.db.models.expressions import OrderBy

from core.choice_cache import cached_result
from core.content_language import translation_field, translation_languages

from .content import content_for, registered

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
    return configured(prefixes(words, weights))


def prefixes(words, weights=""):
    """The raw tsquery of every word as a prefix (a Chinese word as its character pairs)."""
    return " & ".join(f"'{term}':*{weights}" for term in query_terms(words))


def configured(raw):
    """The raw tsquery `raw` as each language's configuration reads it, any of them."""
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


# A mistyped word is corrected to at most this many words, the closest; a word shorter than
# MIN_CLOSE_WORD has too few trigrams to be compared.
CORRECTIONS = 5
MIN_CLOSE_WORD = 3
MAX_CLOSE_WORD = 100  # SearchWord.word's length
SEARCH_WORDS_LOCK = 0x55_43_53_57  # the advisory lock of refresh_search_words

# The words closest to each word of a query (numbered from 1, `n`): a title's word within
# pg_trgm's word similarity threshold of it (`<%`), a name's within the strict word similarity
# threshold (`<<%`; the thresholds: sscportal/settings/base.py), each through the trigram index.
CORRECTIONS_SQL = """
SELECT "n", "word" FROM (
    SELECT "query"."n", "close"."word", ROW_NUMBER() OVER (
        PARTITION BY "query"."n"
        ORDER BY word_similarity("query"."w", "close"."word") DESC, "close"."word"
    ) AS "place"
    FROM unnest(%s::text[]) WITH ORDINALITY AS "query" ("w", "n")
    JOIN (
        SELECT "query"."n" AS "n", "words"."word" AS "word"
        FROM unnest(%s::text[]) WITH ORDINALITY AS "query" ("w", "n")
        JOIN "publishing_searchword" AS "words"
            ON "words"."in_title" AND "query"."w" <%% "words"."word"
        UNION
        SELECT "query"."n", "words"."word"
        FROM unnest(%s::text[]) WITH ORDINALITY AS "query" ("w", "n")
        JOIN "publishing_searchword" AS "words"
            ON "words"."in_name" AND "query"."w" <<%% "words"."word"
    ) AS "close" ON "close"."n" = "query"."n"
) AS "ranked"
WHERE "place" <= %s
"""


def word_sources():
    """(model, text, whether it is a title) for every text the search words come from: each
    type's title and the name of what its `close_names` link to, once each."""
    sources = {}
    for content in registered():
        sources[content.model, "title"] = True
        for link in content.close_names:
            sources[content.model._meta.get_field(link).related_model, "name"] = False
    return [(model, name, is_title) for (model, name), is_title in sources.items()]


def refresh_search_words(using="default"):
    """Write the search words (SearchWord) afresh: every word, as PostgreSQL's "simple"
    configuration reads it (lower case), of the titles of every type in every language, and of
    the names they are found by. One statement for all; at 100,000 case studies, under a
    second. PostgreSQL only."""
    connection = connections[using]
    quote = connection.ops.quote_name
    selects = []
    for model, name, is_title in word_sources():
        present = {field.name: field.column for field in model._meta.concrete_fields}
        names = [name] + [translation_field(name, language) for language in translation_languages()]
        columns = ", ".join(quote(present[text]) for text in names if text in present)
        # Names of tables and columns from the models, quoted; no value from a request.
        selects.append(
            f"SELECT lexeme, {is_title} AS in_title, {not is_title} AS in_name "  # noqa: S608
            f"FROM {quote(model._meta.db_table)}, "
            f"unnest(to_tsvector('simple', concat_ws(' ', {columns})))"
        )
    with transaction.atomic(using=using), connection.cursor() as cursor:
        # One process at a time writes them (two DELETEs of every row could deadlock).
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEARCH_WORDS_LOCK])
        cursor.execute('DELETE FROM "publishing_searchword"')
        cursor.execute(
            'INSERT INTO "publishing_searchword" ("word", "in_title", "in_name") '  # noqa: S608
            "SELECT lexeme, bool_or(in_title), bool_or(in_name) "
            f"FROM ({' UNION ALL '.join(selects)}) AS words "
            "WHERE char_length(lexeme) BETWEEN %s AND %s GROUP BY lexeme "
            'ON CONFLICT ("word") DO UPDATE SET "in_title" = EXCLUDED."in_title", '
            '"in_name" = EXCLUDED."in_name"',
            [MIN_CLOSE_WORD, MAX_CLOSE_WORD],
        )


def corrections(words, using="default"):
    """For each word of a query, the search words closest to it (at most CORRECTIONS, closest
    first), or None when one of them has none. The search words are written afresh once per
    content state, by the first request that needs them (others meanwhile use the last ones);
    the corrections of a query are kept for the content state, as the words they come from."""
    cached_result("search-words", (), lambda: refresh_search_words(using) or True, stale_ok=True)
    lowered = [word.lower() for word in words]
    return cached_result("corrections", (using, *lowered), lambda: closest_words(lowered, using))


def closest_words(lowered, using):
    with connections[using].cursor() as cursor:
        cursor.execute(CORRECTIONS_SQL, [lowered, lowered, lowered, CORRECTIONS])
        rows = cursor.fetchall()
    found = {}
    for number, word in rows:
        if WORD.fullmatch(word):
            found.setdefault(number, []).append(word)
    if len(found) < len(lowered):
        return None
    return [found[number] for number in range(1, len(lowered) + 1)]


def alternatives_query(alternatives, weights=""):
    """search_query() of words that each may be any of its alternatives."""
    return configured(
        " & ".join(
            "(" + " | ".join(f"({prefixes([word], weights)})" for word in words) + ")"
            for words in alternatives
        )
    )


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
    """A full-text match's rank: `base` + 1 where its title holds every word (`title_query`,
    the query in the texts of weight A), else `base`."""

    def __init__(self, title_query, base=0.0):
        super().__init__(
            When(Q(search_vector=title_query), then=Value(base + 1.0)),
            default=Value(base),
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


def ranked_page(page, count):
    """The records of `page`, a slice of a search in the order of relevance (`ranked_search`)
    that `count` records match, with their keys, rank and what their order reads alone; None
    for any other queryset, and for one whose matches are few enough (RANKED_ALL) to be ranked
    all at once. One query, which reads the first `stop` records of each rank, each part in its
    order (the type's `ranked_order`), which an index gives: ranking every match first would
    read them all (60,000 search vectors for a common word). Where matches are few, an index
    read in that order would pass over most records before it finds them: the planner,
    which cannot tell how few, is not asked to choose."""
    rank = ranked_search(page)
    if rank is None or count <= RANKED_ALL:
        return None
    start, stop = page.query.low_mark, page.query.high_mark
    if stop <= start:
        return []
    queryset = page.all()
    queryset.query.clear_limits()
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


def can_search_closely(queryset, value):
    """Whether `close_search` looks for the close matches of `value`: words on PostgreSQL."""
    return bool(search_words(value)) and uses_postgresql(queryset)


def close_query(words, using="default"):
    """The query of the close matches of `words` (each word any of its `corrections`) and
    the same in titles only, or None when a word has nothing close to it."""
    alternatives = corrections(words, using)
    if alternatives is None:
        return None
    return alternatives_query(alternatives), alternatives_query(alternatives, "A")


def close_search(queryset, value):
    """The records of `queryset` close to the words of `value`, for when `search()` found
    none: those a search for the words each is closest to finds (`corrections`: "ebolla" is
    searched as "ebola", "Kenia" as "kenya", which finds the case studies in Kenya), in the
    same order, their rank below 0 (`is_close_match`). None where there is no such search
    (SQLite, or no word in `value`)."""
    if not can_search_closely(queryset, value):
        return None
    queries = close_query(search_words(value), queryset.db)
    if queries is None:
        return queryset.none()
    query, title_query = queries
    return (
        matching(queryset, [], query)
        .annotate(rank=TitleFirst(title_query, base=-2.0))
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

"""Full-text search that every content type shares.

Each searchable model keeps `search_text`: the words it is found by besides its title and
summary (its other texts and the names of what it links to), so that a search reads one row and
joins nothing. On PostgreSQL, `search_vector` holds title, summary and search text as a weighted
tsvector (A, B, C) behind a GIN index: each word of a query matches as a prefix of a stemmed
word, and results come most relevant first. Elsewhere (SQLite in development) each word must
appear, in any case, in one of the model's text fields.

Each app says what its records are found by (`build_search_text`) and keeps the index in step
with its data (signals, admin, `load_portal_content`).
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import F, Q
from django.db.models.signals import m2m_changed, post_save

SEARCH_CONFIG = "english"
MAX_WORDS = 10
WORD = re.compile(r"[^\W_]+")  # letters and digits of any script

SEARCH_VECTOR = (
    SearchVector("title", weight="A", config=SEARCH_CONFIG)
    + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
    + SearchVector("search_text", weight="C", config=SEARCH_CONFIG)
)


def search_words(value):
    """The words of a query, without punctuation, at most MAX_WORDS of them."""
    return WORD.findall(value or "")[:MAX_WORDS]


def uses_postgresql(queryset_or_alias):
    alias = getattr(queryset_or_alias, "db", queryset_or_alias)
    return connections[alias].vendor == "postgresql"


def search_query(words):
    """Every word, as a quoted lexeme with a prefix marker; WORD leaves no quote or operator."""
    return SearchQuery(
        " & ".join(f"'{word}':*" for word in words), search_type="raw", config=SEARCH_CONFIG
    )


def search(queryset, value, *, text_fields, ranked_order):
    """Records matching every word of `value`. On PostgreSQL ranked by relevance, then by
    `ranked_order` (a sort chosen afterwards replaces that order); elsewhere each word must
    appear in one of `text_fields`."""
    words = search_words(value)
    if not words:
        # Only punctuation: nothing can match it, and it is no reason to show everything.
        return queryset.none() if value and value.strip() else queryset
    if uses_postgresql(queryset):
        query = search_query(words)
        return (
            queryset.filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by(F("rank").desc(nulls_last=True), *ranked_order)
        )
    for word in words:
        matches = Q()
        for field in text_fields:
            matches |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(matches)
    return queryset


def refresh_search_index(queryset, build_search_text, *, prepare, batch_size=1000):
    """Rebuild the search text (and, on PostgreSQL, the search vector) of the records in
    `queryset`, a batch at a time; returns how many were refreshed. `prepare(queryset)` adds the
    `only()`, `select_related()` and `prefetch_related()` that `build_search_text` reads. Works
    on a migration's historical model as well as on the live one."""
    model = queryset.model
    pks = list(queryset.order_by().values_list("pk", flat=True))
    manager = model._base_manager.using(queryset.db)
    for start in range(0, len(pks), batch_size):
        batch = pks[start : start + batch_size]
        changed = []
        for record in prepare(manager.filter(pk__in=batch)):
            text = build_search_text(record)
            if text != record.search_text:
                record.search_text = text
                changed.append(record)
        manager.bulk_update(changed, ["search_text"], batch_size=500)
        if uses_postgresql(queryset):
            manager.filter(pk__in=batch).update(search_vector=SEARCH_VECTOR)
    return len(pks)


def follow_links(model, refresh_search_index, *, linked=(), named=None):
    """Keep `model`'s search index current when what its search text names changes.

    `linked`: many-to-many fields whose targets' names are in the text; adding, removing or
    clearing links, from either side, refreshes the records concerned. `named`: {model of the
    named objects: [lookups from `model` to them]}; renaming one refreshes the records that
    name it. Saving the record itself is the app's own signal, since what counts differs.
    """

    def refresh(pks, using):
        if pks:
            refresh_search_index(model._base_manager.using(using).filter(pk__in=pks))

    def links_changed(sender, instance, action, reverse, pk_set, using, **kwargs):
        field = through_fields[sender]
        if reverse and action == "pre_clear":
            # target.records.clear(): afterwards nothing says which records it had.
            links = sender.objects.using(using).filter(
                **{field.m2m_reverse_field_name(): instance.pk}
            )
            instance._search_cleared = set(
                links.values_list(f"{field.m2m_field_name()}_id", flat=True)
            )
        elif action in {"post_add", "post_remove", "post_clear"}:
            if not reverse:
                refresh([instance.pk], using)
            elif action == "post_clear":
                refresh(instance.__dict__.pop("_search_cleared", set()), using)
            else:  # target.records.add(...): the records are in pk_set
                refresh(pk_set, using)

    through_fields = {}
    for name in linked:
        field = model._meta.get_field(name)
        through_fields[field.remote_field.through] = field
        m2m_changed.connect(
            links_changed,
            sender=field.remote_field.through,
            weak=False,
            dispatch_uid=f"search-links-{model._meta.label}-{name}",
        )

    for other, lookups in (named or {}).items():

        def renamed(sender, instance, created, raw, using, lookups=lookups, **kwargs):
            if raw or created:
                return
            matches = Q()
            for lookup in lookups:
                matches |= Q(**{lookup: instance})
            named_by = model._base_manager.using(using).filter(matches)
            refresh(set(named_by.values_list("pk", flat=True)), using)

        post_save.connect(
            renamed,
            sender=other,
            weak=False,
            dispatch_uid=f"search-names-{model._meta.label}-{other._meta.label}",
        )

"""The search every content type shares (publishing/search.py), checked on each type's list: on
PostgreSQL, a query's quotes and operators are only words, and the search vector has a GIN index
that the planner uses."""

import pytest
from django.db import connection

from devtools.samples import needs_postgresql, titles_found
from initiatives.models import Initiative
from publications.models import Publication
from publishing.search import search

pytestmark = [pytest.mark.django_db, needs_postgresql]


@pytest.mark.parametrize(
    ("factory", "list_url"),
    [("make_initiative", "/initiatives/"), ("make_publication", "/publications/")],
    ids=["case studies", "publications"],
)
def test_quotes_and_operators_in_a_query_are_only_words(client, request, factory, list_url):
    request.getfixturevalue(factory)("Water for Côte d'Ivoire")

    for query in ["d'Ivoire", "Ivoire & !water", "water | (côte", "'water':*", "\\water"]:
        assert titles_found(client, list_url, query) == ["Water for Côte d'Ivoire"], query


@pytest.mark.parametrize(
    ("factory", "model", "index"),
    [
        ("make_initiative", Initiative, "initiative_search_idx"),
        ("make_publication", Publication, "publication_search_idx"),
    ],
    ids=["case studies", "publications"],
)
def test_the_search_vector_has_a_gin_index_that_the_planner_uses(request, factory, model, index):
    request.getfixturevalue(factory)("Anything")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [index])
        (definition,) = cursor.fetchone()
        assert "USING gin (search_vector)" in definition
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = search(model.objects.all(), "anything").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan

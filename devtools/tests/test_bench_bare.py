"""The bare Django ceiling of the benchmarks answers its one constant view."""

import pytest


@pytest.mark.urls("devtools.bench_bare")
@pytest.mark.django_db
def test_the_bare_ceiling_is_one_constant_view_without_the_database(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/bench/ceiling/")

    assert response.status_code == 200
    assert response.content == b"ceiling\n"

"""/health/live (the process answers) and /health/ready (the database and the cache answer):
their JSON and status for each case, with the database and Redis really out of reach."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse

from core.cache import forget_faults
from devtools.servers import free_port

DATABASE_DOWN = mock.patch(
    "django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection",
    side_effect=OperationalError("could not connect to server: Connection refused"),
)


@pytest.fixture(autouse=True)
def _fresh_fault_records():
    forget_faults()
    yield
    forget_faults()


def redis_cache(location, backend="core.cache.FailsafeRedisCache"):
    return {"default": {"BACKEND": backend, "LOCATION": location}}


def assert_never_cached(response):
    assert "no-store" in response["Cache-Control"]
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("url", ["/health/live", "/health/live/"])
def test_live_says_ok_without_asking_anything(client, url):
    response = client.get(url)  # no django_db mark: a query would fail the test

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}
    assert_never_cached(response)


def test_live_says_ok_with_the_database_and_the_cache_gone(client, settings):
    settings.CACHES = redis_cache(f"redis://127.0.0.1:{free_port()}/0")

    with DATABASE_DOWN:
        response = client.get("/health/live")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/health/ready", "/health/ready/"])
def test_ready_with_the_database_and_a_local_memory_cache(client, url):
    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "up", "cache": "up"}
    assert_never_cached(response)


def test_ready_is_503_with_the_database_down(client):
    with DATABASE_DOWN:
        response = client.get("/health/ready")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "down", "cache": "up"}
    assert_never_cached(response)


@pytest.mark.django_db
def test_ready_follows_redis_going_and_coming_back(client, settings, redis_server):
    settings.CACHES = redis_cache(redis_server.url)
    assert client.get("/health/ready").json()["cache"] == "up"

    redis_server.kill()
    down = client.get("/health/ready")
    client.get("/")  # pages still answer meanwhile, without the cache
    redis_server.start()
    back = client.get("/health/ready")  # at once: the check asks Redis itself

    assert down.status_code == 503
    assert down.json() == {"status": "unavailable", "database": "up", "cache": "down"}
    assert back.status_code == 200
    assert back.json() == {"status": "ok", "database": "up", "cache": "up"}


@pytest.mark.django_db
def test_ready_is_503_when_another_cache_backend_fails(client, settings):
    """A backend without a ping is checked by writing and reading a key."""
    settings.CACHES = redis_cache(
        f"redis://127.0.0.1:{free_port()}/0", backend="django.core.cache.backends.redis.RedisCache"
    )

    response = client.get("/health/ready")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "up", "cache": "down"}


def test_ready_is_503_with_both_down(client, settings):
    settings.CACHES = redis_cache(f"redis://127.0.0.1:{free_port()}/0")

    with DATABASE_DOWN:
        response = client.get("/health/ready")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "down", "cache": "down"}


@pytest.mark.django_db
def test_the_health_addresses_have_no_language_prefix_and_answer_only_reads(client):
    assert reverse("health_live") == "/health/live"
    assert reverse("health_ready") == "/health/ready"
    for url in ("/fr/health/live", "/fr/health/ready/", "/health/live/extra"):
        assert client.get(url).status_code == 404
    for url in ("/health/live", "/health/ready"):
        assert client.head(url).status_code == 200
        assert client.post(url).status_code == 405
    # The database-only check stays as it was.
    assert client.get("/health/").json() == {"status": "ok"}

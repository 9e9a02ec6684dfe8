"""Health endpoints for load balancers, orchestrators and monitoring. Outside the language
prefixes, never cached.

- /health/: the database answers (200) or not (503).
- /health/live: the process answers; nothing else is asked. A failure means "restart it".
- /health/ready: the database and the cache both answer. A failure means "send no traffic for
  now"; it passes by itself when they are back. The JSON says which one failed:
  {"status": "unavailable", "database": "up", "cache": "down"}.

/health/live and /health/ready answer with and without the trailing slash, without a redirect:
probes are written either way, and some do not follow redirects.
"""

import uuid

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
def health(request):
    """For load balancers and monitoring: 200 when the database answers, 503 when it does not."""
    if database_state() == "down":
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def live(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def ready(request):
    states = {"database": database_state(), "cache": cache_state()}
    up = all(state == "up" for state in states.values())
    return JsonResponse(
        {"status": "ok" if up else "unavailable", **states}, status=200 if up else 503
    )


def database_state():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means "down"
        return "down"
    return "up"


def cache_state():
    """ "up" when every configured cache answers. One in the process's own memory always does."""
    answering = all(cache_answers(caches[alias]) for alias in settings.CACHES)
    return "up" if answering else "down"


def cache_answers(cache):
    if isinstance(cache, LocMemCache | DummyCache):
        return True
    if hasattr(cache, "ping"):  # core.cache.FailsafeRedisCache: asks Redis, even while it fails
        return cache.ping()
    key = f"portal:health:{uuid.uuid4().hex}"
    try:
        cache.set(key, key, 10)
        answered = cache.get(key) == key
        cache.delete(key)
    except Exception:  # noqa: BLE001 - any cache failure means "down"
        return False
    return answered

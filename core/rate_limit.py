"""Counting requests per key in fixed time windows, in the default cache (Redis in production,
shared by every worker).

A window is `seconds` long and starts at a multiple of `seconds` since the epoch; its counter is
created and raised atomically (in Redis in one transaction, `FailsafeRedisCache.count_hit`;
elsewhere with `cache.add` and `cache.incr`), so parallel requests never both take the last
place. A burst may straddle two windows and pass up to twice the limit
in a short time: the limits are set with that in mind.

If the cache cannot be reached, every request is let through and the failure logged: the limits
protect the portal from abuse, and must not take registration down with the cache.
"""

import hashlib
import logging
import math
import time
from dataclasses import dataclass

from django.core.cache import cache

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    """At most `count` requests per key in each window of `seconds`."""

    name: str
    count: int
    seconds: int

    def _cache_key(self, key, window):
        digest = hashlib.sha256(str(key).encode()).hexdigest()[:32]
        return f"rate:{self.name}:{digest}:{window}"

    def hit(self, key):
        """Count one request for `key`. None while within the limit; over it, the seconds until
        the next window starts (for Retry-After)."""
        now = time.time()
        window = int(now // self.seconds)
        cache_key = self._cache_key(key, window)
        # The counter outlives its window a little, so that a clock between workers that is
        # slightly behind still finds it.
        lasts = self.seconds + 60
        count_hit = getattr(cache, "count_hit", None)
        try:
            if count_hit is not None:  # Redis: one round trip
                count = count_hit(cache_key, lasts)
            else:
                cache.add(cache_key, 0, lasts)
                try:
                    count = cache.incr(cache_key)
                except ValueError:
                    # Expired between add and incr: this request starts the count.
                    cache.add(cache_key, 1, lasts)
                    count = 1
        except Exception:
            logger.exception("Rate limit %s not applied: the cache cannot be reached", self.name)
            return None
        if count is None:  # Redis fails (FailsafeRedisCache logs it)
            logger.warning("Rate limit %s not applied: the cache cannot be reached", self.name)
            return None
        if count <= self.count:
            return None
        return max(1, math.ceil((window + 1) * self.seconds - now))

"""How many requests a client may make: the portal's own fixed-window counters
(core/rate_limit.py, in the shared cache), by client address, answered with 429 and Retry-After
by Django REST framework."""

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from core.client import client_ip_for_limits
from core.rate_limit import Limit


class ClientThrottle(BaseThrottle):
    def allow_request(self, request, view):
        limit = Limit("api-client", settings.API_RATE_LIMIT_PER_MINUTE, 60)
        self.retry_after = limit.hit(client_ip_for_limits(request))
        return self.retry_after is None

    def wait(self):
        return self.retry_after

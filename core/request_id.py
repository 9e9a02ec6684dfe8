"""One id per request, on every log line written while it is served and in its answer's
X-Request-ID header, so that a visitor's report, the proxy's log, gunicorn's access log and the
portal's own lines can be matched.

An id sent by the proxy in front (X-Request-ID) is kept when it is a plain token (letters,
digits and hyphens, at most 64 characters, not starting with a hyphen); anything else is
replaced by a new one (uuid4, hex), so that no header can write what it likes into the logs.
"""

import logging
import re
import uuid
from contextvars import ContextVar

from asgiref.sync import iscoroutinefunction, markcoroutinefunction

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
NO_REQUEST = "-"
SANE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,63}")

_request_id = ContextVar("request_id", default=NO_REQUEST)


def current_request_id():
    """The id of the request being served, "-" outside a request."""
    return _request_id.get()


def request_id_for(request):
    offered = request.META.get(META_KEY, "")
    return offered if SANE.fullmatch(offered) else uuid.uuid4().hex


class RequestIdMiddleware:
    """Outermost in MIDDLEWARE, so that every other middleware's lines carry the id too."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.is_async:
            return self.__acall__(request)
        request.request_id = request_id_for(request)
        token = _request_id.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response[HEADER] = request.request_id
        return response

    async def __acall__(self, request):
        request.request_id = request_id_for(request)
        token = _request_id.set(request.request_id)
        try:
            response = await self.get_response(request)
        finally:
            _request_id.reset(token)
        response[HEADER] = request.request_id
        return response


class RequestIdFilter(logging.Filter):
    """Gives every log record `request_id` (for the formatter in settings.LOGGING). Django logs
    a 4xx answer after the middleware has returned, but names the request on the record."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            request_id = _request_id.get()
            if request_id == NO_REQUEST:
                request_id = getattr(getattr(record, "request", None), "request_id", NO_REQUEST)
            record.request_id = request_id
        return True

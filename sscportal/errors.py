"""The portal's answer to a failure it could not handle (sscportal/urls.py names it handler500).

A database that cannot be reached, or a connection to it lost halfway, is an outage that passes:
the visitor is told the portal is briefly unavailable and when to try again (503, Retry-After),
and nothing keeps the answer (no-store). Django calls this handler for an error raised anywhere,
in a view, in template rendering or in a middleware (the sessions read the database), so every
page answers the same way. Any other error is a fault of the portal: the 500 page, as before.
"""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils import translation
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

PLAIN_TEXT = "The portal is briefly unavailable. Please try again in a minute.\n"


def database_unavailable(error):
    """Whether `error`, or an error it was raised from, says the database cannot be reached or
    went away (Django's OperationalError and InterfaceError: refused or lost connections, and
    the passing troubles of a busy database, such as a lock it could not take in time)."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, OperationalError | InterfaceError):
            return True
        seen.add(id(error))
        error = error.__cause__
    return False


@requires_csrf_token
def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: 503 while the database is out of reach, the 500 page otherwise."""
    error = sys.exc_info()[1]
    if database_unavailable(error):
        return unavailable(request, error)
    return defaults.server_error(request, template_name)


def unavailable(request, error):
    """The 503 page, in the language of the address, rendered without the database."""
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            response = HttpResponse(loader.get_template("503.html").render(), status=503)
    except Exception:  # noqa: BLE001 - the visitor gets an answer whatever the template does
        logger.exception("The 503 page could not be rendered")
        response = HttpResponse(PLAIN_TEXT, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(settings.PORTAL_UNAVAILABLE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    logger.error(
        "Database unavailable, answered 503: %s %s",
        request.method,
        request.path,
        exc_info=error,
        extra={"status_code": 503, "request": request},
    )
    # Logged here, with what happened: Django's own "Service Unavailable" line would repeat it.
    response._has_been_logged = True
    return response

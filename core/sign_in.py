"""Failed sign-ins (django-axes, configured in settings): how they count and the page a locked-out
client gets.

Two things are counted, each over the cool-off time: failures for one account from one client
address, which lock that account from that client after AXES_FAILURE_LIMIT (someone guessing one
password), and failures from one client for any accounts, which lock the client after
SIGN_IN_FAILURE_LIMIT_PER_CLIENT (someone trying many accounts). An account is never locked for
everybody: whoever guesses at it from elsewhere cannot keep its owner out.
"""

import math

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import (
    get_client_username,
    get_cool_off,
    get_failure_limit,
    get_lockout_parameters,
)
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.db.models import Sum
from django.shortcuts import render
from django.utils.translation import gettext as _

CLIENT_ONLY = "ip_address"


class SignInAttemptHandler(AxesDatabaseHandler):
    """Axes' database records, with a limit of its own for the client address counted alone."""

    def get_failures(self, request, credentials=None):
        """How close the request is to its nearest lockout, in failures of one account from one
        client: each count is scaled from its own limit to AXES_FAILURE_LIMIT, which axes then
        compares it with."""
        limit = get_failure_limit(request, credentials)
        parameters = get_lockout_parameters(request, credentials)
        nearest = 0
        for parameter, attempts in zip(
            parameters, self.get_user_attempts(request, credentials), strict=True
        ):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            if parameter == CLIENT_ONLY:
                failures = failures * limit // settings.SIGN_IN_FAILURE_LIMIT_PER_CLIENT
            nearest = max(nearest, failures)
        return nearest

    def reset_user_attempts(self, request, credentials=None):
        """A successful sign-in clears that account's failures from that client only: it says
        nothing about the other accounts tried from the same address."""
        count, _deleted = AccessAttempt.objects.filter(
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
        ).delete()
        return count


def lockout_minutes(request=None):
    return math.ceil(get_cool_off(request).total_seconds() / 60)


def lockout_response(request, original_response=None, credentials=None):
    """The lockout page, in the admin's layout: 429 with Retry-After (the cool-off time)."""
    cool_off = get_cool_off(request)
    context = {
        **admin.site.each_context(request),
        "title": _("Sign-in locked"),
        "minutes": lockout_minutes(request),
    }
    response = render(
        request, settings.AXES_LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response

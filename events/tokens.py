"""Signed links for registrants: confirm (expires) and manage/cancel (valid while it matters).

A token is the registration's id signed with the site's secret key and a salt per purpose, so a
confirm token cannot be used to cancel and no token can be forged or altered. Nothing is stored.
"""

from django.conf import settings
from django.core import signing

CONFIRM = "confirm"
MANAGE = "manage"


def make_token(registration, purpose):
    return signing.dumps(registration.pk, salt=f"events.registration.{purpose}", compress=False)


def read_token(token, purpose):
    """The registration id in a valid token, or None for a tampered, expired or foreign one."""
    max_age = settings.EVENTS_CONFIRM_LINK_MAX_AGE if purpose == CONFIRM else None
    try:
        value = signing.loads(token, salt=f"events.registration.{purpose}", max_age=max_age)
    except signing.BadSignature:  # SignatureExpired is a BadSignature too
        return None
    return value if isinstance(value, int) else None


def is_expired(token, purpose):
    """True when the token was genuine but is too old: the page can say so and offer help."""
    try:
        signing.loads(
            token,
            salt=f"events.registration.{purpose}",
            max_age=settings.EVENTS_CONFIRM_LINK_MAX_AGE,
        )
    except signing.SignatureExpired:
        return True
    except signing.BadSignature:
        return False
    return False

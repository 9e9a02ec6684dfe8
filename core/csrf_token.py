"""A visitor's CSRF token, made as Django's `get_token` makes it, with fewer calls for randomness.

Django draws each of the 64 characters of a new secret and its mask with its own `secrets.choice`
call; for a page answered from the page cache (core/page_cache.py) to a visitor without a CSRF
cookie, that costs more than the rest of the answer. `token_for` draws the same characters, just as
uniformly and from the same source (the operating system's random bytes), a few dozen bytes at a
time, and leaves the request as `get_token` does: the secret in request.META["CSRF_COOKIE"], and
CSRF_COOKIE_NEEDS_UPDATE set so that CsrfViewMiddleware sends the cookie. The token it returns is
checked by CsrfViewMiddleware like any other.
"""

import secrets

from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH

ALPHABET = CSRF_ALLOWED_CHARS
# The largest multiple of the alphabet's length that a byte can hold: bytes from it up are
# dropped, so that every character is drawn with the same chance.
UNIFORM_BELOW = 256 - 256 % len(ALPHABET)
INDEX = {character: position for position, character in enumerate(ALPHABET)}


def random_string(length):
    """`length` characters of ALPHABET, each drawn uniformly from the system's random source."""
    drawn = []
    while len(drawn) < length:
        drawn.extend(
            ALPHABET[byte % len(ALPHABET)]
            for byte in secrets.token_bytes(length + 8)
            if byte < UNIFORM_BELOW
        )
    return "".join(drawn[:length])


def masked(secret):
    """The secret under a fresh random mask: mask + cipher, as CsrfViewMiddleware unmasks it."""
    mask = random_string(CSRF_SECRET_LENGTH)
    size = len(ALPHABET)
    cipher = "".join(
        ALPHABET[(INDEX[s] + INDEX[m]) % size] for s, m in zip(secret, mask, strict=True)
    )
    return mask + cipher


def token_for(request):
    """What `django.middleware.csrf.get_token(request)` returns, with the same side effects."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        secret = random_string(CSRF_SECRET_LENGTH)
        request.META["CSRF_COOKIE"] = secret
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    return masked(secret)

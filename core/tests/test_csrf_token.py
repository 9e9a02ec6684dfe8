"""core/csrf_token.py: tokens that Django's CSRF check accepts, drawn uniformly."""

from collections import Counter

from django.http import HttpResponse
from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    CSRF_SECRET_LENGTH,
    CsrfViewMiddleware,
    _unmask_cipher_token,
)
from django.test import RequestFactory

from core.csrf_token import masked, random_string, token_for


def test_random_strings_have_the_length_and_the_alphabet_asked_for():
    for length in (1, 32, 200):
        drawn = random_string(length)
        assert len(drawn) == length
        assert set(drawn) <= set(CSRF_ALLOWED_CHARS)


def test_every_character_is_drawn_about_as_often():
    counts = Counter(random_string(62 * 1000))
    expected = 1000
    assert set(counts) == set(CSRF_ALLOWED_CHARS)
    # Far outside chance for a uniform draw (about 10 standard deviations).
    assert max(abs(count - expected) for count in counts.values()) < 320


def test_a_masked_secret_unmasks_to_the_secret_and_differs_each_time():
    secret = random_string(CSRF_SECRET_LENGTH)
    first, second = masked(secret), masked(secret)
    assert first != second
    assert _unmask_cipher_token(first) == _unmask_cipher_token(second) == secret


def post_with(token, secret):
    request = RequestFactory().post(
        "/", {"csrfmiddlewaretoken": token}, headers={"cookie": f"csrftoken={secret}"}
    )
    middleware = CsrfViewMiddleware(lambda request: HttpResponse("ok"))
    middleware.process_request(request)
    return middleware.process_view(request, lambda request: HttpResponse("ok"), (), {})


def test_a_new_visitor_gets_a_secret_for_the_cookie_and_a_token_the_check_accepts():
    request = RequestFactory().get("/")
    token = token_for(request)
    secret = request.META["CSRF_COOKIE"]
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True
    assert _unmask_cipher_token(token) == secret

    assert post_with(token, secret) is None  # accepted
    refused = post_with(token, random_string(CSRF_SECRET_LENGTH))
    assert refused.status_code == 403


def test_a_visitor_with_a_secret_keeps_it():
    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE"] = secret = random_string(CSRF_SECRET_LENGTH)
    assert _unmask_cipher_token(token_for(request)) == secret
    assert request.META["CSRF_COOKIE"] == secret

"""Request ids: each answer carries one in X-Request-ID, a sane id from the proxy is kept, any
other is replaced, and every line the portal logs while serving the request carries it."""

import io
import logging
import re

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.test import AsyncClient

from core.request_id import RequestIdFilter, current_request_id
from sscportal.settings import base

UUID_HEX = re.compile(r"[0-9a-f]{32}")


def test_the_middleware_is_the_outermost():
    assert settings.MIDDLEWARE[0] == "core.request_id.RequestIdMiddleware"


@pytest.mark.django_db
def test_every_answer_carries_a_new_id(client):
    first = client.get("/")
    second = client.get("/no-such-page/")

    assert first.status_code == 200 and second.status_code == 404
    assert UUID_HEX.fullmatch(first["X-Request-ID"])
    assert UUID_HEX.fullmatch(second["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.parametrize(
    "offered", ["a1b2c3", "0f8fad5b-d9cb-469f-a165-70867728950e", "X" * 64, "ABC-def-123"]
)
def test_a_sane_id_from_the_proxy_is_kept(client, offered):
    response = client.get("/health/live", headers={"x-request-id": offered})

    assert response["X-Request-ID"] == offered


@pytest.mark.parametrize(
    "offered",
    [
        "",
        "X" * 65,
        "has space",
        "semi;colon",
        "new\nline",
        "under_score",
        "dots.and.more",
        "ünïcode",
        "%0d%0aSet-Cookie: x=1",
        "-",
        "-leading-hyphen",
    ],
)
def test_any_other_id_is_replaced(client, offered):
    response = client.get("/health/live", headers={"x-request-id": offered})

    assert UUID_HEX.fullmatch(response["X-Request-ID"])


def test_outside_a_request_the_id_is_a_dash(client):
    client.get("/health/live", headers={"x-request-id": "kept-for-the-request"})

    assert current_request_id() == "-"


@pytest.fixture
def portal_log():
    """The portal's log handler (settings.base.LOGGING: its filter and format), on the root
    logger; the test settings log nothing."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(logging.Formatter(base.LOGGING["formatters"]["portal"]["format"]))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


@pytest.mark.django_db
def test_lines_logged_during_a_request_carry_its_id(client, portal_log):
    response = client.get("/no-such-page/", headers={"x-request-id": "trace-404"})
    logging.getLogger("portal.test").warning("after the request")

    lines = portal_log.getvalue().splitlines()
    assert response["X-Request-ID"] == "trace-404"
    assert any(
        re.fullmatch(
            r"\S+ \S+ WARNING \[trace-404\] django\.request: Not Found: /no-such-page/", line
        )
        for line in lines
    ), lines
    assert lines[-1].endswith("WARNING [-] portal.test: after the request")


@pytest.mark.django_db
def test_the_id_holds_under_asgi_too(portal_log):
    get = async_to_sync(AsyncClient().get)
    response = get("/no-such-page/", headers={"x-request-id": "async-404"})

    assert response["X-Request-ID"] == "async-404"
    assert "[async-404] django.request: Not Found: /no-such-page/" in portal_log.getvalue()


def test_the_settings_log_to_stdout_with_the_id_on_every_line():
    handler = base.LOGGING["handlers"]["console"]

    assert handler["stream"] == "ext://sys.stdout"
    assert handler["filters"] == ["request_id"]
    assert "[%(request_id)s]" in base.LOGGING["formatters"][handler["formatter"]]["format"]
    # Django's own loggers write through that handler, not through handlers of their own.
    for name in ("django", "django.server"):
        assert base.LOGGING["loggers"][name] == {
            "handlers": [],
            "level": base.LOG_LEVEL,
            "propagate": True,
        }

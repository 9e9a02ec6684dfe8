"""The client's address (core/client.py): REMOTE_ADDR, or the entry of X-Forwarded-For the
portal's own proxies vouch for."""

import pytest
from django.test import RequestFactory

from core.client import client_ip, client_ip_for_limits


def request(remote="10.0.0.5", forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_ip(request("203.0.113.9", forwarded="198.51.100.1")) == "203.0.113.9"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (1, "203.0.113.9", "203.0.113.9"),
        # Whatever the client wrote to the left of what the proxy added is not believed.
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),
        (2, "198.51.100.1, 203.0.113.9, 10.0.0.4", "203.0.113.9"),
        (1, " 2001:DB8:0:0::1 ", "2001:db8::1"),
        # Fewer entries than proxies, an empty header or garbage: the sender's own address.
        (2, "203.0.113.9", "10.0.0.5"),
        (1, "", "10.0.0.5"),
        (1, "not-an-address", "10.0.0.5"),
        (1, "203.0.113.9, unknown", "10.0.0.5"),
    ],
)
def test_behind_trusted_proxies_the_entry_they_added_is_the_client(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies

    assert client_ip(request(forwarded=forwarded)) == expected


def test_a_request_without_an_address_has_none():
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="")) is None


@pytest.mark.parametrize(
    ("remote", "counted_as"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::"),
        ("2001:db8:1:2::1", "2001:db8:1:2::"),
        ("2001:db8:1:3::1", "2001:db8:1:3::"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
    ],
)
def test_limits_count_an_ipv6_client_by_its_64_network(remote, counted_as):
    assert client_ip_for_limits(request(remote)) == counted_as


def test_limits_count_nothing_for_a_request_without_an_address():
    assert client_ip_for_limits(RequestFactory().get("/", REMOTE_ADDR="")) is None

"""The address a request comes from, in one place: the sign-in lockout and the registration
limits both count by it.

Behind proxies, REMOTE_ADDR is the nearest proxy's address and each proxy appends the address it
received the request from to X-Forwarded-For. Only the entries the portal's own proxies added can
be believed: anything to their left was sent by the client, who may write what it likes there.
With TRUSTED_PROXY_COUNT proxies, the client is the entry that many places from the right; with
none (the default), the header is ignored.

Limits count an IPv6 client by its /64 network (`client_ip_for_limits`): one subscriber is
usually given a whole /64, and could otherwise take a new address for every attempt.
"""

import ipaddress
import logging

from django.conf import settings

logger = logging.getLogger(__name__)


def _address(value):
    """`value` as a normalised IP address, or None if it is not one."""
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request):
    """The client's IP address, or None when the request carries none (a request made in code)."""
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if len(forwarded) < proxies:
        # Fewer entries than proxies: the request did not come through all of them (or one is
        # misconfigured). The nearest sender is all that is known.
        logger.warning(
            "X-Forwarded-For has %d entries, %d trusted proxies expected: counting by %s",
            len(forwarded),
            proxies,
            remote,
        )
        return remote
    return _address(forwarded[-proxies]) or remote


def client_ip_for_limits(request):
    """What the sign-in lockout and the registration limits count by: the client's IPv4 address,
    or the first address of its IPv6 /64 network (an address itself, so it can be stored, shown
    to staff and unlocked like any other)."""
    address = client_ip(request)
    if address is None:
        return None
    parsed = ipaddress.ip_address(address)
    if parsed.version == 4:
        return address
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)

"""Who may read ``/metrics``: a client at an allowed address, or one showing the token.

The address is the one the rest of the app believes (``throttle.client_addr``): the proxy's
``X-Forwarded-For`` only from ``scratchpad.trusted_proxies``, so a visitor cannot claim an
allowed address by writing the header. The token comes as ``Authorization: Bearer <token>``
(Prometheus's ``authorization`` / ``bearer_token_file``) and is compared in constant time.
"""

import hmac
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

from pyramid.request import Request

from scratchpad.accounts.throttle import client_addr


def may_read(request: Request) -> bool:
    settings = request.registry.settings
    allowed: tuple[IPv4Network | IPv6Network, ...] = settings["scratchpad.metrics_allow"]
    token: str = settings["scratchpad.metrics_token"]
    return (bool(allowed) and address_allowed(client_addr(request), allowed)) or (
        bool(token) and token_shown(request, token)
    )


def address_allowed(address: str, allowed: tuple[IPv4Network | IPv6Network, ...]) -> bool:
    try:
        client: IPv4Address | IPv6Address = ip_address(address)
    except ValueError:  # "unknown", or whatever a trusted proxy passed on
        return False
    # A dual-stack server shows an IPv4 client as ::ffff:192.0.2.1.
    if isinstance(client, IPv6Address) and client.ipv4_mapped is not None:
        client = client.ipv4_mapped
    return any(client in network for network in allowed)


def token_shown(request: Request, token: str) -> bool:
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    # compare_digest takes ASCII str or bytes: a header's non-ASCII would raise, so bytes.
    return hmac.compare_digest(credentials.strip().encode("latin-1"), token.encode("ascii"))

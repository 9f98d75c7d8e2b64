"""Say so, once per address, when a proxy the app does not trust forwards requests to it.

Behind a reverse proxy the app sees the proxy's address on every request; it learns each
visitor's from ``X-Forwarded-For``, but believes that header only from the addresses in
``scratchpad.trusted_proxies`` (``throttle.client_addr``). A proxy missing from that list
makes every visitor one client, so one visitor's failed logins lock everyone out. Nothing in
a single request shows that is wrong, so the operator is told in the log: one warning per
untrusted address that sends the header, not one per request.
"""

import logging
import threading

from pyramid.config import Configurator
from pyramid.registry import Registry
from pyramid.request import Request
from pyramid.response import Response

from scratchpad.web.tweens import Handler

log = logging.getLogger(__name__)

#: Addresses warned about per process; past this many the log would only repeat itself.
MAX_WARNED = 100


def untrusted_forwarding_tween_factory(handler: Handler, registry: Registry) -> Handler:
    trusted = registry.settings["scratchpad.trusted_proxies"]
    warned: set[str] = set()
    lock = threading.Lock()

    def untrusted_forwarding_tween(request: Request) -> Response:
        address = request.remote_addr
        if "X-Forwarded-For" in request.headers and address not in trusted:
            with lock:
                first_time = address not in warned and len(warned) < MAX_WARNED
                if first_time:
                    warned.add(address)
            if first_time:
                log.warning(
                    "Requests from %(address)s carry X-Forwarded-For, but %(address)s is not in "
                    "scratchpad.trusted_proxies: the header is ignored, and every visitor coming through "
                    "it counts as one client (one visitor's failed logins then lock out everyone). If "
                    "%(address)s is your reverse proxy, add it to scratchpad.trusted_proxies "
                    "(docs/deploying.md, step 5).",
                    {"address": address},
                )
        return handler(request)

    return untrusted_forwarding_tween


def includeme(config: Configurator) -> None:
    # Right under the access log: it sees every request, refused ones included.
    config.add_tween(
        "scratchpad.web.forwarded.untrusted_forwarding_tween_factory",
        under="scratchpad.web.access_log.access_log_tween_factory",
    )

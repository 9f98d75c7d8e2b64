"""What every response gets on its way out, error pages and static files included: the
security headers, and a ``Location`` the server can send."""

from collections.abc import Callable

from pyramid.config import Configurator
from pyramid.registry import Registry
from pyramid.request import Request
from pyramid.response import Response
from pyramid.tweens import EXCVIEW

from scratchpad.web.http import as_uri

#: What a tween wraps: the rest of the app, from a request to its response.
Handler = Callable[[Request], Response]

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        # Bootstrap's CSS draws a few icons as data: SVG images.
        "img-src 'self' data:",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}

#: With ``scratchpad.hsts = true``, on responses to requests that came over HTTPS only.
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"


def security_headers_tween_factory(handler: Handler, registry: Registry) -> Handler:
    hsts = registry.settings["scratchpad.hsts"]

    def security_headers_tween(request: Request) -> Response:
        response = handler(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        # RFC 6797 §7.2: a browser ignores the header over plain HTTP, and sending it there
        # claims an HTTPS site that may not exist. The scheme is read after the handler ran,
        # so it is the one the app used: the public URL's, or waitress's from the trusted
        # proxy's X-Forwarded-Proto.
        if hsts and request.scheme == "https":
            response.headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
        return response

    return security_headers_tween


def sendable_location_tween_factory(handler: Handler, registry: Registry) -> Handler:
    """Percent-encode every redirect's ``Location``, whichever view or error page made it.

    HTTP headers are Latin-1 at best: a ``Location`` holding ``/Ā`` (a login's ``next``, say)
    made waitress fail after the view had answered and the transaction committed, and the
    visitor got a bare 500, with no security headers and no login cookie, while the access log
    said 303. Here, below the access log and the security headers, the address becomes ASCII
    before anything is logged or sent.
    """

    def sendable_location_tween(request: Request) -> Response:
        response = handler(request)
        location = response.headers.get("Location")
        if location is not None:
            response.headers["Location"] = as_uri(location)
        return response

    return sendable_location_tween


def includeme(config: Configurator) -> None:
    # Every answer gets the headers, error pages and the caching tween's 304s included.
    config.add_tween(
        "scratchpad.web.tweens.security_headers_tween_factory",
        under="scratchpad.web.forwarded.untrusted_forwarding_tween_factory",
    )
    # Above the transaction, so a redirect made anywhere below is made sendable.
    config.add_tween(
        "scratchpad.web.tweens.sendable_location_tween_factory",
        under="scratchpad.web.caching.caching_tween_factory",
        over=("pyramid_tm.tm_tween_factory", EXCVIEW),
    )

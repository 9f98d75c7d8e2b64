"""Who may keep an answer (``Cache-Control``), and the empty 304 for an anonymous page a
browser or proxy already holds: decided here, once, for every response.

A page drawn for one visitor must never be kept by a shared proxy, or by the browser's disk
cache on a shared computer, and handed to the next: a logged-in visitor's page shows who
they are and carries their CSRF token, and so does the login page for anyone. So an answer
is ``no-store`` unless something says otherwise:

- the view decided itself (the static files keep their ``max-age``, the feed its
  ``no-cache`` and ETag);
- the page cache marked it the same for every anonymous visitor (``mark_public``): such a
  page says ``no-cache`` with its strong ETag, so browsers and proxies may keep it but ask
  each time, and a matching ``If-None-Match`` gets an empty 304.

Whatever was decided, an answer that sets a cookie is ``no-store``: a cookie is one
visitor's. Cookies are set until the very end (the session's in a response callback), so
that is checked in a callback registered after every other.
"""

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPNotModified
from pyramid.registry import Registry
from pyramid.request import Request
from pyramid.response import Response

from scratchpad.web.tweens import Handler

PRIVATE = "no-store"
REVALIDATE = "no-cache"


def mark_public(request: Request) -> None:
    """This request's answer is the same for everyone and carries an ETag: caches may keep it."""
    request.public_page = True


def is_public(request: Request, response: Response) -> bool:
    # An attribute of the request, not of its environ: an attempt pyramid_retry runs again
    # gets a new request and starts unmarked.
    return (
        getattr(request, "public_page", False) and response.status_code == 200 and response.etag is not None
    )


def never_store_a_cookie(request: Request, response: Response) -> None:
    if "Set-Cookie" in response.headers:
        response.cache_control = PRIVATE


def caching_tween_factory(handler: Handler, registry: Registry) -> Handler:
    def caching_tween(request: Request) -> Response:
        response = handler(request)
        request.add_response_callback(never_store_a_cookie)
        if "Cache-Control" in response.headers:
            return response
        if not is_public(request, response):
            response.cache_control = PRIVATE
            return response
        response.cache_control = REVALIDATE
        # The same address is drawn in the language and time zone a cookie names (i18n/).
        varies_by = tuple(response.vary or ())
        if "Cookie" not in varies_by:
            response.vary = (*varies_by, "Cookie")
        if request.method in ("GET", "HEAD") and response.etag in request.if_none_match:
            # Vary too: the 304 stands for a 200 that differs by language (page_cache.py).
            vary = {"Vary": response.headers["Vary"]} if "Vary" in response.headers else {}
            return HTTPNotModified(
                headers={"ETag": f'"{response.etag}"', "Cache-Control": REVALIDATE, **vary}
            )
        return response

    return caching_tween


def includeme(config: Configurator) -> None:
    # Under the security headers, which every answer gets, the 304s made here included.
    config.add_tween(
        "scratchpad.web.caching.caching_tween_factory",
        under="scratchpad.web.tweens.security_headers_tween_factory",
    )

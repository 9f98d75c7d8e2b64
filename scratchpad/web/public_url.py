"""Absolute URLs from the board's configured address (``scratchpad.public_url``), never from
the ``Host`` a client sends.

Pyramid and WebOb build every absolute URL (``request.application_url``, ``route_url``,
``host_url``, a redirect's ``Location``) from the request's WSGI environ: its scheme, its
``Host`` header and its ``SCRIPT_NAME``. Anyone can send any ``Host``, so a feed, an API
``next`` link or a redirect fetched with a forged one would point wherever they like, and a
cache in front of the app could keep that for everyone. With the setting, each request's
environ says the public address before anything reads it (the first ``NewRequest``
subscriber, before routing and before any view), so no view can forget it. The CSRF origin
check reads the same environ, so it accepts the real public origin and nothing else.

Left empty, requests keep what they arrived with: right for development on localhost.
"""

from collections.abc import Callable
from urllib.parse import urlsplit

from pyramid.config import Configurator
from pyramid.events import NewRequest


def public_url_subscriber(scheme: str, host: str, script_name: str) -> Callable[[NewRequest], None]:
    def use_public_url(event: NewRequest) -> None:
        environ = event.request.environ
        environ["wsgi.url_scheme"] = scheme
        environ["HTTP_HOST"] = host
        if script_name:
            # Only a path in the setting replaces it: without one, the server's mount point
            # (waitress's url_prefix, say) stays as it is.
            environ["SCRIPT_NAME"] = script_name

    return use_public_url


def includeme(config: Configurator) -> None:
    public_url = config.get_settings()["scratchpad.public_url"]
    if public_url:
        parts = urlsplit(public_url)
        config.add_subscriber(public_url_subscriber(parts.scheme, parts.netloc, parts.path), NewRequest)

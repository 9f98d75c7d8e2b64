"""Which language a request is drawn in, until the language negotiation of issue 18 line 3
lands (Accept-Language, a member's choice, the language menu): Pyramid's ``_LOCALE_`` cookie.

Pyramid's default negotiator reads ``request.params`` first, and so the request's body: every
page now asks for its language (the dates, ``<html dir>``), error pages included, and an
error page answering an oversized or unreadable body (web/incoming.py) must not read it. So
the cookie alone, which never touches the body; whatever it names is checked where it is used
(``dates.drawn_locale_name``: a locale CLDR knows, else English).
"""

from pyramid.config import Configurator
from pyramid.request import Request

COOKIE = "_LOCALE_"


def locale_from_cookie(request: Request) -> str | None:
    """The ``_LOCALE_`` cookie, or None for the default (``pyramid.default_locale_name``)."""
    return request.cookies.get(COOKIE) or None


def includeme(config: Configurator) -> None:
    config.set_locale_negotiator(locale_from_cookie)

"""Which language a request is answered in: Pyramid's locale negotiator.

In order: the member's saved choice (account page), the visitor's choice from the language
menu (a cookie), the browser's ``Accept-Language`` with its q-values, and English. Each is
only a wish: a language the board does not speak is passed over. The URL never changes with
the language, so every page a cache keeps is kept per language (page_cache.py's key, and
``Vary`` for browsers and proxies).
"""

from pyramid.request import Request

from scratchpad.i18n.languages import SOURCE, SUPPORTED, supported

#: The language menu's cookie: a visitor's choice, read here, set by menu.py.
COOKIE = "language"


def from_accept_language(request: Request) -> str:
    """The supported language the browser prefers most (RFC 4647 lookup, q-values obeyed:
    ``de-CH`` finds ``de``, ``q=0`` refuses one), else English; a header that does not
    parse asks for nothing."""
    found: str = request.accept_language.lookup(language_tags=SUPPORTED, default=SOURCE)
    return found


def visitor_language(request: Request) -> str:
    """The language without asking who is logged in: the menu's cookie, else the browser's.
    For pages that must not touch the database (it is what failed)."""
    return supported(request.cookies.get(COOKIE)) or from_accept_language(request)


def negotiate_language(request: Request) -> str:
    """The request's ``locale_name``. ``identity`` costs no statement of its own: the
    member's row, their choice in it, is read once per request anyway."""
    return supported(getattr(request.identity, "language", None)) or visitor_language(request)

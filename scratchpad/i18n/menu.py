"""The language menu: ``GET /language/<code>?came_from=<path>`` keeps a visitor's choice
in a cookie and sends them back to the page they were on.

A link, not a form: the kept anonymous page is the same bytes for every visitor, so the
menu can carry no per-visitor token, and it works without JavaScript. The choice is only a
preference (nothing is stored server-side, nobody else is affected), so a GET that sets it
needs no CSRF token; and it goes back to a path on this site only (``local_or_board``), never to
an address a link could name. A member's saved choice (account page) still wins over the
cookie, and the menu says so when it does.
"""

from typing import NamedTuple
from urllib.parse import urlencode

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.request import Request
from pyramid.view import view_config

from scratchpad.i18n.languages import NAMES, direction, supported
from scratchpad.i18n.messages import _, translate_in
from scratchpad.i18n.negotiation import COOKIE
from scratchpad.web.http import local_or_board

#: A year: the choice holds until the visitor changes it.
COOKIE_MAX_AGE = 365 * 24 * 3600
#: The query parameter that says which page of a list this is (keyset.py): ``before`` on
#: every list newest first, ``after`` on a thread's page. Kept in the menu's links as the page
#: reads it, a number (``0251`` is the page of 251); with the search page's words (``q``),
#: nothing else a visitor typed reaches a page, so a page kept for everyone is the same
#: whichever of its addresses drew it first.
POSITION_PARAMETER = {"comments.show": "after"}
#: Where ``language_paths`` keeps them, in the registry.
PATHS_KEY = "language_paths"


def came_from(request: Request) -> str:
    """This page's path and the parameters that say which page it is: where a language
    link sends the reader back to. The board instead for the address of a one-time link (an
    invitation, say), whose secret would then sit in every link of the page, and for an error
    page, which must be the same whatever address was refused (a 404 says nothing of what
    exists)."""
    if "token" in (request.matchdict or {}) or request.exception is not None:
        return request.route_path("comments.index")
    try:
        route = "" if request.matched_route is None else request.matched_route.name
        kept = []
        position = POSITION_PARAMETER.get(route, "before")
        value = request.GET.get(position)
        if value is not None and value.isascii() and value.isdigit():
            kept.append((position, value.lstrip("0") or "0"))
        if route == "search" and "q" in request.GET:
            kept.append(("q", request.GET["q"]))
        return request.path + (f"?{urlencode(kept)}" if kept else "")
    except UnicodeDecodeError:  # the error page of an address that is not UTF-8: the board
        return request.route_path("comments.index")


class MenuEntry(NamedTuple):
    """One language's link: its code and direction (``lang``/``dir`` on the link), its name
    in itself, where it goes, and whether it is the page's language. A tuple with names, not
    a dict: Jinja2 reads ``entry.code`` as an attribute first, and a dict's miss costs an
    exception each time."""

    code: str
    name: str
    dir: str
    href: str
    current: bool


def menu_entries(request: Request) -> list[MenuEntry]:
    """``request.language_menu``: one link per language, for i18n/menu.jinja2 and the
    account page's choice."""
    query = urlencode({"came_from": request.came_from})
    paths = language_paths(request)
    return [
        MenuEntry(code, name, direction(code), f"{paths[code]}?{query}", code == request.locale_name)
        for code, name in NAMES.items()
    ]


def language_paths(request: Request) -> dict[str, str]:
    """``/language/<code>`` for each language under this mount point, made once per process
    and mount point (the server's or public_url.py's, never a header): six ``route_path``
    calls on every page cost a tenth of a drawn board page."""
    made: dict[str, dict[str, str]] = request.registry.setdefault(PATHS_KEY, {})
    paths = made.get(request.script_name)
    if paths is None:
        paths = made[request.script_name] = {
            code: request.route_path("language", code=code) for code in NAMES
        }
    return paths


@view_config(route_name="language", request_method=("GET", "HEAD"))
def choose_language(request: Request) -> HTTPSeeOther:
    code = supported(request.matchdict["code"])
    if code is None:
        raise HTTPNotFound(_("The board does not speak that language."))
    target = request.GET.get("came_from", "")
    saved = supported(getattr(request.identity, "language", None))
    if saved is not None and saved != code:
        # The member's saved choice wins (negotiation.py): the page would come back as it
        # was, with no word why. Said in the language they asked for, which they may read
        # when they cannot read the saved one.
        message = _(
            "Your account is set to ${saved}, which comes before this menu: choose ${language} on your account page.",
            mapping={"saved": NAMES[saved], "language": NAMES[code]},
        )
        request.session.flash(translate_in(request, code, message))
    response = HTTPSeeOther(location=local_or_board(request, target))
    response.set_cookie(
        COOKIE,
        code,
        max_age=COOKIE_MAX_AGE,
        path=request.script_name or "/",
        httponly=True,
        samesite="Lax",
        secure=request.registry.settings["scratchpad.secure_cookies"],
    )
    return response

"""The time zone a reader sees times in: a member's saved choice, else a visitor's cookie,
else UTC (``DEFAULT_ZONE``). Each page says which, with a link to change it (``views.py``).

A zone is a name of the zoneinfo database (``Europe/Berlin``), checked against the names the
database holds before anything opens it: a cookie or a form field is text from the visitor,
and ``ZoneInfo`` would otherwise try to open whatever file such text names. A cookie naming
no known zone counts as no cookie (UTC), so no value sent can fail a page.
"""

from functools import cache
from zoneinfo import available_timezones

from pyramid.config import Configurator
from pyramid.request import Request
from pyramid.response import Response

from scratchpad.i18n.messages import Explained, _

DEFAULT_ZONE = "UTC"
COOKIE = "scratchpad_time_zone"
#: A visitor's choice lasts a year, renewed whenever they choose again.
COOKIE_MAX_AGE = 365 * 24 * 3600


class UnknownTimeZone(Explained, ValueError):
    """The text names no zone of the zoneinfo database; the message says so to the reader."""


@cache
def zones_by_folded_name() -> dict[str, str]:
    """Every zone the database names, by its name in lower case: ``europe/berlin`` is typed as
    often as ``Europe/Berlin``. Read once per process (a walk of the zoneinfo folders)."""
    return {name.casefold(): name for name in available_timezones()}


def all_zones() -> list[str]:
    """Every zone name, sorted: what the form offers."""
    return sorted(zones_by_folded_name().values())


def known_zone(text: str) -> str | None:
    """The database's spelling of the zone ``text`` names (case and surrounding spaces aside),
    or None."""
    return zones_by_folded_name().get(text.strip().casefold())


def validate_zone(text: str) -> str:
    """``known_zone(text)``, or ``UnknownTimeZone`` with a message for the reader."""
    zone = known_zone(text)
    if zone is None:
        if not text.strip():
            raise UnknownTimeZone(_("Please choose a time zone, such as Europe/Berlin or UTC."))
        raise UnknownTimeZone(
            _(
                "That is not a time zone we know. Please choose one from the list, "
                "such as Europe/Berlin, America/New_York or Asia/Tokyo."
            )
        )
    return zone


def reader_time_zone(request: Request) -> str:
    """``request.time_zone``: the zone this request's reader sees times in."""
    user = request.identity
    saved = None if user is None else user.time_zone
    # Checked again: a zone the database dropped since it was saved falls back, not fails.
    if saved is not None and known_zone(saved) is not None:
        return saved
    return known_zone(request.cookies.get(COOKIE, "")) or DEFAULT_ZONE


def remember_zone(request: Request, response: Response, zone: str) -> None:
    """Keep a visitor's choice in their browser (a member's goes to their account instead)."""
    response.set_cookie(
        COOKIE,
        zone,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.registry.settings["scratchpad.secure_cookies"],
    )


def includeme(config: Configurator) -> None:
    config.add_request_method(reader_time_zone, "time_zone", reify=True)

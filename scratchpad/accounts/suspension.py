"""Suspensions: a member who may read and log in but not post, reply or edit until a set time.

The board, reply and edit views ask :func:`refusal` before they write; the pages ask
``request.suspended_until`` (no statement: the security policy has loaded the user already) to
show the notice where the form would be.
"""

import re
from datetime import UTC, date, datetime, timedelta

from pyramid.config import Configurator
from pyramid.request import Request

from scratchpad.i18n.dates import UTC_ENGLISH, LocalFormat
from scratchpad.i18n.messages import Explained, Quantity, _
from scratchpad.models.types import utcnow
from scratchpad.models.user import User

#: The longest suspension: long enough for anything short of disabling, short enough that a
#: mistyped date (year 20266) is refused rather than stored.
MAX_DAYS = 3650
#: ``7d`` or ``12h``: what the command line and the page's choices say.
DURATION = re.compile(r"^([1-9][0-9]{0,5})([dh])$")


class InvalidUntil(Explained, ValueError):
    """Not a time a suspension can end at; the message says why."""


def active_until(user: User | None, now: datetime | None = None) -> datetime | None:
    """When ``user``'s suspension ends, or None when they are not suspended (any more)."""
    if user is None or user.suspended_until is None:
        return None
    return user.suspended_until if user.suspended_until > (now or utcnow()) else None


def refusal(user: User | None, local: LocalFormat = UTC_ENGLISH) -> str | None:
    """Why ``user`` may not write now, in words for them (marked: the page translates it; the
    time in ``local``, their ``request.local_format``), or None."""
    until = active_until(user)
    if until is None:
        return None
    return _(
        "Your account is suspended until ${until} ${zone}: until then you can read the "
        "board but not post, reply or edit. Your text is kept below.",
        mapping={"until": local.datetime(until), "zone": local.zone},
    )


def parse_until(text: str, now: datetime | None = None) -> datetime:
    """The end of a suspension from ``7d`` (days), ``12h`` (hours), a date (``2026-12-31``: its
    start, 00:00 UTC) or a time (``2026-12-31T18:00``, UTC unless it names its zone).

    Raises :class:`InvalidUntil` for anything else, a time not in the future, or one more than
    :data:`MAX_DAYS` ahead.
    """
    now = now or utcnow()
    text = text.strip()
    duration = DURATION.match(text)
    try:
        if duration:
            amount, unit = int(duration.group(1)), duration.group(2)
            until = now + (timedelta(days=amount) if unit == "d" else timedelta(hours=amount))
        elif len(text) == len("2026-12-31"):
            until = datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
        else:
            until = datetime.fromisoformat(text)
            until = until.replace(tzinfo=UTC) if until.tzinfo is None else until.astimezone(UTC)
    except (ValueError, OverflowError):
        raise InvalidUntil(
            _(
                "'${text}' is not a time: give a number of days or hours (7d, 12h), a date (2026-12-31) "
                "or a date and time in UTC (2026-12-31T18:00).",
                mapping={"text": text},
            )
        ) from None
    if until <= now:
        raise InvalidUntil(
            _(
                "${until} UTC has passed: a suspension must end in the future.",
                mapping={"until": f"{until:%Y-%m-%d %H:%M}"},
            )
        )
    if until > now + timedelta(days=MAX_DAYS):
        raise InvalidUntil(
            _(
                "A suspension can last at most ${days} days; disable the account instead.",
                mapping={"days": Quantity(MAX_DAYS)},
            )
        )
    return until


def suspended_until(request: Request) -> datetime | None:
    return active_until(request.identity)


def includeme(config: Configurator) -> None:
    config.add_request_method(suspended_until, "suspended_until", reify=True)

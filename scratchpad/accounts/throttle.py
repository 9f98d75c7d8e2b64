"""Limits on how fast anyone may guess passwords, post, edit or delete, counted in the database.

Counting in the database (not in process memory) makes the limits hold across several app
processes and across restarts. A check and the count it makes are one step: the user's row
is locked first (``SELECT ... FOR UPDATE`` on MySQL/MariaDB; on SQLite every request that may
write holds the write lock from its first statement), so simultaneous requests of one user
queue and each sees the ones before it.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from pyramid.request import Request
from pyramid.response import Response
from sqlalchemy import CursorResult
from sqlalchemy.orm import Session

from scratchpad.i18n.messages import _, translate
from scratchpad.metrics import instruments
from scratchpad.models import LoginFailure, RateEvent, User
from scratchpad.models.rate_event import DELETE, EDIT, POST, REPORT
from scratchpad.models.types import utcnow

#: The window of the posting, editing and deleting limits.
RATE_WINDOW = timedelta(minutes=1)
#: Each action's limit per user in ``RATE_WINDOW``, and the setting naming it.
RATE_LIMITS = {
    POST: "scratchpad.posts_per_minute",
    EDIT: "scratchpad.edits_per_minute",
    DELETE: "scratchpad.deletions_per_minute",
    REPORT: "scratchpad.reports_per_minute",
}
#: What a member is told when an action's limit refuses them ({limit} times a minute; try
#: again in {wait} seconds).
RATE_REFUSALS = {
    POST: _(
        "You have posted ${limit} comments in the last minute; please wait ${wait} seconds before the next."
    ),
    EDIT: _(
        "You have edited ${limit} times in the last minute; please wait ${wait} seconds, then save again."
    ),
    DELETE: _(
        "You have deleted ${limit} comments in the last minute; please wait ${wait} seconds. This one was kept."
    ),
    REPORT: _(
        "You have sent ${limit} reports in the last minute; please wait ${wait} seconds, then send this one again."
    ),
}


@dataclass(frozen=True)
class Throttled:
    """Refused for now; try again in ``retry_after`` seconds."""

    retry_after: int
    reason: str


def refuse(response: Response, throttled: Throttled) -> None:
    """Make ``response`` say "too many": 429, and when to try again."""
    response.status = 429
    response.headers["Retry-After"] = str(throttled.retry_after)


def client_addr(request: Request) -> str:
    """The visitor's address: ``REMOTE_ADDR``, or the address the trusted proxy saw.

    ``X-Forwarded-For`` is anyone's to write, so it counts only when the request comes from a
    proxy named in ``scratchpad.trusted_proxies``; then the right-most address that is not one
    of those proxies is the client.
    """
    remote_addr: str = request.remote_addr or "unknown"
    trusted: frozenset[str] = request.registry.settings["scratchpad.trusted_proxies"]
    if remote_addr not in trusted:
        return remote_addr
    forwarded: list[str] = [hop.strip() for hop in request.headers.get("X-Forwarded-For", "").split(",")]
    for hop in reversed(forwarded):
        if hop and hop not in trusted:
            return hop[:45]
    return remote_addr


def _seconds_until(moment: datetime, now: datetime) -> int:
    """Whole seconds until ``moment``, rounded up (so never more than a window), at least 1."""
    return max(1, math.ceil((moment - now).total_seconds()))


def lock_user(dbsession: Session, condition: sa.ColumnElement[bool]) -> None:
    """Lock the user row matching ``condition`` (if any) until the transaction ends."""
    dbsession.execute(sa.select(User.id).where(condition).with_for_update())


def check_login(
    dbsession: Session, settings: Mapping[str, Any], username: str, address: str, *, lock: bool = True
) -> Throttled | None:
    """A :class:`Throttled` if this login attempt must be refused, else None.

    With ``lock``, guesses at an existing account queue on its row, so N at once cannot all
    pass a count taken before any of them failed (the count that decides, taken in the write
    transaction). Without it, a cheap early look that spares bcrypt work for a guess already
    throttled. Guesses at unknown names and the per-address count take no lock: they may
    overshoot by the number of requests served at the same moment.
    """
    if lock:
        lock_user(dbsession, User.username == username)
    limits = (
        (LoginFailure.username == username, settings["scratchpad.login_attempts_per_user"], "user"),
        (LoginFailure.client_addr == address, settings["scratchpad.login_attempts_per_address"], "address"),
    )
    return _check_failures(dbsession, settings, limits)


def check_address(dbsession: Session, settings: Mapping[str, Any], address: str) -> Throttled | None:
    """A :class:`Throttled` if ``address`` has used up its failed logins and link guesses.

    For the invitation and reset links: a guessed token is a guessed password, so it counts
    against the address's login allowance (``record_link_failure``); not against any user's,
    since the guesser names nobody.
    """
    limit = settings["scratchpad.login_attempts_per_address"]
    return _check_failures(dbsession, settings, ((LoginFailure.client_addr == address, limit, "address"),))


def _check_failures(
    dbsession: Session, settings: Mapping[str, Any], limits: Sequence[tuple[sa.ColumnElement[bool], int, str]]
) -> Throttled | None:
    now = utcnow()
    window = timedelta(seconds=settings["scratchpad.login_window"])
    since = now - window
    for condition, limit, reason in limits:
        count, oldest = dbsession.execute(
            sa.select(sa.func.count(), sa.func.min(LoginFailure.failed_at)).where(
                condition, LoginFailure.failed_at > since
            )
        ).one()
        if count >= limit:
            return Throttled(_seconds_until(oldest + window, now), reason)
    return None


def record_login_failure(
    dbsession: Session, settings: Mapping[str, Any], username: str, address: str
) -> None:
    now = utcnow()
    # Rows older than the window count for nothing: clear this user's and address's old ones.
    since = now - timedelta(seconds=settings["scratchpad.login_window"])
    dbsession.execute(
        sa.delete(LoginFailure).where(
            sa.or_(LoginFailure.username == username, LoginFailure.client_addr == address),
            LoginFailure.failed_at <= since,
        )
    )
    dbsession.add(LoginFailure(username=username, client_addr=address, failed_at=now))


#: The name a link guess is counted under: empty, which no user can be called.
LINK_GUESS = ""


def record_link_failure(dbsession: Session, settings: Mapping[str, Any], address: str) -> None:
    """Count an unknown, used, revoked or expired invitation or reset link opened from
    ``address`` (see ``check_address``)."""
    record_login_failure(dbsession, settings, LINK_GUESS, address)


def clear_login_failures(dbsession: Session, username: str) -> None:
    """A successful login wipes the user's count (not the address's: it may be shared)."""
    dbsession.execute(sa.delete(LoginFailure).where(LoginFailure.username == username))


def check_rate(dbsession: Session, settings: Mapping[str, Any], user: User, action: str) -> Throttled | None:
    """A :class:`Throttled` if ``user`` has done ``action`` their fill of times in the last
    minute; else None, and this time is counted (whether or not the write then succeeds)."""
    lock_user(dbsession, User.id == user.id)
    now = utcnow()
    since = now - RATE_WINDOW
    of_this_kind = (RateEvent.user_id == user.id, RateEvent.action == action)
    count, oldest = dbsession.execute(
        sa.select(sa.func.count(), sa.func.min(RateEvent.at)).where(*of_this_kind, RateEvent.at > since)
    ).one()
    if count >= settings[RATE_LIMITS[action]]:
        return Throttled(_seconds_until(oldest + RATE_WINDOW, now), action)
    dbsession.add(RateEvent(user_id=user.id, action=action, at=now))
    return None


def limit_rate(request: Request, action: str) -> str | None:
    """:func:`check_rate` for the member making ``request``: None when they may go on; else
    the response already says 429 and when to try again, and this returns what to tell them."""
    settings = request.registry.settings
    throttled = check_rate(request.dbsession, settings, request.identity, action)
    if throttled is None:
        return None
    refuse(request.response, throttled)
    instruments.THROTTLE_REFUSALS.labels(action).inc()
    return translate(
        request, RATE_REFUSALS[action], limit=settings[RATE_LIMITS[action]], wait=throttled.retry_after
    )


def prune(dbsession: Session, settings: Mapping[str, Any]) -> tuple[int, int]:
    """Delete every row that no limit counts any more; returns (login failures, rate events)."""
    now = utcnow()
    login_since = now - timedelta(seconds=settings["scratchpad.login_window"])
    # A DELETE's result is a CursorResult, which counts the rows; Session.execute's type does not say so.
    failures = cast(
        CursorResult[Any],
        dbsession.execute(sa.delete(LoginFailure).where(LoginFailure.failed_at <= login_since)),
    )
    events = cast(
        CursorResult[Any], dbsession.execute(sa.delete(RateEvent).where(RateEvent.at <= now - RATE_WINDOW))
    )
    return failures.rowcount, events.rowcount

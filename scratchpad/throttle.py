"""Limits on how fast anyone may guess passwords or post, counted in the database.

Counting in the database (not in process memory) makes the limits hold across several app
processes and across restarts.
"""

import math
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from .models import Comment, LoginFailure
from .models.types import utcnow


@dataclass(frozen=True)
class Throttled:
    """Refused for now; try again in ``retry_after`` seconds."""

    retry_after: int
    reason: str


def client_addr(request):
    """The visitor's address: ``REMOTE_ADDR``, or the address the trusted proxy saw.

    ``X-Forwarded-For`` is anyone's to write, so it counts only when the request comes from a
    proxy named in ``scratchpad.trusted_proxies``; then the right-most address that is not one
    of those proxies is the client.
    """
    remote_addr = request.remote_addr or "unknown"
    trusted = request.registry.settings["scratchpad.trusted_proxies"]
    if remote_addr not in trusted:
        return remote_addr
    forwarded = [hop.strip() for hop in request.headers.get("X-Forwarded-For", "").split(",")]
    for hop in reversed(forwarded):
        if hop and hop not in trusted:
            return hop[:45]
    return remote_addr


def _seconds_until(moment, now):
    """Whole seconds until ``moment``, rounded up (so never more than a window), at least 1."""
    return max(1, math.ceil((moment - now).total_seconds()))


def check_login(dbsession, settings, username, address):
    """A :class:`Throttled` if this login attempt must be refused, else None."""
    now = utcnow()
    window = timedelta(seconds=settings["scratchpad.login_window"])
    since = now - window
    limits = (
        (LoginFailure.username == username, settings["scratchpad.login_attempts_per_user"], "user"),
        (LoginFailure.client_addr == address, settings["scratchpad.login_attempts_per_address"], "address"),
    )
    for condition, limit, reason in limits:
        count, oldest = dbsession.execute(
            sa.select(sa.func.count(), sa.func.min(LoginFailure.failed_at)).where(
                condition, LoginFailure.failed_at > since
            )
        ).one()
        if count >= limit:
            return Throttled(_seconds_until(oldest + window, now), reason)
    return None


def record_login_failure(dbsession, settings, username, address):
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


def clear_login_failures(dbsession, username):
    """A successful login wipes the user's count (not the address's: it may be shared)."""
    dbsession.execute(sa.delete(LoginFailure).where(LoginFailure.username == username))


def check_posting(dbsession, settings, user):
    """A :class:`Throttled` if ``user`` has posted their fill in the last minute, else None."""
    now = utcnow()
    since = now - timedelta(minutes=1)
    count, oldest = dbsession.execute(
        sa.select(sa.func.count(), sa.func.min(Comment.posted_at)).where(
            Comment.commenter_id == user.id, Comment.posted_at > since
        )
    ).one()
    if count >= settings["scratchpad.posts_per_minute"]:
        return Throttled(_seconds_until(oldest + timedelta(minutes=1), now), "posting")
    return None

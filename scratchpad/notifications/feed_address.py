"""The private feed address of a member's notifications: ``/notifications/feed/<token>``.

The token is ``secrets.token_urlsafe(32)``; only its sha256 is stored (``accounts/tokens.py``
says why sha256 suits random tokens), so the address is shown once, when it is made. Making
a new one replaces the old row, which ends the old address; ending it deletes the row. A
feed reader needs no cookie and no login: the address is the secret.
"""

import secrets
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from scratchpad.accounts.tokens import TOKEN_BYTES, hash_token, looks_like_token
from scratchpad.models import NotificationFeed, User
from scratchpad.models.types import utcnow


def current(dbsession: Session, user_id: int) -> NotificationFeed | None:
    """The user's feed address (its row: when it was made), or None."""
    return dbsession.scalars(
        sa.select(NotificationFeed).where(NotificationFeed.user_id == user_id)
    ).one_or_none()


def renew(dbsession: Session, user_id: int) -> str:
    """A new feed address token for the user, ending the one they had: the token, shown once."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed = current(dbsession, user_id)
    if feed is None:
        dbsession.add(NotificationFeed(user_id=user_id, token_hash=hash_token(token), created_at=utcnow()))
    else:
        feed.token_hash, feed.created_at = hash_token(token), utcnow()
    dbsession.flush()
    return token


def end(dbsession: Session, user_id: int) -> bool:
    """End the user's feed address; whether they had one."""
    result = dbsession.execute(sa.delete(NotificationFeed).where(NotificationFeed.user_id == user_id))
    return bool(cast(CursorResult[Any], result).rowcount)


def owner_of(dbsession: Session, token: str) -> int | None:
    """The id of the user whose feed address holds ``token``, or None (unknown or ended, or
    its owner disabled: disabling ends the address, and one left from before did not)."""
    if not looks_like_token(token):
        return None
    return dbsession.scalar(
        sa.select(NotificationFeed.user_id)
        .join(User, User.id == NotificationFeed.user_id)
        .where(NotificationFeed.token_hash == hash_token(token), User.is_active)
    )

"""Invitation, password-reset and email-confirmation links, made, found, used and revoked in
one place for the admin's page, the account page and the command line alike.

A token is ``secrets.token_urlsafe(32)``: 256 random bits, which nobody can guess however fast
each guess is. Only its sha256 is stored. bcrypt makes guessing a *chosen* password slow, which
a random token does not need; and a salted hash could not be looked up, so every open link would
have to be checked at each visit, at bcrypt's cost. With sha256 a link is one indexed lookup,
and the table (or a backup, or an SQL injection that reads it) holds no working link.
"""

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from scratchpad.i18n.messages import Explained, _
from scratchpad.models import AccountToken, User
from scratchpad.models.account_token import EMAIL_CONFIRMATION, INVITATION, RESET
from scratchpad.models.types import utcnow
from scratchpad.models.user import validate_username

TOKEN_BYTES = 32
#: ``token_urlsafe(32)`` gives 43 characters; anything much longer is not one of ours.
MAX_TOKEN_LENGTH = 64
TOKEN_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


class LinkRefused(Explained, ValueError):
    """No link can be made; the message tells the admin why."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def looks_like_token(token: str) -> bool:
    return 0 < len(token) <= MAX_TOKEN_LENGTH and set(token) <= TOKEN_CHARACTERS


def create_invitation(
    dbsession: Session, name: str, role: str, created_by: str, hours: int
) -> tuple[str, AccountToken]:
    """A new invitation for ``name`` (raises ``InvalidUsername`` or :class:`LinkRefused`): the
    token, shown once, and its row. An open invitation for the same name is revoked: the
    newest link is the one that works."""
    username = validate_username(name)
    if dbsession.scalars(sa.select(User.id).where(User.username == username)).first() is not None:
        raise LinkRefused(_("User '${username}' already exists.", mapping={"username": username}))
    return _create(dbsession, INVITATION, username, role, None, created_by, hours)


def create_reset(dbsession: Session, user: User, created_by: str, hours: int) -> tuple[str, AccountToken]:
    """A password-reset link for ``user`` (a disabled user is refused: the link would set a
    password nobody can log in with). Their older open reset links are revoked."""
    if not user.is_active:
        raise LinkRefused(
            _("${username} is disabled; enable them first.", mapping={"username": user.username})
        )
    return _create(dbsession, RESET, user.username, user.role, user, created_by, hours)


def create_email_confirmation(dbsession: Session, user: User, hours: int) -> tuple[str, AccountToken]:
    """A link confirming ``user``'s current address; their older open ones are revoked, so
    only a link mailed to the address they gave last can confirm it."""
    return _create(dbsession, EMAIL_CONFIRMATION, user.username, user.role, user, user.username, hours)


def revoke_email_confirmations(dbsession: Session, user: User) -> None:
    """No open link confirms an address of ``user`` any more (they removed it)."""
    dbsession.execute(
        sa.update(AccountToken)
        .where(*_open_ones(EMAIL_CONFIRMATION, utcnow()), AccountToken.user_id == user.id)
        .values(revoked_at=utcnow())
    )


def revoke_resets(dbsession: Session, user: User) -> None:
    """No open reset link sets ``user``'s password any more: they chose a new one, ended their
    other sessions, or were disabled. A link handed over earlier (by mail, in a chat) would
    otherwise stay a way into the account for its hours, after its owner had shut every other."""
    dbsession.execute(
        sa.update(AccountToken)
        .where(*_open_ones(RESET, utcnow()), AccountToken.user_id == user.id)
        .values(revoked_at=utcnow())
    )


def revoke_made_by(dbsession: Session, username: str) -> int:
    """Revoke every open invitation and reset link ``username`` made; how many. For an admin
    who loses the power to make them (disabled, made a member, deleted): a stolen admin
    account would otherwise keep its way back in through the links it made, a reset link
    taking over another admin, an invitation making a new one."""
    result = dbsession.execute(
        sa.update(AccountToken)
        .where(
            AccountToken.kind.in_((INVITATION, RESET)),
            *_unspent(utcnow()),
            AccountToken.created_by == username,
        )
        .values(revoked_at=utcnow())
    )
    return cast(CursorResult[Any], result).rowcount


def _create(
    dbsession: Session, kind: str, username: str, role: str, user: User | None, created_by: str, hours: int
) -> tuple[str, AccountToken]:
    now = utcnow()
    dbsession.execute(
        sa.update(AccountToken)
        .where(*_open_ones(kind, now), AccountToken.username == username)
        .values(revoked_at=now)
    )
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = AccountToken(
        kind=kind,
        token_hash=hash_token(token),
        username=username,
        role=role,
        user=user,
        created_by=created_by,
        created_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    dbsession.add(link)
    dbsession.flush()
    return token, link


def _open_ones(kind: str, now: datetime) -> tuple[sa.ColumnElement[bool], ...]:
    """The conditions of an open link of ``kind``."""
    return (AccountToken.kind == kind, *_unspent(now))


def _unspent(now: datetime) -> tuple[sa.ColumnElement[bool], ...]:
    """A link's conditions of being open, whatever its kind: not used, revoked or expired."""
    return (
        AccountToken.used_at.is_(None),
        AccountToken.revoked_at.is_(None),
        AccountToken.expires_at > now,
    )


def find_open(dbsession: Session, kind: str, token: str, lock: bool = False) -> AccountToken | None:
    """The open link of ``kind`` the token opens, or None: unknown, used, revoked and expired
    links all look the same, so a visitor learns nothing from which it was. With ``lock``,
    the row is locked until the transaction ends, so the link is used once even by two
    requests at the same moment."""
    if not looks_like_token(token):
        return None
    query = sa.select(AccountToken).where(
        AccountToken.token_hash == hash_token(token), AccountToken.kind == kind
    )
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    link = dbsession.scalars(query).one_or_none()
    if link is None or not link.is_open(utcnow()):
        return None
    if kind in (RESET, EMAIL_CONFIRMATION) and (link.user is None or not link.user.is_active):
        return None
    return link


def open_invitations(dbsession: Session) -> Sequence[AccountToken]:
    """The invitations that can still be used, newest first."""
    query = sa.select(AccountToken).where(*_open_ones(INVITATION, utcnow())).order_by(AccountToken.id.desc())
    return dbsession.scalars(query).all()


def revoke_invitation(dbsession: Session, link_id: int) -> AccountToken | None:
    """Revoke the open invitation ``link_id``; None when there is none (used, expired, gone)."""
    query = sa.select(AccountToken).where(AccountToken.id == link_id, *_open_ones(INVITATION, utcnow()))
    link = dbsession.scalars(query.with_for_update()).one_or_none()
    if link is not None:
        link.revoked_at = utcnow()
    return link

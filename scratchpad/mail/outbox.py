"""Putting a mail in the outbox: a row in the caller's transaction, nothing sent yet.

The row commits or rolls back with whatever caused it (a reply, a changed address), so a
rolled-back reply sends nothing; ``scratchpad-admin CONFIG mail send`` (delivery.py) sends
it after the commit, however long the mail server is away. A row that is done with (sent, or
given up) is kept ``scratchpad.mail_keep_days`` as a record, then ``prune`` deletes it: the
outbox holds members' addresses and what was sent to them, not to be kept for ever.
"""

import secrets
import unicodedata
from datetime import datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scratchpad.models import OutboxMail, User
from scratchpad.models.outbox import KINDS, MAX_SUBJECT_LENGTH


def one_line(text: str) -> str:
    """``text`` with every control or line-separating character made a space: a header
    never spans lines, so nothing a user typed can add a header of its own."""
    return "".join(
        " " if unicodedata.category(character)[0] in "CZ" else character for character in text
    ).strip()


def queue_mail(
    dbsession: Session,
    recipient: User,
    subject: str,
    text: str,
    *,
    kind: str,
    unsubscribe_url: str | None = None,
    comment_id: int | None = None,
) -> OutboxMail | None:
    """Queue a plain-text mail to ``recipient``'s current address, in ``dbsession``'s
    transaction (``comment_id``: the comment it quotes, whose removal stops it); None when
    they have no address. Whether they *want* it is the caller's
    question (``User.wants_email`` for notifications); the worker asks again before sending,
    so a mail queued before they unsubscribed or changed their address is not sent."""
    if kind not in KINDS:
        raise ValueError(f"no such kind of mail: {kind!r}")
    if not recipient.email:
        return None
    mail = OutboxMail(
        kind=kind,
        user=recipient,
        recipient=recipient.email,
        subject=one_line(subject)[:MAX_SUBJECT_LENGTH],
        body=text,
        message_id=secrets.token_hex(16),
        unsubscribe_url=unsubscribe_url,
        comment_id=comment_id,
    )
    dbsession.add(mail)
    dbsession.flush()
    return mail


def prune_finished(dbsession: Session, keep_days: int, now: datetime) -> int:
    """Delete the mails sent or given up more than ``keep_days`` before ``now``; how many.
    A pending mail (``next_attempt_at`` set, however old) is never deleted."""
    kept_since = now - timedelta(days=keep_days)
    finished_before = sa.or_(OutboxMail.sent_at <= kept_since, OutboxMail.given_up_at <= kept_since)
    deleted = dbsession.execute(
        sa.delete(OutboxMail).where(OutboxMail.next_attempt_at.is_(None), finished_before)
    )
    # A DELETE's result is a CursorResult, which counts the rows; Session.execute's type does not say so.
    return cast(sa.CursorResult[Any], deleted).rowcount

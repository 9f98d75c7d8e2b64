"""Notifications: a member is told that someone replied to them or mentioned them
(``notifications/notify.py`` makes them), and the private feed address that lists them.

A notification names the comment, not a copy of it: a comment hidden or deleted later
stops showing in the list, the count and the feed (``comment.readable_by_everyone``), and one removed
for good takes its notifications with it (ON DELETE CASCADE), as a deleted user does theirs.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import InstrumentedAttribute, Mapped, mapped_column

from scratchpad.models.comment import Comment, readable_by_everyone
from scratchpad.models.meta import MYSQL_TABLE_OPTIONS, Base
from scratchpad.models.types import UTCDateTime, utcnow

#: Someone answered one of the recipient's comments.
REPLY = "reply"
#: Someone wrote ``@name`` of the recipient (and did not answer them in the same comment).
MENTION = "mention"
KINDS = (REPLY, MENTION)

#: A sha256 digest in hex, as account_tokens keeps one.
TOKEN_HASH_LENGTH = 64


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        # One notification per recipient and comment, however often it is edited: an edit
        # that adds a mention tells only those not told yet.
        UniqueConstraint("recipient_id", "comment_id", name="uq_notifications_recipient_id_comment_id"),
        # Serves the recipient's pages, newest first, and their unread count.
        Index("ix_notifications_recipient_id_id", "recipient_id", "id"),
        Index("ix_notifications_recipient_id_read_at", "recipient_id", "read_at"),
        {**MYSQL_TABLE_OPTIONS, "sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when the recipient's page of notifications showed it (or they marked all read).
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.kind} of comment {self.comment_id} for {self.recipient_id}>"


class NotificationFeed(Base):
    """A member's private feed address: only the sha256 of its token is kept (as
    ``accounts/tokens.py`` keeps links'), so it is shown once, when made; a new one replaces
    the row, and the old address ends."""

    __tablename__ = "notification_feeds"
    __table_args__ = {**MYSQL_TABLE_OPTIONS, "sqlite_autoincrement": True}  # noqa: RUF012 (read once, by SQLAlchemy)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(TOKEN_HASH_LENGTH), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def unread_count(user_id: sa.ColumnElement[int] | InstrumentedAttribute[int]) -> sa.ScalarSelect[int]:
    """How many of the user's notifications are unread and still about a visible comment:
    a subquery, so the security policy loads it with the user, in the same statement."""
    return (
        sa.select(sa.func.count())
        .select_from(Notification)
        .join(Comment, Comment.id == Notification.comment_id)
        .where(Notification.recipient_id == user_id, Notification.read_at.is_(None), *readable_by_everyone())
        .scalar_subquery()
    )

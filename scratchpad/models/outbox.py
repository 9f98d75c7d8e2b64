"""Mail waiting to be sent, written in the same transaction as what causes it.

A reply that is rolled back takes its mail with it, a comment removed before its
notification went takes that mail with it (``comment_id``), and a mail server that is down loses
nothing: the row waits until ``scratchpad-admin CONFIG mail send`` delivers it
(scratchpad/mail/delivery.py). A row is pending while ``next_attempt_at`` is set; sending it,
or giving up on it, clears that column, so the worker's one indexed query never reads the
finished rows kept as a record.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scratchpad.models.comment import Comment
from scratchpad.models.meta import MYSQL_TABLE_OPTIONS, Base
from scratchpad.models.types import UTCDateTime, utcnow
from scratchpad.models.user import MAX_EMAIL_LENGTH, User

#: Asks a member to confirm their address (sent even when they get no notifications).
CONFIRMATION = "confirmation"
#: Tells a member who opted in that someone answered or mentioned them.
NOTIFICATION = "notification"
KINDS = (CONFIRMATION, NOTIFICATION)

MAX_SUBJECT_LENGTH = 255
MAX_ERROR_LENGTH = 255
#: ``<unique@host>``: room for a token and a long host name.
MAX_MESSAGE_ID_LENGTH = 255
#: The board's public URL (checked, with a path) and a token.
MAX_URL_LENGTH = 1024


class OutboxMail(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        # The worker's query: the due rows, oldest first.
        Index("ix_outbox_next_attempt_at", "next_attempt_at"),
        {**MYSQL_TABLE_OPTIONS, "sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    # Deleting the user deletes the mail they have not been sent yet.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The comment a notification quotes (None for a confirmation, and for mail queued before
    # this column): hidden or deleted by then, the mail is not sent; erased, the row goes too.
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    # The address when the mail was queued; the worker sends nothing if the user's differs by then.
    recipient: Mapped[str] = mapped_column(String(MAX_EMAIL_LENGTH))
    subject: Mapped[str] = mapped_column(String(MAX_SUBJECT_LENGTH))
    body: Mapped[str] = mapped_column(Text)
    # Fixed when queued, so a mail sent again (the server took it but the answer was lost)
    # carries the same Message-ID and mail clients can tell it is the same message.
    message_id: Mapped[str] = mapped_column(String(MAX_MESSAGE_ID_LENGTH))
    # RFC 8058 one-click unsubscribe, for notifications; None for a confirmation.
    unsubscribe_url: Mapped[str | None] = mapped_column(String(MAX_URL_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Pending while set: when the worker may try next (now when queued, later after a failure).
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(MAX_ERROR_LENGTH))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    given_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
    comment: Mapped[Comment | None] = relationship()

    def __repr__(self) -> str:
        return f"<OutboxMail {self.id} {self.kind} to user {self.user_id}>"

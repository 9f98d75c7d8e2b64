"""The moderation log: who hid, unhid, deleted, approved or rejected which comment, or dismissed
its reports (the board itself, when reports hid a comment automatically), or acted on which
user (invited, disabled, suspended, ...: accounts/rules.py), and when."""

from datetime import datetime
from typing import Self

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scratchpad.models.comment import Comment
from scratchpad.models.meta import MYSQL_TABLE_OPTIONS, Base
from scratchpad.models.types import UTCDateTime, utcnow
from scratchpad.models.user import MAX_USERNAME_LENGTH, User

HIDE = "hide"
UNHIDE = "unhide"
DELETE = "delete"
#: Reports found groundless: the comment stays as it is.
DISMISS = "dismiss"
#: Hidden by the board once ``scratchpad.auto_hide_reports`` members reported it.
AUTO_HIDE = "auto-hide"
#: A waiting comment (pre-moderation) published, or deleted unpublished.
APPROVE = "approve"
REJECT = "reject"
ACTIONS = (HIDE, UNHIDE, DELETE, DISMISS, AUTO_HIDE, APPROVE, REJECT)
#: The name the log gives the board's own acts (``AUTO_HIDE``).
THE_BOARD = "the board (reports)"
#: What an admin (or the command line) did to a user; ``user_name`` says to whom.
INVITE = "invite"
RESET = "reset"
DISABLE = "disable"
ENABLE = "enable"
PROMOTE = "promote"
DEMOTE = "demote"
SUSPEND = "suspend"
UNSUSPEND = "unsuspend"
USER_ACTIONS = (INVITE, RESET, DISABLE, ENABLE, PROMOTE, DEMOTE, SUSPEND, UNSUSPEND)

#: Enough of a comment to tell later what was acted on, even once it is deleted.
EXCERPT_LENGTH = 200


class ModerationAction(Base):
    __tablename__ = "moderation_actions"
    # AUTOINCREMENT: an entry's id is never given again, even after the newest is removed.
    __table_args__ = {**MYSQL_TABLE_OPTIONS, "sqlite_autoincrement": True}  # noqa: RUF012 (read once, by SQLAlchemy)

    id: Mapped[int] = mapped_column(primary_key=True)
    acted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(16))
    # The log outlives the people and comments it names, so it copies what it shows:
    # the moderator's and the author's names, and the start of the comment.
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    moderator_name: Mapped[str] = mapped_column(String(MAX_USERNAME_LENGTH))
    # Empty in an entry about a user, which names them in ``user_name`` instead.
    comment_id: Mapped[int | None] = mapped_column(Integer)
    # The comment it answered, when it was a reply: the log links to the conversation.
    comment_parent_id: Mapped[int | None] = mapped_column(Integer)
    comment_author: Mapped[str | None] = mapped_column(String(MAX_USERNAME_LENGTH))
    comment_excerpt: Mapped[str] = mapped_column(String(EXCERPT_LENGTH))
    user_name: Mapped[str | None] = mapped_column(String(MAX_USERNAME_LENGTH))
    # What else the act needs to be understood: the end of a suspension ("until ..." in UTC).
    detail: Mapped[str | None] = mapped_column(String(64))

    moderator: Mapped[User | None] = relationship()

    @classmethod
    def record(cls, moderator: User | None, action: str, comment: Comment) -> Self:
        """An entry for ``moderator``'s act (None: the board's own, ``AUTO_HIDE``)."""
        return cls(
            action=action,
            moderator=moderator,
            moderator_name=THE_BOARD if moderator is None else moderator.username,
            comment_id=comment.id,
            comment_parent_id=comment.parent_id,
            comment_author=comment.commenter.username if comment.commenter else None,
            comment_excerpt=comment.content[:EXCERPT_LENGTH],
        )

    @classmethod
    def record_user_act(
        cls,
        moderator: User | None,
        moderator_name: str,
        action: str,
        user_name: str,
        detail: str | None = None,
    ) -> Self:
        """An entry about a user; ``moderator`` is None for the command line."""
        return cls(
            action=action,
            moderator=moderator,
            moderator_name=moderator_name,
            comment_excerpt="",
            user_name=user_name,
            detail=detail,
        )

    def __repr__(self) -> str:
        about = f"comment {self.comment_id}" if self.comment_id is not None else f"user {self.user_name!r}"
        return f"<ModerationAction {self.action} {about} by {self.moderator_name!r}>"

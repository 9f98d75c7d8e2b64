"""What people post on the board."""

from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .meta import MYSQL_TABLE_OPTIONS, Base
from .types import UTCDateTime, utcnow
from .user import User

#: The tutorial's column size; the form enforces it with a message before the database does.
MAX_CONTENT_LENGTH = 4096
SUBMISSION_ID_LENGTH = 32


class Comment(Base):
    __tablename__ = "comments"
    __table_args__ = (
        # Serves the posting limit: a user's comments in the last minute.
        Index("ix_comments_commenter_id_posted_at", "commenter_id", "posted_at"),
        # AUTOINCREMENT: SQLite would otherwise give a deleted comment's id (in permalinks, feed
        # entry ids and the moderation log) to the next comment.
        {**MYSQL_TABLE_OPTIONS, "sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    content: Mapped[str] = mapped_column(String(MAX_CONTENT_LENGTH))
    # Nullable: comments that predate timestamps read "at an unknown time".
    posted_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime, default=utcnow, index=True)
    commenter_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    # Names one submission of the comment form, so sending it again (a double click, or
    # pyramid_retry after a COMMIT whose outcome is unknown) cannot store it twice.
    submission_id: Mapped[Optional[str]] = mapped_column(String(SUBMISSION_ID_LENGTH), unique=True)

    # Set when the author last changed the text; the page says "edited" with this time.
    edited_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    # Set while a moderator has hidden the comment: others see "removed by a moderator".
    hidden_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    commenter: Mapped[Optional[User]] = relationship()

    @property
    def is_hidden(self):
        return self.hidden_at is not None

    def __repr__(self):
        return f"<Comment {self.id} by {self.commenter_id}>"

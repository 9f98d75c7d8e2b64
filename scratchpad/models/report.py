"""A member's report of a comment to the admins, and how an admin resolved it."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scratchpad.i18n.messages import _
from scratchpad.models.comment import Comment
from scratchpad.models.meta import MYSQL_TABLE_OPTIONS, Base
from scratchpad.models.types import UTCDateTime, utcnow
from scratchpad.models.user import MAX_USERNAME_LENGTH, User

#: The reasons a member picks from, and how the form and the inbox name them.
REASONS = {
    "spam": _("Spam or advertising"),
    "abuse": _("Abusive or harassing"),
    "off-topic": _("Off-topic"),
    "other": _("Something else"),
}
#: The optional words a member adds to the reason.
MAX_DETAILS_LENGTH = 500

#: How an admin (or the board) resolved a report.
HIDDEN = "hidden"
DELETED = "deleted"
DISMISSED = "dismissed"
RESOLUTIONS = (HIDDEN, DELETED, DISMISSED)

#: The value of ``is_open`` on an open report; a resolved one has NULL there (see below).
OPEN = True


class Report(Base):
    __tablename__ = "reports"
    __table_args__ = (
        # One open report per member per comment, in the database too. ``is_open`` is true while
        # the report is open and NULL once resolved: both SQLite and MariaDB let a unique
        # index hold any number of rows with a NULL in it, so resolved reports never block a
        # new one, without a partial index (which MariaDB lacks).
        UniqueConstraint(
            "comment_id", "reporter_id", "is_open", name="uq_reports_comment_id_reporter_id_is_open"
        ),
        # Serves the inbox (open reports, newest first) and the navbar's count.
        Index("ix_reports_is_open_id", "is_open", "id"),
        {**MYSQL_TABLE_OPTIONS, "sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # NULL once the comment is gone altogether (deleted without replies): the report stays
    # as a record of who reported and how it ended.
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="SET NULL"))
    # A deleted member's reports go with them.
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(16))
    details: Mapped[str] = mapped_column(String(MAX_DETAILS_LENGTH), default="")
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    is_open: Mapped[bool | None] = mapped_column(default=OPEN)
    # Who resolved it (their name copied, as the moderation log does), when, and how.
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolved_by: Mapped[str | None] = mapped_column(String(MAX_USERNAME_LENGTH))
    resolution: Mapped[str | None] = mapped_column(String(16))

    comment: Mapped[Comment | None] = relationship()
    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])

    @property
    def reason_text(self) -> str:
        return REASONS.get(self.reason, self.reason)

    def __repr__(self) -> str:
        return f"<Report {self.id} of comment {self.comment_id} by {self.reporter_id}>"


#: An open report, in SQL (``is_open`` is true or NULL: see ``__table_args__``).
IS_OPEN = Report.is_open.is_not(None)

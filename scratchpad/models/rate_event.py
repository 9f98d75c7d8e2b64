"""One write a user made (a post, an edit, a deletion, a report), kept for a minute for the rate limits.

Counting these rather than the comments that survive means deleting one's comments does not
free the quota, and edits and deletions, which leave no new row behind, are limited too.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from scratchpad.models.meta import MYSQL_TABLE_OPTIONS, Base
from scratchpad.models.types import UTCDateTime, utcnow

POST = "post"
EDIT = "edit"
DELETE = "delete"
REPORT = "report"


class RateEvent(Base):
    __tablename__ = "rate_events"
    __table_args__ = (
        Index("ix_rate_events_user_id_action_at", "user_id", "action", "at"),
        MYSQL_TABLE_OPTIONS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # A deleted user's events go with them: the database drops them (ON DELETE CASCADE).
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

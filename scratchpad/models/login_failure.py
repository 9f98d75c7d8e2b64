"""Failed logins, kept in the database so throttling holds across processes and restarts."""

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from scratchpad.models.meta import MYSQL_TABLE_OPTIONS, Base
from scratchpad.models.types import UTCDateTime, utcnow
from scratchpad.models.user import username_type


class LoginFailure(Base):
    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_username_failed_at", "username", "failed_at"),
        Index("ix_login_failures_client_addr_failed_at", "client_addr", "failed_at"),
        MYSQL_TABLE_OPTIONS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Canonical, whether or not such a user exists: guessing at unknown names counts too.
    username: Mapped[str] = mapped_column(username_type)
    client_addr: Mapped[str] = mapped_column(String(45))  # an IPv6 address at most
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

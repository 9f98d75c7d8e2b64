"""One-time links: invitations and password resets (which let someone choose a password),
and the links confirming a member's email address.

Only a hash of each token is stored (``accounts/tokens.py`` says why sha256 and not bcrypt),
so the table, a backup of it or a read-only SQL injection gives nobody a working link.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scratchpad.models.meta import MYSQL_TABLE_OPTIONS, Base
from scratchpad.models.types import UTCDateTime, utcnow
from scratchpad.models.user import MAX_USERNAME_LENGTH, MEMBER, User, username_type

#: Creates a new user called ``username`` with ``role``.
INVITATION = "invitation"
#: Sets a new password for the existing user ``user_id``, ending their sessions.
RESET = "reset"
#: Confirms that the user ``user_id`` receives mail at the address they gave (any newer
#: address, or none, revokes it).
EMAIL_CONFIRMATION = "email"
KINDS = (INVITATION, RESET, EMAIL_CONFIRMATION)

#: A sha256 digest in hex.
TOKEN_HASH_LENGTH = 64


class AccountToken(Base):
    __tablename__ = "account_tokens"
    __table_args__ = (
        # Serves the admin's list of open invitations and the "one open link per name" rule.
        Index("ix_account_tokens_kind_username", "kind", "username"),
        {**MYSQL_TABLE_OPTIONS, "sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(TOKEN_HASH_LENGTH), unique=True)
    # The invitee's name (canonical), or the name of the user a reset is for.
    username: Mapped[str] = mapped_column(username_type)
    role: Mapped[str] = mapped_column(String(16), default=MEMBER)
    # A reset's user; deleting the user deletes their reset links.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # Who made it: an admin's name, or "command line"; copied, as the moderation log does.
    created_by: Mapped[str] = mapped_column(String(MAX_USERNAME_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A link is open while both are NULL and it has not expired; the row stays as a record.
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User | None] = relationship()

    def is_open(self, now: datetime) -> bool:
        return self.used_at is None and self.revoked_at is None and now < self.expires_at

    def __repr__(self) -> str:
        return f"<AccountToken {self.id} {self.kind} for {self.username!r}>"

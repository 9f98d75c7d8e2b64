"""The people who may log in and post."""

import hmac
import secrets
import unicodedata
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Boolean, String, false, true
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import Mapped, mapped_column, query_expression

from scratchpad.accounts import passwords
from scratchpad.i18n.messages import Explained, _, counted
from scratchpad.models.meta import MYSQL_TABLE_OPTIONS, Base
from scratchpad.models.types import UTCDateTime

MAX_USERNAME_LENGTH = 128
#: The longest address SMTP can deliver to (RFC 5321: a 256-octet path minus its brackets).
MAX_EMAIL_LENGTH = 254
#: Room for any zoneinfo name (the longest today, America/Argentina/ComodRivadavia, is 32).
MAX_TIME_ZONE_LENGTH = 64

#: Admins moderate the board (hide, unhide and delete anyone's comments); members post.
ADMIN = "admin"
MEMBER = "member"
ROLES = (ADMIN, MEMBER)

# Compared byte for byte on every backend (MySQL's default collation would ignore case,
# accents and trailing spaces; SQLite's does not): the app canonicalises names instead.
username_type = String(MAX_USERNAME_LENGTH).with_variant(
    mysql.VARCHAR(MAX_USERNAME_LENGTH, collation="utf8mb4_bin"), "mysql", "mariadb"
)


class InvalidUsername(Explained, ValueError):
    """The name cannot be a username; the message says why."""


def canonical_username(name: str) -> str:
    """The one spelling a username is stored and looked up in: trimmed, NFC, lower case,
    so "Alice" and "alice" are the same user on SQLite and on MySQL alike."""
    return unicodedata.normalize("NFC", name.strip()).lower()


def validate_username(name: str) -> str:
    """``canonical_username(name)``, or :class:`InvalidUsername` for a name nobody could type."""
    username = canonical_username(name)
    if not username:
        raise InvalidUsername(_("A username must not be empty."))
    if len(username) > MAX_USERNAME_LENGTH:
        raise InvalidUsername(
            counted(
                "A username can be at most ${count} character long.",
                "A username can be at most ${count} characters long.",
                MAX_USERNAME_LENGTH,
            )
        )
    if any(unicodedata.category(character) in ("Cc", "Cf", "Cs", "Zl", "Zp") for character in username):
        raise InvalidUsername(_("A username must not contain control or invisible characters."))
    return username


#: 256 bits: guessing one is as hopeless as guessing the signing secret.
SESSION_SECRET_BYTES = 32
SESSION_SECRET_LENGTH = 64


def new_session_secret() -> str:
    """A random secret no other user can ever share, usable as an auth-ticket token (those must
    match ``^[A-Za-z][A-Za-z0-9+_-]*$``: a letter first, then URL-safe base64)."""
    return "s" + secrets.token_urlsafe(SESSION_SECRET_BYTES)


#: A language code as the account page saves it: ``en``, ``de``, ... (BCP 47 allows longer).
LANGUAGE_CODE_LENGTH = 16


class User(Base):
    __tablename__ = "users"
    # AUTOINCREMENT: SQLite would otherwise hand a deleted user's id to the next new user.
    __table_args__ = {**MYSQL_TABLE_OPTIONS, "sqlite_autoincrement": True}  # noqa: RUF012 (read once, by SQLAlchemy)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(username_type, unique=True)
    # bcrypt needs 60 characters; werkzeug hashes adopted from the tutorial (scrypt: ~162)
    # stay until the user's next login, which replaces them with bcrypt.
    password_hash: Mapped[str] = mapped_column(String(255))
    # A disabled user cannot log in, and the sessions they had end at once.
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Carried in every auth ticket and random per user, so a ticket can only ever be this
    # user's; renewing it (logout, new password, disabling) makes every ticket issued before
    # worthless, copies of the cookie included.
    session_secret: Mapped[str] = mapped_column(String(SESSION_SECRET_LENGTH), default=new_session_secret)
    role: Mapped[str] = mapped_column(String(16), default=MEMBER, server_default=MEMBER)
    # Where notifications go; only its owner sees it (the account page and their data
    # download). Unconfirmed (``email_confirmed_at`` NULL) until they open the link mailed
    # to it; a new address is unconfirmed again.
    email: Mapped[str | None] = mapped_column(String(MAX_EMAIL_LENGTH))
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Opted in to notifications by email (off until they tick the box); only a confirmed
    # address gets them (``wants_email``).
    email_notifications: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Set at each login (the form, or a used invitation or reset link), for the admins' list.
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Until then they may read and log in but not post, reply or edit (accounts/suspension.py);
    # a time in the past means nothing, so lifting a suspension early sets it back to NULL.
    suspended_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The language they chose on their account page (a code of i18n/languages.py), winning
    # over their browser's; NULL: as the browser asks (i18n/negotiation.py).
    language: Mapped[str | None] = mapped_column(String(LANGUAGE_CODE_LENGTH))
    # The zoneinfo name pages show them times in (i18n/time_zones.py); NULL: not chosen.
    time_zone: Mapped[str | None] = mapped_column(String(MAX_TIME_ZONE_LENGTH))
    # Not a column: the navbar's count of unread notifications, loaded with the logged-in
    # user (accounts/security.py, models/notification.py ``unread_count``); None elsewhere.
    unread_notifications: Mapped[int | None] = query_expression()

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def wants_email(self) -> bool:
        """True when notifications may be mailed: opted in, to a confirmed address."""
        return bool(self.email and self.email_confirmed_at and self.email_notifications)

    def set_password(self, password: str, rounds: int, min_length: int = 1) -> None:
        """Store a bcrypt hash of ``password`` and end the user's sessions.

        Raises ``passwords.PasswordError`` if the password breaks a rule.
        """
        self.password_hash = passwords.hash_password(password, rounds, min_length)
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        return passwords.check_password(password, self.password_hash)

    def end_sessions(self) -> None:
        self.session_secret = new_session_secret()

    def holds_session(self, tokens: Iterable[str]) -> bool:
        """True if an auth ticket carrying ``tokens`` is one of this user's current sessions;
        compared in constant time, so timing tells nothing about the secret."""
        secret = self.session_secret.encode("utf-8")
        return any(hmac.compare_digest(token.encode("utf-8"), secret) for token in tokens)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username!r}>"

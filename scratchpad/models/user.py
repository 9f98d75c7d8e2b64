"""The people who may log in and post."""

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .. import passwords
from .meta import Base


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(128), unique=True)
    password_hash: Mapped[str] = mapped_column(String(128))

    def set_password(self, password, rounds):
        """Store a bcrypt hash of ``password``; raises ``passwords.PasswordError`` if unusable."""
        self.password_hash = passwords.hash_password(password, rounds)

    def check_password(self, password):
        return passwords.check_password(password, self.password_hash)

    def __repr__(self):
        return f"<User {self.id} {self.username!r}>"

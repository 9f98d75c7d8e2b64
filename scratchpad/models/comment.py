"""What people post on the board."""

from datetime import datetime
from typing import Any

from markupsafe import Markup
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from scratchpad.board import markup
from scratchpad.models.meta import MYSQL_TABLE_OPTIONS, Base
from scratchpad.models.types import UTCDateTime, utcnow
from scratchpad.models.user import User

#: The tutorial's column size; the form enforces it with a message before the database does.
MAX_CONTENT_LENGTH = 4096
SUBMISSION_ID_LENGTH = 32
#: A comment's HTML: 4,096 characters can become ~49 kB of HTML (a link to an address of emoji,
#: each percent-encoded as 12 bytes), too close to the 64 KiB of MySQL's TEXT to rely on it;
#: MEDIUMTEXT holds 16 MiB.
HTML_TYPE = Text().with_variant(mysql.MEDIUMTEXT(), "mysql", "mariadb")


def with_html(content: str) -> dict[str, Any]:
    """The column values of a comment whose text is ``content``: the text, its HTML and the
    rules' version. The ORM sets the last two itself (``Comment.content``); writers that go
    around it (Core inserts, updates) use this, so no row stores text without its HTML."""
    return dict(content=content, html=str(markup.render_markdown(content)), html_version=markup.RULES_VERSION)


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
    # The content as HTML, made when the content is set (see ``_render``), so that reading
    # never renders Markdown; NULL on rows from before it was stored. ``html_version`` is
    # ``markup.RULES_VERSION`` at the time: HTML made under other rules is not shown.
    html: Mapped[str | None] = mapped_column(HTML_TYPE)
    html_version: Mapped[int | None]
    # Nullable: comments that predate timestamps read "at an unknown time".
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow, index=True)
    commenter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Names one submission of the comment form, so sending it again (a double click, or
    # pyramid_retry after a COMMIT whose outcome is unknown) cannot store it twice.
    submission_id: Mapped[str | None] = mapped_column(String(SUBMISSION_ID_LENGTH), unique=True)

    # Set when the author last changed the text; the page says "edited" with this time.
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set while a moderator has hidden the comment: others see "removed by a moderator".
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    commenter: Mapped[User | None] = relationship()

    @validates("content")
    def _render(self, key: str, content: str) -> str:
        """Every change of the text, in the constructor or later, stores its HTML with it (in
        the same flush, hence the same transaction)."""
        values = with_html(content)
        self.html, self.html_version = values["html"], values["html_version"]
        return content

    @property
    def content_html(self) -> Markup:
        """The HTML to show: the stored one (see ``markup.stored_or_rendered``)."""
        return markup.stored_or_rendered(self.html, self.html_version, self.content)

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    def __repr__(self) -> str:
        return f"<Comment {self.id} by {self.commenter_id}>"

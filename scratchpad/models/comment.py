"""What people post on the board."""

import secrets
from collections.abc import Collection
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy import ForeignKey, Index, String, Text, event
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, validates

from scratchpad.board import markup, mentions
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
#: A reply's place in its thread (``board/threads.py``): one segment per level below the root.
PATH_SEGMENT_LENGTH = 10  # an id as zero-padded digits: Integer ids have at most 10
#: The deepest ``scratchpad.reply_depth`` allowed, so that a path fits its column.
MAX_REPLY_DEPTH = 10
PATH_LENGTH = PATH_SEGMENT_LENGTH * MAX_REPLY_DEPTH
#: Who deleted a comment that replies hang from (its row stays as a placeholder).
DELETED_BY_AUTHOR = "author"
DELETED_BY_MODERATOR = "moderator"
#: Change stamps are drawn from 1 to this (a BIGINT holds it); 0 is the migration's, for rows
#: from before stamps.
MAX_CHANGE_STAMP = 2**63 - 1


def new_change_stamp() -> int:
    """A stamp no earlier write of the row had, as near as chance allows (one in 2**63):
    random rather than counted, so a row written by an import or a copy (which may bring a
    comment back under an id that was shown before) cannot meet the stamp it had then."""
    return secrets.randbelow(MAX_CHANGE_STAMP) + 1


def with_html(content: str, mentionable: Collection[str] = ()) -> dict[str, Any]:
    """The column values of a comment whose text is ``content``: the text, its HTML and the
    rules' version. The ORM sets the last two itself (``Comment.content``); writers that go
    around it (Core inserts, updates) use this, so no row stores text without its HTML.
    ``mentionable``: the names of ``existing_usernames``, which its mentions link to."""
    html = str(markup.render_markdown(content, mentionable))
    return dict(content=content, html=html, html_version=markup.RULES_VERSION)


def existing_usernames(connection: Session | sa.Connection, texts: Collection[str]) -> set[str]:
    """The users that ``texts`` may mention and that exist: one statement for all of them,
    none when no text has an ``@name``."""
    names = set().union(*(mentions.candidates(text) for text in texts))
    if not names:
        return set()
    return set(connection.execute(sa.select(User.username).where(User.username.in_(sorted(names)))).scalars())


class Comment(Base):
    __tablename__ = "comments"
    __table_args__ = (
        # Serves the posting limit: a user's comments in the last minute.
        Index("ix_comments_commenter_id_posted_at", "commenter_id", "posted_at"),
        # Serves a user's comments page (/users/<name>), newest first.
        Index("ix_comments_commenter_id_id", "commenter_id", "id"),
        # Serves a thread page (its replies in order) and the board's first replies of each thread.
        Index("ix_comments_thread_id_path", "thread_id", "path"),
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

    # Threads (board/threads.py). A root has all three NULL. A reply names the comment it
    # answers (``parent_id``), its thread's root (``thread_id``), and where it is shown in
    # the thread (``path``: the ids of the replies it sits under, then its own).
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"), index=True)
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"))
    path: Mapped[str | None] = mapped_column(String(PATH_LENGTH))
    # On a root: how many replies its thread has, for "all N replies" without counting them.
    # The migration gave the column a server default (0 for the rows it found); the model
    # sets it itself: a server default here would make every INSERT of a comment fetch it
    # back (RETURNING), and on SQLite a connection lost in the middle of such an INSERT then
    # kept its write lock (tests/mysql/test_retry.py).
    reply_count: Mapped[int] = mapped_column(default=0)
    # Set when a comment that has replies is deleted: its text is gone, its row stays so its
    # replies keep their place; ``deleted_by`` says whose act it was, for the placeholder.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_by: Mapped[str | None] = mapped_column(String(16))
    # Set while the comment waits for an admin's approval (``scratchpad.premoderate_first``):
    # only its author and the admins see it (board/visible.py). Approving clears it and
    # keeps ``posted_at``.
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # Drawn anew by every write of the row, by the ORM or a Core UPDATE alike (``onupdate``):
    # the page of threads keeps each comment's drawn HTML under it, and reads a comment's HTML
    # only when the kept drawing is not of its current stamp (board/threads.py). A write that
    # goes around SQLAlchemy (raw SQL) must set it too. Not in exports: it names a row's state
    # in one database's caches, nothing the board shows.
    change_stamp: Mapped[int] = mapped_column(
        sa.BigInteger, default=new_change_stamp, onupdate=new_change_stamp
    )

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

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_waiting(self) -> bool:
        return self.waiting_since is not None

    @property
    def is_reply(self) -> bool:
        return self.parent_id is not None

    @property
    def root_id(self) -> int:
        """The id of the thread's root: the thread page's."""
        return self.thread_id if self.thread_id is not None else self.id

    def __repr__(self) -> str:
        return f"<Comment {self.id} by {self.commenter_id}>"


def readable_by_everyone() -> tuple[sa.ColumnElement[bool], ...]:
    """What a comment shown outside its thread (the feed, the API, a user's page, a
    notification) must be: neither hidden nor deleted, nor waiting for a moderator."""
    return (Comment.hidden_at.is_(None), Comment.deleted_at.is_(None), Comment.waiting_since.is_(None))


@event.listens_for(Session, "before_flush")
def _link_mentions(session: Session, flush_context: Any, instances: Any) -> None:
    """A new or changed text's mentions of existing users become links, in the same flush as
    the text (``_render`` cannot look users up: a new comment is in no session yet). Rendered
    a second time only when the text does mention someone."""
    for comment in (*session.new, *session.dirty):
        if not isinstance(comment, Comment):
            continue
        if comment not in session.new and not sa.inspect(comment).attrs.content.history.has_changes():
            continue
        with session.no_autoflush:
            mentioned = existing_usernames(session, [comment.content])
        if mentioned:
            values = with_html(comment.content, mentioned)
            comment.html, comment.html_version = values["html"], values["html_version"]

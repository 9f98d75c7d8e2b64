"""Reading the board a page at a time, and checking what people post."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, contains_eager

from scratchpad.board import keyset
from scratchpad.models import Comment, User
from scratchpad.models.comment import MAX_CONTENT_LENGTH


class InvalidComment(ValueError):
    """The text cannot be posted; the message says why, for the person who typed it."""


def clean_content(raw: str) -> str:
    """The text to store, or :class:`InvalidComment`. Line endings become ``\\n``."""
    content = raw.replace("\r\n", "\n").replace("\r", "\n")
    if not content.strip():
        raise InvalidComment("Please write something before posting.")
    if "\x00" in content:
        raise InvalidComment("The comment contains a NUL character, which cannot be stored.")
    if "\ufffd" in content:
        # WebOb decodes form bytes that are not UTF-8 as U+FFFD instead of failing; refuse
        # them rather than store text that silently differs from what was sent.
        raise InvalidComment(
            "The comment contains characters that could not be read (sent as something other "
            "than UTF-8, or pasted as \ufffd); please remove them."
        )
    if len(content) > MAX_CONTENT_LENGTH:
        raise InvalidComment(
            f"Comments can be at most {MAX_CONTENT_LENGTH:,} characters long; this one has {len(content):,}."
        )
    return content


@dataclass
class CommentsPage:
    comments: list[Comment]
    older_than: int | None  # the ``before`` value for the next older page, if there is one
    is_newest: bool


def newest_comments(dbsession: Session, page_size: int, before: int | None = None) -> CommentsPage:
    """One page of comments, newest first, each with its commenter, in ONE statement
    (keyset pagination on the primary key: see ``keyset``)."""
    query = (
        sa.select(Comment)
        .outerjoin(Comment.commenter)
        # Only what the page shows: never the commenters' password hashes.
        .options(contains_eager(Comment.commenter).load_only(User.username))
    )
    page = keyset.page_of(
        dbsession.scalars(keyset.newest_first(query, Comment.id, page_size, before)), page_size
    )
    return CommentsPage(comments=page.rows, older_than=page.older_than, is_newest=before is None)


def page_holding(dbsession: Session, comment_id: int, page_size: int) -> int | None:
    """The ``before`` value of the page of the board that shows ``comment_id`` (None for the
    newest page): the same pages the "Older comments" links lead through, hidden comments
    included, as the page shows them too. Two statements, both on the primary key."""
    newer = dbsession.execute(
        sa.select(sa.func.count()).select_from(Comment).where(Comment.id > comment_id)
    ).scalar_one()
    page_start = (newer // page_size) * page_size
    if page_start == 0:
        return None
    # The last comment of the page before it, counted from the oldest of the newer ones.
    return dbsession.scalar(
        sa.select(Comment.id)
        .where(Comment.id > comment_id)
        .order_by(Comment.id)
        .offset(newer - page_start)
        .limit(1)
    )

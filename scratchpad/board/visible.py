"""The board as it is published outside its page (the feed, the API): visible comments only.

A comment a moderator hid is left out altogether, where the page shows a placeholder; so is
what is left of a deleted comment that had replies (its placeholder row, without text).
"""

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import Session

from scratchpad.board import keyset, markup
from scratchpad.models import Comment, User


def newest_visible(dbsession: Session, limit: int, before: int | None = None) -> keyset.Page:
    """A ``keyset.Page`` of up to ``limit`` visible comments, newest first, older than
    comment ``before`` if given: rows with ``id``, ``content``, ``html`` (see ``html_of``),
    ``html_version``, ``posted_at``, ``edited_at``, ``parent_id`` (None: a thread's root) and
    ``username`` (None: anonymous).

    One statement, with the commenters' names joined in (and nothing else of theirs: never a
    password hash). Hidden comments are skipped by the scan, which stays cheap while they are
    few.
    """
    query = (
        sa.select(
            Comment.id,
            Comment.content,
            Comment.html,
            Comment.html_version,
            Comment.posted_at,
            Comment.edited_at,
            Comment.parent_id,
            User.username,
        )
        .outerjoin(Comment.commenter)
        .where(*is_visible())
    )
    return keyset.page_of(dbsession.execute(keyset.newest_first(query, Comment.id, limit, before)), limit)


def is_visible() -> tuple[sa.ColumnElement[bool], ...]:
    """What a comment published outside its thread (the feed, the API, a user's page) must be:
    neither hidden nor deleted."""
    return (Comment.hidden_at.is_(None), Comment.deleted_at.is_(None))


def html_of(comment: Any) -> Markup:
    """The HTML to show for a ``newest_visible`` row: the stored one, as ``Comment.content_html``."""
    return markup.stored_or_rendered(comment.html, comment.html_version, comment.content)


def rfc3339(moment: datetime) -> str:
    """``2026-11-24T09:05:00Z``: Atom's date format (RFC 3339), also ISO 8601, to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

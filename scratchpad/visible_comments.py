"""The board as it is published outside its page (the feed, the API): visible comments only.

A comment a moderator hid is left out altogether, where the page shows a placeholder.
"""

from dataclasses import dataclass
from datetime import timezone

import sqlalchemy as sa

from .models import Comment, User


@dataclass
class VisiblePage:
    #: Rows with ``id``, ``content``, ``posted_at``, ``edited_at`` and ``username`` (None: anonymous).
    comments: list
    older_than: int | None  # the ``before`` value for the next older page, if there is one


def newest_visible(dbsession, limit, before=None):
    """Up to ``limit`` visible comments, newest first, older than comment ``before`` if given.

    One statement, with the commenters' names joined in (and nothing else of theirs: never a
    password hash). The same keyset as the page, on the primary key, so a deep page costs
    what the first one does; hidden comments are skipped by the scan, which stays cheap while
    they are few.
    """
    query = (
        sa.select(Comment.id, Comment.content, Comment.posted_at, Comment.edited_at, User.username)
        .outerjoin(Comment.commenter)
        .where(Comment.hidden_at.is_(None))
        .order_by(Comment.id.desc())
        .limit(limit + 1)
    )
    if before is not None:
        query = query.where(Comment.id < before)
    comments = dbsession.execute(query).all()
    has_older = len(comments) > limit
    comments = comments[:limit]
    return VisiblePage(comments=comments, older_than=comments[-1].id if has_older else None)


def rfc3339(moment):
    """``2026-11-24T09:05:00Z``: Atom's date format (RFC 3339), also ISO 8601, to the second."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

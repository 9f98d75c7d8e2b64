"""Which comments a viewer may see: the one place that says so.

A comment waiting for an admin's approval (``Comment.waiting_since``, pre-moderation) is
seen by its author (marked "waiting for a moderator") and by the admins, by nobody else,
anywhere: the board, thread pages and permalinks (``may_see``, ``waiting_shown_to``), the
feed and the API (``newest_visible``: never, whoever asks), search (admins only) and
whatever page lists comments next. Replies: nobody else sees a waiting comment, so nobody
may answer it until it is approved (``board/views/reply.py``).

The board as it is published outside its page (the feed, the API) shows visible comments
only: a comment a moderator hid is left out altogether, where the page shows a placeholder;
so is what is left of a deleted comment that had replies (its placeholder row, without text).
"""

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import Session

from scratchpad.board import keyset, markup
from scratchpad.models import Comment, User
from scratchpad.models.comment import readable_by_everyone

#: The bound parameter of ``waiting_shown_to``: the viewer's user id (0 for nobody).
VIEWER_ID = "viewer_id"
#: Comments that wait for nobody: the only ones published outside the pages.
PUBLISHED = Comment.waiting_since.is_(None)
#: What a page of comments outside their threads (the feed, the API, a user's page, the
#: notifications) shows of each, besides its id and its author's name (``html_of``).
SHOWN_COLUMNS = (
    Comment.content,
    Comment.html,
    Comment.html_version,
    Comment.posted_at,
    Comment.edited_at,
    Comment.parent_id,
)


def sees_every_waiting(viewer: User | None) -> bool:
    """Admins see every waiting comment (to approve or reject it)."""
    return viewer is not None and viewer.is_admin


def may_see(viewer: User | None, comment: Comment) -> bool:
    """Whether ``viewer`` (None: anonymous) may see ``comment`` at all: any comment that is
    not waiting (hidden and deleted ones have placeholders of their own), and a waiting one
    only if it is theirs or they are an admin."""
    if comment.waiting_since is None:
        return True
    return sees_every_waiting(viewer) or (viewer is not None and viewer.id == comment.commenter_id)


def waiting_shown_to(comment: Any = Comment) -> sa.ColumnElement[bool]:
    """``may_see`` in SQL, for the comments ``comment`` (the table or an alias of it) names,
    for a viewer who is not an admin (admins need no condition): published, or the viewer's
    own. The viewer is the bound parameter ``viewer_id`` (``viewer_parameters``), so a
    statement built once serves every viewer."""
    return sa.or_(comment.waiting_since.is_(None), comment.commenter_id == sa.bindparam(VIEWER_ID))


def viewer_parameters(viewer: User | None) -> dict[str, int]:
    """The parameters ``waiting_shown_to`` takes; ids start at 1, so 0 is nobody's."""
    return {VIEWER_ID: 0 if viewer is None else viewer.id}


def newest_visible(dbsession: Session, limit: int, before: int | None = None) -> keyset.Page:
    """A ``keyset.Page`` of up to ``limit`` visible comments, newest first, older than
    comment ``before`` if given: rows with ``id``, ``content``, ``html`` (see ``html_of``),
    ``html_version``, ``posted_at``, ``edited_at``, ``parent_id`` (None: a thread's root) and
    ``username`` (None: anonymous).

    One statement, with the commenters' names joined in (and nothing else of theirs: never a
    password hash). Hidden and waiting comments are skipped by the scan, which stays cheap
    while they are few.
    """
    query = (
        sa.select(
            Comment.id,
            *SHOWN_COLUMNS,
            User.username,
        )
        .outerjoin(Comment.commenter)
        .where(*readable_by_everyone())
    )
    return keyset.page_of(dbsession.execute(keyset.newest_first(query, Comment.id, limit, before)), limit)


def html_of(comment: Any) -> Markup:
    """The HTML to show for a ``newest_visible`` row: the stored one, as ``Comment.content_html``."""
    return markup.stored_or_rendered(comment.html, comment.html_version, comment.content)


def rfc3339(moment: datetime) -> str:
    """``2026-11-24T09:05:00Z``: Atom's date format (RFC 3339), also ISO 8601, to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

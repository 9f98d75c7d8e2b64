"""``/users/<name>``: a user's visible comments, newest first, a keyset page at a time, where
mentions (``board/mentions.py``) lead.

One statement a page, which also tells an unknown name (404) from a user with no comments:
the user, outer-joined to the page of their comments. Visible as in the feed and the API
(``comment.readable_by_everyone``): a hidden or deleted comment is not listed, for anyone.
"""

from typing import Any

import sqlalchemy as sa
from pyramid.httpexceptions import HTTPNotFound
from pyramid.request import Request
from pyramid.view import view_config
from sqlalchemy.orm import Session

from scratchpad.board import keyset
from scratchpad.board.visible import SHOWN_COLUMNS, html_of
from scratchpad.i18n.messages import _
from scratchpad.models import Comment, User
from scratchpad.models.comment import readable_by_everyone
from scratchpad.models.user import canonical_username

TEMPLATE = "scratchpad:templates/comments/user.jinja2"


def users_page(
    dbsession: Session, username: str, limit: int, before: int | None
) -> tuple[str, keyset.Page] | None:
    """The user's name and a page of their visible comments (``visible.newest_visible``'s rows
    without ``username``), or None when there is no such user."""
    shown = sa.and_(Comment.commenter_id == User.id, *readable_by_everyone())
    if before is not None:
        shown = sa.and_(shown, Comment.id < before)
    query = (
        sa.select(
            User.username,
            Comment.id,
            *SHOWN_COLUMNS,
        )
        .outerjoin(Comment, shown)
        .where(User.username == username)
        .order_by(Comment.id.desc())
        .limit(limit + 1)
    )
    rows = dbsession.execute(query).all()
    if not rows:
        return None
    comments = [row for row in rows if row.id is not None]
    return rows[0].username, keyset.page_of(comments, limit)


@view_config(route_name="users.comments", request_method="GET", renderer=TEMPLATE, permission="view")
def user_comments(request: Request) -> dict[str, Any]:
    before = keyset.before_param(request, "comment")
    found = users_page(
        request.dbsession,
        canonical_username(request.matchdict["username"]),
        request.registry.settings["scratchpad.page_size"],
        before,
    )
    if found is None:
        raise HTTPNotFound(_("There is no user of that name."))
    username, page = found
    return dict(username=username, page=page, html_of=html_of, is_newest=before is None)

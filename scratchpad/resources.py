"""What each URL acts on, and who may do what to it: the site itself (``Root``) for every route
but a comment's own, and one comment (``CommentResource``), loaded from the URL's id."""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, cast

import sqlalchemy as sa
from pyramid.authorization import Allow, Authenticated, Everyone
from pyramid.httpexceptions import HTTPNotFound
from pyramid.request import Request

from scratchpad.board import visible
from scratchpad.board.page_cache import REVISION_READ
from scratchpad.i18n.messages import _
from scratchpad.models import Comment, ThreadStamp, loaded
from scratchpad.models.board import REVISION_QUERY
from scratchpad.models.prepared import Prepared
from scratchpad.models.types import utcnow
from scratchpad.models.user import ADMIN

if TYPE_CHECKING:
    from scratchpad.board.threads import CommentRow


class Root:
    """The context of every route but a comment's own: anyone may view, logged-in users may
    post and manage their account, admins may moderate and manage users (see ``CommentResource`` for a single comment)."""

    __acl__: ClassVar[list[tuple[str, str, str | tuple[str, ...]]]] = [
        (Allow, Everyone, "view"),
        (Allow, Authenticated, ("post", "account")),
        (Allow, f"role:{ADMIN}", ("moderate", "manage_users")),
    ]

    def __init__(self, request: Request) -> None:
        self.request = request


COMMENT_COLUMNS = loaded.columns_of(Comment)
COMMENT_KEYS = tuple(key for key, _ in COMMENT_COLUMNS)
COMMENTS = cast(sa.Table, Comment.__table__)
THREAD_STAMPS = cast(sa.Table, ThreadStamp.__table__)
#: The URL's comment as plain columns (made the session's by ``loaded.as_loaded``), with the
#: board's revision (see ``comment_factory``): built once, as building it cost more than
#: running it, and run on the driver's cursor (models/prepared.py).
COMMENT_SELECT = sa.select(
    *(column for _, column in COMMENT_COLUMNS), REVISION_QUERY.scalar_subquery().label("board_revision")
).where(COMMENTS.c.id == sa.bindparam("comment_id"))
COMMENT_READ = Prepared(COMMENT_SELECT)
#: A thread page's root: ``COMMENT_READ`` with its thread's stamp (``board/stamped.py``).
THREAD_ROOT_READ = Prepared(
    COMMENT_SELECT.add_columns(
        sa.select(THREAD_STAMPS.c.stamp)
        .where(THREAD_STAMPS.c.root_id == sa.func.coalesce(COMMENTS.c.thread_id, COMMENTS.c.id))
        .scalar_subquery()
        .label("thread_stamp")
    )
)
#: ``request.thread_stamp_read``: the stamp of the thread of the page's root, as read with it.
THREAD_STAMP_READ = "thread_stamp_read"


def comment_factory(request: Request) -> "CommentResource":
    """The comment the URL names; locked until the request ends when it may be changed.

    A plain read would let a moderator hide or delete the comment between this check and the
    author's edit, which then lands on a comment the moderator never saw (or on a vanished
    row, a 500). With the row locked (``FOR UPDATE``; SQLite's write lock does the same),
    whoever comes second waits, then sees what the first did.
    """
    comment_id = int(request.matchdict["comment_id"])
    if request.method in loaded.SAFE_METHODS:
        # With the board's revision, which a kept thread page is checked against
        # (board/kept_pages.py): the same statement, the same snapshot.
        dbsession = request.dbsession
        row = COMMENT_READ.one_or_none(dbsession.connection(), {"comment_id": comment_id})
        setattr(request, REVISION_READ, None if row is None else row.board_revision)
        comment = None if row is None else loaded.as_loaded(dbsession, Comment, comment_values(row))
    else:
        locked = sa.select(Comment).where(Comment.id == comment_id).with_for_update()
        comment = request.dbsession.scalars(locked.execution_options(populate_existing=True)).one_or_none()
    return resource_of(request, comment)


def resource_of(request: Request, comment: Comment | None) -> "CommentResource":
    """The URL's comment as the reader may have it: a comment waiting for approval is there
    only for its author and the admins (board/visible.py); to anyone else, as to everyone for
    a comment that does not exist, a 404."""
    if comment is None or (comment.is_waiting and not visible.may_see(request.identity, comment)):
        raise HTTPNotFound(_("There is no comment with that number."))
    return CommentResource(comment, request.registry.settings["scratchpad.edit_window"])


def comment_values(row: Any) -> dict[str, Any]:
    """``COMMENT_READ``'s row as the comment's values, by attribute name."""
    return dict(zip(COMMENT_KEYS, row, strict=False))


def thread_root_factory(request: Request) -> "CommentResource":
    """A thread's page (``comments.show``): for a read, its root read on a connection of its
    own, before any ORM session (models/loaded.py), so that a kept thread page needs none;
    the comment joins the request's session if the page is drawn. Only here: the other
    pages of a comment show its author through the ORM (``comment.commenter``), which a
    comment outside a session cannot load."""
    if request.method not in loaded.SAFE_METHODS:
        return comment_factory(request)
    comment_id = int(request.matchdict["comment_id"])
    row = THREAD_ROOT_READ.one_or_none(loaded.early_connection(request), {"comment_id": comment_id})
    if row is None:
        return resource_of(request, None)
    # Before the member's (accounts/security.py): the revision the root was read at.
    setattr(request, REVISION_READ, row.board_revision)
    setattr(request, THREAD_STAMP_READ, row.thread_stamp)
    comment = loaded.as_detached(Comment, comment_values(row))
    loaded.join_when_made(request, comment)
    return resource_of(request, comment)


class CommentResource:
    """One comment, and who may do what to it.

    Its author may edit and delete it for ``scratchpad.edit_window`` seconds after posting,
    while it is not hidden; admins may hide, unhide and delete any comment, but never put
    words in someone else's mouth by editing it. Logged-in users may reply and report (the
    reply and report views refuse, in words, a comment that is hidden or deleted, and the
    report view one's own). A comment deleted while it had
    replies is a placeholder: nothing is left to edit, hide or delete.
    """

    def __init__(self, comment: Comment, edit_window: int) -> None:
        self.comment = comment
        self.edit_window = timedelta(seconds=edit_window)

    @property
    def editable_until(self) -> datetime | None:
        if self.comment.posted_at is None:
            return None
        return self.comment.posted_at + self.edit_window

    def in_edit_window(self) -> bool:
        return self.editable_until is not None and utcnow() < self.editable_until

    @property
    def __acl__(self) -> list[tuple[str, str, str | tuple[str, ...]]]:
        comment = self.comment
        if comment.is_deleted:
            return [(Allow, Everyone, "view"), (Allow, Authenticated, "reply")]
        acl: list[tuple[str, str, str | tuple[str, ...]]] = [
            (Allow, Everyone, "view"),
            (Allow, Authenticated, ("reply", "report")),
            (Allow, f"role:{ADMIN}", ("moderate", "delete")),
        ]
        if comment.commenter_id is not None and not comment.is_hidden and self.in_edit_window():
            acl.append((Allow, f"u:{comment.commenter_id}", ("edit", "delete")))
        return acl


def permitted_on(request: Request, permission: str, comment: "Comment | CommentRow") -> bool:
    """Whether the visitor may ``permission`` the comment: what the board shows buttons for.
    The ACL reads ``is_deleted``, ``is_hidden``, ``commenter_id`` and ``posted_at``, which the
    row a page of threads reads (``threads.CommentRow``) has as the model does."""
    resource = CommentResource(cast(Comment, comment), request.registry.settings["scratchpad.edit_window"])
    return bool(request.has_permission(permission, resource))

"""The site's URL map, top to bottom, and the resource each comment URL acts on."""

from datetime import timedelta

import sqlalchemy as sa
from pyramid.authorization import Allow, Everyone
from pyramid.httpexceptions import HTTPNotFound

from scratchpad.models import Comment
from scratchpad.models.types import utcnow
from scratchpad.models.user import ADMIN

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
COMMENT_ID = r"{comment_id:[1-9][0-9]{0,17}}"
#: What can be done to one comment, each at ``/comments/<id>/<action>``.
COMMENT_ACTIONS = ("edit", "delete", "hide", "unhide")


def includeme(config):
    config.add_static_view("static", "scratchpad:static", cache_max_age=3600)
    config.add_route("comments.index", "/")
    config.add_route("comments.show", f"/comments/{COMMENT_ID}", factory=comment_factory)
    for action in COMMENT_ACTIONS:
        config.add_route(f"comments.{action}", f"/comments/{COMMENT_ID}/{action}", factory=comment_factory)
    config.add_route("admin.moderation", "/admin/moderation")
    config.add_route("feed.atom", "/feed.atom")
    config.add_route("api.comments", "/api/comments")
    config.add_route("accounts.login", "/login/")
    config.add_route("accounts.logout", "/logout/")
    config.add_route("healthz", "/healthz")
    config.add_request_method(comments_prefix, "comments_prefix", reify=True)
    config.add_request_method(comment_path, "comment_path")
    config.add_request_method(comment_url, "comment_url")


def comments_prefix(request):
    """``/comments/`` under the app's mount point, made once per request: a page draws up to
    four links per comment."""
    return f"{request.route_path('comments.index')}comments/"


def comment_path(request, comment_id, action=None):
    """``/comments/<id>`` or ``/comments/<id>/<action>``, under the app's mount point: what
    ``route_path("comments.show"/"comments.<action>", comment_id=...)`` gives.

    Made here rather than by ``route_path``, because Pyramid keeps every path segment it
    quotes in a module-level dict that is never emptied (``traversal.quote_path_segment``):
    one entry for every comment a page ever linked to, about 20 MiB per 100,000 comments in
    the bench. An id is digits, which need no quoting.
    """
    if action is not None and action not in COMMENT_ACTIONS:
        raise ValueError(f"no such comment action: {action!r}")
    path = f"{request.comments_prefix}{int(comment_id)}"
    return path if action is None else f"{path}/{action}"


def comment_url(request, comment_id, action=None):
    """The absolute form of ``comment_path``, for the feed and the API."""
    return request.host_url + comment_path(request, comment_id, action)


def comment_factory(request):
    """The comment the URL names; locked until the request ends when it may be changed.

    A plain read would let a moderator hide or delete the comment between this check and the
    author's edit, which then lands on a comment the moderator never saw (or on a vanished
    row, a 500). With the row locked (``FOR UPDATE``; SQLite's write lock does the same),
    whoever comes second waits, then sees what the first did.
    """
    query = sa.select(Comment).where(Comment.id == int(request.matchdict["comment_id"]))
    if request.method not in SAFE_METHODS:
        query = query.with_for_update().execution_options(populate_existing=True)
    comment = request.dbsession.scalars(query).one_or_none()
    if comment is None:
        raise HTTPNotFound("There is no comment with that number.")
    return CommentResource(comment, request.registry.settings["scratchpad.edit_window"])


class CommentResource:
    """One comment, and who may do what to it.

    Its author may edit and delete it for ``scratchpad.edit_window`` seconds after posting,
    while it is not hidden; admins may hide, unhide and delete any comment, but never put
    words in someone else's mouth by editing it.
    """

    def __init__(self, comment, edit_window):
        self.comment = comment
        self.edit_window = timedelta(seconds=edit_window)

    @property
    def editable_until(self):
        if self.comment.posted_at is None:
            return None
        return self.comment.posted_at + self.edit_window

    def in_edit_window(self):
        return self.editable_until is not None and utcnow() < self.editable_until

    @property
    def __acl__(self):
        acl = [
            (Allow, Everyone, "view"),
            (Allow, f"role:{ADMIN}", ("moderate", "delete")),
        ]
        comment = self.comment
        if comment.commenter_id is not None and not comment.is_hidden and self.in_edit_window():
            acl.append((Allow, f"u:{comment.commenter_id}", ("edit", "delete")))
        return acl


def permitted_on(request, permission, comment):
    """Whether the visitor may ``permission`` the comment: what the board shows buttons for."""
    resource = CommentResource(comment, request.registry.settings["scratchpad.edit_window"])
    return bool(request.has_permission(permission, resource))

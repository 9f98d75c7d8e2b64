"""The site's URL map, top to bottom, and the resource each comment URL acts on."""

from datetime import timedelta

from pyramid.authorization import Allow, Everyone
from pyramid.httpexceptions import HTTPNotFound

from .models import Comment
from .models.types import utcnow
from .models.user import ADMIN

COMMENT_ID = r"{comment_id:[1-9][0-9]{0,17}}"


def includeme(config):
    config.add_static_view("static", "scratchpad:static", cache_max_age=3600)
    config.add_route("comments.index", "/")
    config.add_route("comments.show", f"/comments/{COMMENT_ID}", factory=comment_factory)
    config.add_route("comments.edit", f"/comments/{COMMENT_ID}/edit", factory=comment_factory)
    config.add_route("comments.delete", f"/comments/{COMMENT_ID}/delete", factory=comment_factory)
    config.add_route("comments.hide", f"/comments/{COMMENT_ID}/hide", factory=comment_factory)
    config.add_route("comments.unhide", f"/comments/{COMMENT_ID}/unhide", factory=comment_factory)
    config.add_route("admin.moderation", "/admin/moderation")
    config.add_route("feed.atom", "/feed.atom")
    config.add_route("api.comments", "/api/comments")
    config.add_route("accounts.login", "/login/")
    config.add_route("accounts.logout", "/logout/")
    config.add_route("healthz", "/healthz")


def comment_factory(request):
    comment = request.dbsession.get(Comment, int(request.matchdict["comment_id"]))
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

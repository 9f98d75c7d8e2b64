"""The site's URL map, top to bottom, and the paths to a comment that pages link to."""

from pyramid.config import Configurator
from pyramid.request import Request

from scratchpad.resources import comment_factory, thread_root_factory

COMMENT_ID = r"{comment_id:[1-9][0-9]{0,17}}"
#: What can be done to one comment, each at ``/comments/<id>/<action>``.
COMMENT_ACTIONS = ("edit", "delete", "hide", "unhide", "reply", "report")
USER_ID = r"{user_id:[1-9][0-9]{0,17}}"
#: What an admin can do to one user from /admin/users, each a POST to ``/admin/users/<id>/<act>``.
USER_ACTS = ("disable", "enable", "role", "reset", "suspend", "unsuspend")


def includeme(config: Configurator) -> None:
    config.add_static_view("static", "scratchpad:static", cache_max_age=3600)
    config.add_route("comments.index", "/")
    config.add_route("comments.show", f"/comments/{COMMENT_ID}", factory=thread_root_factory)
    for action in COMMENT_ACTIONS:
        config.add_route(f"comments.{action}", f"/comments/{COMMENT_ID}/{action}", factory=comment_factory)
    config.add_route("admin.moderation", "/admin/moderation")
    config.add_route("admin.inbox", "/admin/inbox")
    config.add_route("admin.inbox_waiting", "/admin/inbox/waiting")
    config.add_route("admin.users", "/admin/users")
    config.add_route("admin.invitations", "/admin/users/invitations")
    for act in USER_ACTS:
        config.add_route(f"admin.user_{act}", f"/admin/users/{USER_ID}/{act}")
    config.add_route("admin.invitation_revoke", r"/admin/invitations/{invitation_id:[1-9][0-9]{0,17}}/revoke")
    config.add_route("users.comments", "/users/{username:.+}")
    config.add_route("notifications", "/notifications")
    config.add_route("notifications.read_all", "/notifications/read")
    config.add_route("notifications.feed_address", "/notifications/feed-address")
    config.add_route("notifications.feed_address_end", "/notifications/feed-address/end")
    config.add_route("notifications.feed", "/notifications/feed/{token}")
    config.add_route("feed.atom", "/feed.atom")
    config.add_route("api.comments", "/api/comments")
    config.add_route("search", "/search")
    config.add_route("i18n.time_zone", "/time-zone")
    config.add_route("accounts.login", "/login/")
    config.add_route("accounts.logout", "/logout/")
    config.add_route("accounts.account", "/account")
    config.add_route("accounts.password", "/account/password")
    config.add_route("accounts.sessions", "/account/sessions")
    config.add_route("accounts.email", "/account/email")
    config.add_route("accounts.language", "/account/language")
    config.add_route("accounts.data", "/account/data.json")
    config.add_route("accounts.invitation", "/invitations/{token}")
    config.add_route("accounts.reset", "/reset/{token}")
    config.add_route("mail.confirm", "/confirm-email/{token}")
    config.add_route("mail.unsubscribe", "/unsubscribe/{token}")
    config.add_route("language", "/language/{code}")
    config.add_route("healthz", "/healthz")
    config.add_route("metrics", "/metrics")
    config.add_request_method(comments_prefix, "comments_prefix", reify=True)
    config.add_request_method(comment_path, "comment_path")
    config.add_request_method(comment_url, "comment_url")


def comments_prefix(request: Request) -> str:
    """``/comments/`` under the app's mount point, made once per request: a page draws up to
    four links per comment."""
    return f"{request.route_path('comments.index')}comments/"


def comment_path(request: Request, comment_id: int, action: str | None = None) -> str:
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


def comment_url(request: Request, comment_id: int, action: str | None = None) -> str:
    """The absolute form of ``comment_path``, for the feed and the API."""
    return request.host_url + comment_path(request, comment_id, action)

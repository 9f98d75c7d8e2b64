"""The notification pages: ``/notifications`` (a member's own, newest first, read as they are
shown), "mark all read", the private feed address (made and ended from the account page),
and the feed itself.

"Read" means shown: the page marks the entries it shows, after reading them, so they are
drawn as new this once, and the navbar's count drops by as many. Following an entry's link
needs nothing more, and works without JavaScript.
"""

from functools import partial
from types import SimpleNamespace
from typing import Any

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.request import Request
from pyramid.response import Response
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config

from scratchpad.board import atom, keyset, member_pages
from scratchpad.board.visible import html_of
from scratchpad.i18n.messages import _, plural, translate
from scratchpad.i18n.negotiation import from_accept_language
from scratchpad.models import NotificationFeed
from scratchpad.notifications import entries, feed_address, listing

TEMPLATE = "scratchpad:templates/notifications/index.jinja2"
FEED_ADDRESS_TEMPLATE = "scratchpad:templates/notifications/feed_address.jinja2"
FEED_LENGTH = 50
#: A feed reader may keep the document, but asks each time; no shared cache may keep it.
FEED_CACHE_CONTROL = "private, no-cache"


@view_config(
    route_name="notifications",
    request_method="GET",
    renderer=TEMPLATE,
    permission="account",
    decorator="scratchpad.board.kept_pages.notifications_page",
)
def notifications(request: Request) -> dict[str, Any]:
    user = request.identity
    page = listing.newest(
        request.dbsession,
        user.id,
        request.registry.settings["scratchpad.page_size"],
        keyset.before_param(request, "notification"),
    )
    newly_read = listing.mark_read(
        request.dbsession, user.id, [row.id for row in page.rows if row.read_at is None]
    )
    if newly_read:
        # Shown as new this once: a page to fill in for this request, not to keep.
        setattr(request, member_pages.DRAWN_FOR_ONE, True)
        setattr(request, member_pages.UNREAD_SHOWN, max(0, (user.unread_notifications or 0) - newly_read))
    return dict(
        page=page,
        html_of=html_of,
        drawn_entries=lambda rows, draw: entries.drawn(request, rows, draw),
        is_newest=request.GET.get("before") is None,
        # The navbar's count was loaded with the user, before these were marked.
        unread_notifications=max(0, (user.unread_notifications or 0) - newly_read),
    )


@view_config(route_name="notifications.read_all", request_method="POST", permission="account")
def mark_all_read(request: Request) -> Response:
    marked = listing.mark_all_read(request.dbsession, request.identity.id)
    request.session.flash(
        plural(request, "${count} notification marked read.", "${count} notifications marked read.", marked)
        if marked
        else translate(request, _("Nothing was unread."))
    )
    return HTTPSeeOther(location=request.route_url("notifications"))


def current_feed(request: Request) -> NotificationFeed | None:
    """The logged-in member's feed address row, for the account page (``request.notification_feed``)."""
    return feed_address.current(request.dbsession, request.identity.id)


@view_config(
    route_name="notifications.feed_address",
    request_method="POST",
    renderer=FEED_ADDRESS_TEMPLATE,
    permission="account",
)
def new_feed_address(request: Request) -> dict[str, Any]:
    """Shown here, once: only the token's hash is kept."""
    token = feed_address.renew(request.dbsession, request.identity.id)
    return dict(feed_url=request.route_url("notifications.feed", token=token))


@view_config(route_name="notifications.feed_address_end", request_method="POST", permission="account")
def end_feed_address(request: Request) -> Response:
    ended = feed_address.end(request.dbsession, request.identity.id)
    request.session.flash(
        translate(
            request,
            _("Your notifications' feed address is ended.") if ended else _("You had no feed address."),
        )
    )
    return HTTPSeeOther(location=request.route_url("accounts.account"))


@view_config(route_name="notifications.feed", request_method="GET", permission=NO_PERMISSION_REQUIRED)
def feed(request: Request) -> Response:
    """The member's notifications for a feed reader: no cookie read or set (the view asks no
    permission and never touches the session), 404 for an address that is not, or no
    longer, one."""
    owner = feed_address.owner_of(request.dbsession, request.matchdict["token"])
    if owner is None:
        raise HTTPNotFound(_("There is no feed at that address (it may have been replaced)."))
    rows = listing.newest(request.dbsession, owner, FEED_LENGTH).rows
    # Its own few words in the reader's Accept-Language: no cookie is read here.
    request.locale_name = from_accept_language(request)
    response = request.response
    response.body = atom.feed_document(
        title=translate(request, _("Scratchpad: your notifications")),
        feed_url=request.url,
        board_url=request.route_url("notifications"),
        comments=[as_comment(row) for row in rows],
        permalink=lambda comment_id: request.comment_url(comment_id),
        words=partial(translate, request),
        site_url=request.route_url("comments.index"),
    )
    response.content_type = "application/atom+xml"
    response.charset = "utf-8"
    response.cache_control = FEED_CACHE_CONTROL
    response.vary = ("Accept-Language",)
    return response


def as_comment(row: Any) -> SimpleNamespace:
    """A ``listing.newest`` row as ``atom.feed_document`` reads a comment (its ``id``)."""
    values = dict(row._mapping)
    values["id"] = values.pop("comment_id")
    return SimpleNamespace(**values)

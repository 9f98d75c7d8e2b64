"""The moderation inbox, for admins: reported comments (``/admin/inbox``) and comments
waiting for approval (``/admin/inbox/waiting``), each acted on one by one or several at once.

One form per page works without JavaScript: each comment's own buttons send ``act=<action>
<id>``; the checkboxes (``comment``) and the buttons under the list (``action``) act on every
comment ticked. Every act is in the moderation log and the audit log (``record_moderation``).
"""

from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.request import Request
from pyramid.response import Response
from pyramid.view import view_config

from scratchpad.board import inbox, keyset, premoderation, reports, threads
from scratchpad.board.views.comment import record_moderation
from scratchpad.i18n.messages import _, plural, plural_pair, translate
from scratchpad.models import Comment
from scratchpad.models.comment import DELETED_BY_MODERATOR
from scratchpad.models.moderation import APPROVE, DELETE, DISMISS, HIDE, REJECT, UNHIDE
from scratchpad.models.report import DELETED, DISMISSED, HIDDEN, IS_OPEN, Report
from scratchpad.models.types import utcnow
from scratchpad.notifications.notify import tell

INBOX_PAGE_SIZE = 25
REPORTS_TEMPLATE = "scratchpad:templates/admin/inbox.jinja2"
WAITING_TEMPLATE = "scratchpad:templates/admin/waiting.jinja2"
#: What the buttons' values say, and what the flash message says was done.
#: Each act, and what the admin is told it did to so many comments.
REPORT_ACTS = {
    "hide": plural_pair("${count} comment hidden.", "${count} comments hidden."),
    "delete": plural_pair("${count} comment deleted.", "${count} comments deleted."),
    # The reports are dismissed, not the comment, which stays (shown again if the board hid it).
    "dismiss": plural_pair(
        "Dismissed the reports on ${count} comment.", "Dismissed the reports on ${count} comments."
    ),
}
WAITING_ACTS = {
    "approve": plural_pair("${count} comment approved.", "${count} comments approved."),
    "reject": plural_pair("${count} comment rejected.", "${count} comments rejected."),
}


@view_config(route_name="admin.inbox", request_method="GET", renderer=REPORTS_TEMPLATE, permission="moderate")
def reported(request: Request) -> dict[str, Any]:
    before = keyset.before_param(request, "report")
    page = inbox.reported_comments(request.dbsession, INBOX_PAGE_SIZE, before)
    return dict(
        entries=page.rows,
        older_than=page.older_than,
        before=before,
        is_newest=before is None,
        acts=REPORT_ACTS,
    )


@view_config(
    route_name="admin.inbox_waiting", request_method="GET", renderer=WAITING_TEMPLATE, permission="moderate"
)
def waiting(request: Request) -> dict[str, Any]:
    before = keyset.before_param(request, "comment")
    page = inbox.waiting_comments(request.dbsession, INBOX_PAGE_SIZE, before)
    return dict(
        comments=page.rows,
        older_than=page.older_than,
        before=before,
        is_newest=before is None,
        acts=WAITING_ACTS,
    )


def comment_id(value: str) -> int | None:
    """``value`` as a comment id, or None when it cannot be one (ASCII digits, 18 at most)."""
    if value.isascii() and value.isdigit() and len(value) <= keyset.MAX_BEFORE_DIGITS:
        return int(value)
    return None


def chosen(request: Request, acts: Mapping[str, object]) -> tuple[str, list[int]] | None:
    """The act and the comment ids the form asks for, or None when it names no act or no
    comment: one comment's own button (``act``), else the ticked ones (``action``)."""
    one = request.POST.get("act", "").split()
    if len(one) == 2 and one[0] in acts and (single := comment_id(one[1])) is not None:
        return one[0], [single]
    action = request.POST.get("action", "")
    ids = sorted(
        {found for value in request.POST.getall("comment") if (found := comment_id(value)) is not None}
    )
    if action not in acts or not ids:
        return None
    return action, ids[:INBOX_PAGE_SIZE]


def locked(request: Request, ids: list[int], condition: sa.ColumnElement[bool]) -> list[Comment]:
    """The comments ``ids`` that still meet ``condition``, locked until the request ends, so
    two admins acting at once act one after the other (the second finds nothing left)."""
    query = sa.select(Comment).where(Comment.id.in_(ids), condition).order_by(Comment.id).with_for_update()
    return list(request.dbsession.scalars(query.execution_options(populate_existing=True)))


def done(
    request: Request, route: str, before: int | None, acted: int, said: tuple[str, str], nothing: str
) -> Response:
    """303 back to the page the admin acted from: its ``before`` came in the form's address
    (read, and refused when it is no id, by the view before it acts). A page its last entry
    left says it is empty and links to the newest."""
    if acted:
        request.session.flash(plural(request, *said, acted))
    else:
        request.session.flash(translate(request, nothing))
    return HTTPSeeOther(
        location=request.route_url(route, _query={} if before is None else {"before": before})
    )


@view_config(route_name="admin.inbox", request_method="POST", permission="moderate")
def act_on_reports(request: Request) -> Response:
    before = keyset.before_param(request, "report")
    asked = chosen(request, REPORT_ACTS)
    if asked is None:
        return done(
            request,
            "admin.inbox",
            before,
            0,
            ("", ""),
            _("Tick at least one comment, then choose what to do."),
        )
    action, ids = asked
    has_open_reports = Comment.id.in_(sa.select(Report.comment_id).where(IS_OPEN))
    comments = locked(request, ids, has_open_reports)
    act: Callable[[Request, Comment], None] = {"hide": hide, "delete": delete, "dismiss": dismiss}[action]
    for comment in comments:
        act(request, comment)
    nothing = _("Nothing to do: another admin has already dealt with those reports.")
    return done(request, "admin.inbox", before, len(comments), REPORT_ACTS[action], nothing)


def hide(request: Request, comment: Comment) -> None:
    """Hide it (or keep it hidden, when the board hid it), closing its reports."""
    if not comment.is_deleted:
        if not comment.is_hidden:
            comment.hidden_at = utcnow()
        record_moderation(request, HIDE, comment)
    reports.resolve(request.dbsession, [comment.id], request.identity, HIDDEN)


def delete(request: Request, comment: Comment) -> None:
    reports.resolve(request.dbsession, [comment.id], request.identity, DELETED)
    if not comment.is_deleted:
        record_moderation(request, DELETE, comment)
        threads.remove(request.dbsession, comment, DELETED_BY_MODERATOR)


def dismiss(request: Request, comment: Comment) -> None:
    """The reports were groundless: the comment stays, shown again if the board hid it."""
    if comment.is_hidden and not comment.is_deleted:
        comment.hidden_at = None
        record_moderation(request, UNHIDE, comment)
    record_moderation(request, DISMISS, comment)
    reports.resolve(request.dbsession, [comment.id], request.identity, DISMISSED)


@view_config(route_name="admin.inbox_waiting", request_method="POST", permission="moderate")
def act_on_waiting(request: Request) -> Response:
    before = keyset.before_param(request, "comment")
    asked = chosen(request, WAITING_ACTS)
    if asked is None:
        return done(
            request,
            "admin.inbox_waiting",
            before,
            0,
            ("", ""),
            _("Tick at least one comment, then choose what to do."),
        )
    action, ids = asked
    comments = locked(request, ids, Comment.waiting_since.is_not(None))
    for comment in comments:
        if action == "approve":
            premoderation.approve(request.dbsession, comment)
            record_moderation(request, APPROVE, comment)
            tell(request, comment)  # now that others may read it
        else:
            record_moderation(request, REJECT, comment)
            threads.remove(request.dbsession, comment, DELETED_BY_MODERATOR)
    nothing = _("Nothing to do: another admin has already dealt with those comments.")
    return done(request, "admin.inbox_waiting", before, len(comments), WAITING_ACTS[action], nothing)

"""One comment: its permalink (a root's is its thread's page), and what its author and the
moderators may do to it.

The context is a ``resources.CommentResource``, whose ACL says who may edit, delete and
moderate; views here only act, each behind its permission.
"""

from typing import Any

import sqlalchemy as sa
from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.renderers import render_to_response
from pyramid.request import Request
from pyramid.response import Response
from pyramid.view import forbidden_view_config, notfound_view_config, view_config

from scratchpad import audit
from scratchpad.accounts import suspension, throttle
from scratchpad.accounts.views.login import forbidden
from scratchpad.board import frames, keyset, reports, stamped, threads, visible
from scratchpad.board.comments import InvalidComment, clean_content
from scratchpad.board.views import index
from scratchpad.i18n.messages import _, message_of, translate
from scratchpad.models import Comment, ModerationAction, loaded, rate_event, report
from scratchpad.models.comment import DELETED_BY_AUTHOR, DELETED_BY_MODERATOR, MAX_CONTENT_LENGTH
from scratchpad.models.moderation import DELETE, HIDE, UNHIDE
from scratchpad.models.types import utcnow
from scratchpad.notifications.notify import tell
from scratchpad.resources import CommentResource, Root

EDIT_TEMPLATE = "scratchpad:templates/comments/edit.jinja2"
DELETE_TEMPLATE = "scratchpad:templates/comments/delete.jinja2"
ERROR_TEMPLATE = "scratchpad:templates/errors/error.jinja2"
THREAD_TEMPLATE = "scratchpad:templates/comments/thread.jinja2"


def board_url_of(request: Request, comment: Comment) -> str:
    """Where to see ``comment`` after acting on it, scrolled to it: for a root, the board
    page that shows its thread; for a reply, the page of its thread that shows it."""
    page_size = request.registry.settings["scratchpad.page_size"]
    if comment.is_reply:
        return thread_url_of(request, comment)
    before = threads.board_page_holding(request.dbsession, comment.id, page_size, request.identity)
    query = {} if before is None else {"before": before}
    return request.route_url("comments.index", _query=query, _anchor=f"comment-{comment.id}")


def thread_url_of(request: Request, reply: Comment) -> str:
    """The page of the reply's thread that shows it, scrolled to it."""
    page_size = request.registry.settings["scratchpad.page_size"]
    after = threads.thread_page_holding(request.dbsession, reply, page_size)
    query = "" if after is None else f"?after={after}"
    return f"{request.comment_url(reply.thread_id)}{query}#comment-{reply.id}"


@view_config(
    route_name="comments.show",
    request_method="GET",
    permission="view",
    renderer=THREAD_TEMPLATE,
    decorator="scratchpad.board.kept_pages.thread_page",
)
def show(context: CommentResource, request: Request) -> dict[str, Any] | Response:
    """A permalink. A root's is its thread's page (paged by ``?after=<reply id>``); a
    reply's leads to the page of its thread that shows it. A hidden or deleted comment is
    gone for all but moderators, so its link says 404 as an unknown one does, unless replies
    the reader may see live on under its placeholder (``answered_in_sight``)."""
    comment = context.comment
    removed = comment.is_hidden or comment.is_deleted
    # Asked only of a removed comment. The site's moderators: a deleted comment's own ACL
    # leaves nothing to moderate on it.
    if (
        removed
        and not request.has_permission("moderate", Root(request))
        and not answered_in_sight(request, comment)
    ):
        raise HTTPNotFound(_("There is no comment with that number."))
    if comment.is_reply:
        return HTTPSeeOther(location=thread_url_of(request, comment))
    settings = request.registry.settings
    after = keyset.after_param(request, "reply")
    key = stamped.thread_page_key(request, comment.id, after)
    kept = stamped.kept_page(request, key)
    if kept is not None:
        return kept
    page = threads.thread_page(
        loaded.reader(request),
        comment.id,
        settings["scratchpad.page_size"],
        settings["scratchpad.reply_depth"],
        after,
        request.identity,
    )
    response = frames.framed_thread(
        request, THREAD_TEMPLATE, dict(thread_page=page, max_length=MAX_CONTENT_LENGTH), after
    )
    stamped.keep_page(request, key)
    return response


def answered_in_sight(request: Request, comment: Comment) -> bool:
    """Whether a reply under ``comment`` (a root's whole thread; a reply's answers and what
    is shown beneath it) is one the reader sees with its text: not hidden, not deleted, and
    published or their own. Its ``reply_count`` would not do: it counts hidden replies,
    under which a placeholder would lead only to more placeholders. One statement, for a
    hidden or deleted comment only."""
    if comment.is_reply:
        below = sa.or_(Comment.parent_id == comment.id, Comment.path.startswith(comment.path or ""))
        under = sa.and_(Comment.thread_id == comment.thread_id, Comment.id != comment.id, below)
    else:
        under = Comment.thread_id == comment.id
    shown = sa.and_(Comment.hidden_at.is_(None), Comment.deleted_at.is_(None))
    if not visible.sees_every_waiting(request.identity):
        shown = sa.and_(shown, visible.waiting_shown_to())
    answer = sa.exists().where(under, shown)
    parameters = visible.viewer_parameters(request.identity)
    return bool(loaded.reader(request).execute(sa.select(answer), parameters).scalar_one())


@view_config(route_name="comments.edit", request_method="GET", renderer=EDIT_TEMPLATE, permission="edit")
def edit_form(context: CommentResource, request: Request) -> dict[str, Any]:
    return dict(comment=context.comment, draft=context.comment.content, max_length=MAX_CONTENT_LENGTH)


@view_config(route_name="comments.edit", request_method="POST", renderer=EDIT_TEMPLATE, permission="edit")
def edit(context: CommentResource, request: Request) -> dict[str, Any] | Response:
    comment = context.comment
    raw_content = request.POST.get("contents", "")
    suspended = suspension.refusal(request.identity, request.local_format)
    if suspended:
        request.response.status = 403
        return dict(comment=comment, draft=raw_content, max_length=MAX_CONTENT_LENGTH, error=suspended)
    try:
        content = clean_content(raw_content)
    except InvalidComment as error:
        request.response.status = 400
        return dict(
            comment=comment, draft=raw_content, max_length=MAX_CONTENT_LENGTH, error=message_of(error)
        )
    if content != comment.content:
        refusal = throttle.limit_rate(request, rate_event.EDIT)
        if refusal:
            return dict(comment=comment, draft=raw_content, max_length=MAX_CONTENT_LENGTH, error=refusal)
        comment.content = content
        comment.edited_at = utcnow()
        request.dbsession.flush()  # its new HTML, whose mentions are told (once each)
        tell(request, comment)
        record(request, "comment", "edited", comment)
        request.session.flash(translate(request, _("Your comment was saved.")))
    return HTTPSeeOther(location=board_url_of(request, comment))


@forbidden_view_config(route_name="comments.edit", request_method="POST", renderer=EDIT_TEMPLATE)
def edit_refused(request: Request) -> dict[str, Any] | Response:
    """An edit that may no longer be saved (its window closed while it was typed, or a
    moderator hid the comment meanwhile): the usual reason, and the typed text given back."""
    refusal = forbidden(request)
    comment = request.context.comment
    if not isinstance(refusal, dict):  # a visitor who is not logged in: off to log in
        return refusal
    if comment.commenter_id != request.identity.id:  # never theirs to edit: the plain refusal
        return render_to_response(ERROR_TEMPLATE, refusal, request=request, response=request.response)
    return dict(
        comment=comment,
        draft=request.POST.get("contents", ""),
        max_length=MAX_CONTENT_LENGTH,
        error=refusal["message"],
    )


@notfound_view_config(route_name="comments.edit", request_method="POST", renderer=index.TEMPLATE)
def edit_of_a_vanished_comment(request: Request) -> dict[str, Any]:
    """The comment was deleted (by a moderator, say) while its author typed an edit: say so,
    and give the text back in the board's form, to post as a new comment if they wish."""
    request.response.status = 404
    error = _(
        "That comment no longer exists (it was deleted), so your edit was not saved. "
        "Your text is in the box below, to post as a new comment if you wish."
    )
    return index.page_values(request, error=error, draft=request.POST.get("contents", ""))


@view_config(
    route_name="comments.delete", request_method="GET", renderer=DELETE_TEMPLATE, permission="delete"
)
def delete_form(context: CommentResource, request: Request) -> dict[str, Any]:
    """Deleting cannot be undone, so the button on the board asks here first."""
    return dict(comment=context.comment, moderating=is_moderating(context, request))


@view_config(
    route_name="comments.delete", request_method="POST", renderer=ERROR_TEMPLATE, permission="delete"
)
def delete(context: CommentResource, request: Request) -> dict[str, str] | Response:
    comment = context.comment
    moderating = is_moderating(context, request)
    if moderating:
        record_moderation(request, DELETE, comment)
        reports.resolve(request.dbsession, [comment.id], request.identity, report.DELETED)
    else:
        refusal = throttle.limit_rate(request, rate_event.DELETE)
        if refusal:
            return dict(title=_("Too many deletions"), message=refusal)
        record(request, "comment", "deleted", comment)
        reports.resolve(request.dbsession, [comment.id], request.identity, report.DELETED)
    # Back to the page that showed it, worked out before it goes: its neighbours are there
    # (it led to the thread's first page, or the board's newest, wherever the reader was).
    back = board_url_of(request, comment)
    threads.remove(request.dbsession, comment, DELETED_BY_MODERATOR if moderating else DELETED_BY_AUTHOR)
    request.session.flash(translate(request, _("The comment was deleted.")))
    if not comment.is_deleted:  # its row went with it: no anchor to scroll to
        back = back.split("#", 1)[0]
    return HTTPSeeOther(location=back)


def is_moderating(context: CommentResource, request: Request) -> bool:
    """Whether deleting this comment is a moderator's act (logged) rather than its author's."""
    return not request.has_permission("edit", context)


@view_config(route_name="comments.hide", request_method="POST", permission="moderate")
def hide(context: CommentResource, request: Request) -> Response:
    comment = context.comment
    if comment.is_waiting and not comment.is_hidden:
        # Never published: hiding it would publish, once approved, a "removed by a moderator"
        # placeholder for a comment nobody else ever saw; its author was told two things at once.
        refusal = dict(
            title=_("Conflict"),
            message=_("This comment is waiting for approval: approve or reject it in the inbox."),
        )
        request.response.status = 409
        return render_to_response(ERROR_TEMPLATE, refusal, request=request, response=request.response)
    if not comment.is_hidden:
        comment.hidden_at = utcnow()
        record_moderation(request, HIDE, comment)
    # Hidden by an admin: its reports are dealt with (the inbox shows a hidden comment with
    # open reports as hidden by the board, pending an admin).
    reports.resolve(request.dbsession, [comment.id], request.identity, report.HIDDEN)
    request.session.flash(
        translate(request, _("The comment is hidden: others see “removed by a moderator”."))
    )
    return HTTPSeeOther(location=board_url_of(request, comment))


@view_config(route_name="comments.unhide", request_method="POST", permission="moderate")
def unhide(context: CommentResource, request: Request) -> Response:
    comment = context.comment
    if comment.is_hidden:
        comment.hidden_at = None
        record_moderation(request, UNHIDE, comment)
    request.session.flash(translate(request, _("The comment is shown again.")))
    return HTTPSeeOther(location=board_url_of(request, comment))


def record_moderation(request: Request, action: str, comment: Comment) -> None:
    request.dbsession.add(ModerationAction.record(request.identity, action, comment))
    record(request, "moderation", action, comment)


def record(request: Request, event: str, outcome: str, comment: Comment) -> None:
    """A line in the audit log: who changed which comment (never its text)."""
    audit.record(event, outcome, request.identity.username, throttle.client_addr(request), comment=comment.id)

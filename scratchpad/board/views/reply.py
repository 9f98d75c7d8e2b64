"""Answering a comment: the reply form at ``/comments/<id>/reply`` (works without JavaScript;
scratchpad.js opens the same form under the comment on the board), and storing the reply.

A reply is posted as a comment is (the same length check, posting limit and once-only
submission id: index.py) and placed in its thread (board/threads.py).
"""

from typing import Any

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.request import Request
from pyramid.response import Response
from pyramid.view import notfound_view_config, view_config
from sqlalchemy.exc import IntegrityError

from scratchpad.accounts import suspension, throttle
from scratchpad.board import premoderation, threads
from scratchpad.board.comments import InvalidComment, clean_content, new_submission_id, repeat_of
from scratchpad.board.views import index
from scratchpad.board.views.comment import thread_url_of
from scratchpad.i18n.messages import _, message_of, translate
from scratchpad.metrics import instruments
from scratchpad.models import Comment
from scratchpad.models.comment import DELETED_BY_AUTHOR, MAX_CONTENT_LENGTH
from scratchpad.models.rate_event import POST
from scratchpad.notifications.notify import tell
from scratchpad.resources import CommentResource

TEMPLATE = "scratchpad:templates/comments/reply.jinja2"


def refusal(comment: Comment) -> str | None:
    """Why this comment cannot be answered, in words for the person who wants to, or None."""
    if comment.is_deleted:
        if comment.deleted_by == DELETED_BY_AUTHOR:
            return _("This comment was deleted by its author, so it can no longer be answered.")
        return _("This comment was deleted by a moderator, so it can no longer be answered.")
    if comment.is_hidden:
        return _("This comment was removed by a moderator, so it can no longer be answered.")
    if comment.is_waiting:
        return _("This comment is waiting for a moderator: it can be answered once an admin approves it.")
    return None


def form_values(
    request: Request,
    comment: Comment,
    draft: str = "",
    error: str | None = None,
    submission_id: str | None = None,
) -> dict[str, Any]:
    return {
        "comment": comment,
        "draft": draft,
        "error": error,
        "max_length": MAX_CONTENT_LENGTH,
        "submission_id": submission_id or new_submission_id(),
        "closed": refusal(comment) is not None,
    }


@view_config(route_name="comments.reply", request_method="GET", renderer=TEMPLATE, permission="reply")
def reply_form(context: CommentResource, request: Request) -> dict[str, Any]:
    comment = context.comment
    error = refusal(comment)
    if error:
        request.response.status = 409
    return form_values(request, comment, error=error)


@view_config(route_name="comments.reply", request_method="POST", renderer=TEMPLATE, permission="reply")
def reply(context: CommentResource, request: Request) -> dict[str, Any] | Response:
    parent = context.comment
    raw_content = request.POST.get("contents", "")
    submission_id = index.submission_id_of(request)

    def refused(status: int, error: str) -> dict[str, Any]:
        request.response.status = status
        return form_values(request, parent, raw_content, error, submission_id)

    closed = refusal(parent)
    if closed:
        return refused(
            409,
            translate(request, _("${reason} Your text is kept below."), reason=translate(request, closed)),
        )
    suspended = suspension.refusal(request.identity, request.local_format)
    if suspended:
        return refused(403, suspended)
    try:
        content = clean_content(raw_content)
    except InvalidComment as error:
        return refused(400, message_of(error))
    repeated = repeat_of(request.dbsession, request.identity, parent.id, content)
    if repeated is not None:  # sent again after Back: stored once already
        stored = request.dbsession.get_one(Comment, repeated)
        request.session.flash(translate(request, index.posted_message(stored)))
        return HTTPSeeOther(location=thread_url_of(request, stored))
    rate_refusal = throttle.limit_rate(request, POST)
    if rate_refusal:
        return form_values(request, parent, raw_content, rate_refusal, submission_id)
    settings = request.registry.settings
    answer = Comment(
        content=content,
        commenter=request.identity,
        submission_id=submission_id,
        parent_id=parent.id,
        thread_id=parent.root_id,
        waiting_since=premoderation.waiting_since_for(request.dbsession, settings, request.identity),
    )
    try:
        # As posting does (index.create): written now, in a savepoint, so a duplicate
        # submission leaves the transaction usable and stores nothing twice.
        with request.dbsession.begin_nested():
            request.dbsession.add(answer)
            request.dbsession.flush()  # its id, which its place in the thread holds
            threads.place(
                request.dbsession, answer, parent, request.registry.settings["scratchpad.reply_depth"]
            )
            tell(request, answer)
    except IntegrityError:
        if not index.already_posted(request, submission_id):
            raise
        request.session.flash(translate(request, _("Your reply was posted.")))
        return HTTPSeeOther(location=request.comment_url(parent.root_id))
    instruments.count_when_committed(request, instruments.COMMENTS_POSTED.labels("reply"))
    request.session.flash(translate(request, index.posted_message(answer)))
    return HTTPSeeOther(location=thread_url_of(request, answer))


@notfound_view_config(route_name="comments.reply", request_method="POST", renderer=index.TEMPLATE)
def reply_to_a_vanished_comment(request: Request) -> dict[str, Any]:
    """The comment was deleted while the reply was typed: say so, and give the text back in
    the board's form, to post as a comment of its own if they wish."""
    request.response.status = 404
    error = _(
        "The comment you answered no longer exists (it was deleted), so your reply was not posted. "
        "Your text is in the box below, to post as a new comment if you wish."
    )
    return index.page_values(request, error=error, draft=request.POST.get("contents", ""))

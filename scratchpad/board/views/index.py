"""The board: everyone reads it (threads, newest first), logged-in users post to it."""

from typing import Any

import sqlalchemy as sa
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.request import Request
from pyramid.response import Response
from pyramid.view import view_config
from sqlalchemy.exc import IntegrityError

from scratchpad.accounts import suspension, throttle
from scratchpad.board import frames, keyset, premoderation, stamped
from scratchpad.board.comments import InvalidComment, clean_content, new_submission_id, repeat_of
from scratchpad.board.threads import ThreadsPage, newest_threads
from scratchpad.i18n.messages import _, message_of, translate
from scratchpad.metrics import instruments
from scratchpad.models import Comment, loaded
from scratchpad.models.comment import MAX_CONTENT_LENGTH, SUBMISSION_ID_LENGTH
from scratchpad.models.rate_event import POST
from scratchpad.notifications.notify import tell

TEMPLATE = "scratchpad:templates/comments/index.jinja2"


def page_values(
    request: Request,
    before: int | None = None,
    submission_id: str | None = None,
    threads_page: ThreadsPage | None = None,
    **values: Any,
) -> dict[str, Any]:
    settings = request.registry.settings
    if threads_page is None:
        threads_page = newest_threads(
            loaded.reader(request),
            settings["scratchpad.page_size"],
            settings["scratchpad.replies_shown"],
            settings["scratchpad.reply_depth"],
            before,
            request.identity,
        )
    return dict(
        threads_page=threads_page,
        max_length=MAX_CONTENT_LENGTH,
        submission_id=submission_id or new_submission_id(),
        **values,
    )


def posted_message(comment: Comment) -> str:
    """What the author is told once their comment (or reply) is stored."""
    if comment.is_reply:
        if comment.is_waiting:
            return _(
                "Your reply was posted and is waiting for a moderator: "
                "others will see it once an admin approves it."
            )
        return _("Your reply was posted.")
    if comment.is_waiting:
        return _(
            "Your comment was posted and is waiting for a moderator: "
            "others will see it once an admin approves it."
        )
    return _("Your comment was posted.")


def submission_id_of(request: Request) -> str:
    """The id of this submission of the form, the same for every attempt pyramid_retry makes.

    The form carries one; a client that sends none gets one kept in the WSGI environ, which
    pyramid_retry hands to each attempt, so a retry after a COMMIT that may have happened
    finds the comment instead of storing it again.
    """
    posted = request.POST.get("submission_id", "")
    if len(posted) == SUBMISSION_ID_LENGTH and posted.isascii() and posted.isalnum():
        return posted.lower()
    return request.environ.setdefault("scratchpad.submission_id", new_submission_id())


def already_posted(request: Request, submission_id: str) -> bool:
    query = sa.select(Comment.id).where(
        Comment.submission_id == submission_id, Comment.commenter_id == request.identity.id
    )
    # A locking read sees a row another transaction committed after ours began (MySQL's
    # REPEATABLE READ would otherwise show our older snapshot).
    return request.dbsession.scalar(query.with_for_update(read=True)) is not None


@view_config(
    route_name="comments.index",
    request_method="GET",
    renderer=TEMPLATE,
    permission="view",
    decorator="scratchpad.board.kept_pages.board_page",
)
def index(request: Request) -> dict[str, Any] | Response:
    before = keyset.before_param(request, "comment")
    threads_page = stamped.board_page(request, before)
    if threads_page is not None and threads_page.whole is not None:
        return frames.respond_whole(request, *threads_page.whole)  # found kept by board_page
    kept_as = None if threads_page is None else threads_page.kept_as
    response = frames.framed(
        request, TEMPLATE, page_values(request, before, threads_page=threads_page), before
    )
    stamped.keep_page(request, kept_as)
    return response


@view_config(route_name="comments.index", request_method="POST", renderer=TEMPLATE, permission="post")
def create(request: Request) -> dict[str, Any] | Response:
    raw_content = request.POST.get("contents", "")
    submission_id = submission_id_of(request)
    suspended = suspension.refusal(request.identity, request.local_format)
    if suspended:
        request.response.status = 403
        return page_values(request, submission_id=submission_id, error=suspended, draft=raw_content)
    try:
        content = clean_content(raw_content)
    except InvalidComment as error:
        request.response.status = 400
        return page_values(request, submission_id=submission_id, error=message_of(error), draft=raw_content)
    repeated = repeat_of(request.dbsession, request.identity, None, content)
    if repeated is not None:  # sent again after Back: stored once already
        request.session.flash(
            translate(request, posted_message(request.dbsession.get_one(Comment, repeated)))
        )
        return HTTPSeeOther(location=request.route_url("comments.index"))
    refusal = throttle.limit_rate(request, POST)
    if refusal:
        return page_values(request, submission_id=submission_id, error=refusal, draft=raw_content)
    waiting_since = premoderation.waiting_since_for(
        request.dbsession, request.registry.settings, request.identity
    )
    comment = Comment(
        content=content, commenter=request.identity, submission_id=submission_id, waiting_since=waiting_since
    )
    try:
        # Write now, inside the view, so a lock conflict is retried rather than met at commit;
        # in a savepoint, so a duplicate submission leaves the transaction usable.
        with request.dbsession.begin_nested():
            request.dbsession.add(comment)
            request.dbsession.flush()  # its id and HTML, which notifications name and read
            tell(request, comment)
    except IntegrityError:
        if not already_posted(request, submission_id):
            raise
        # Sent again (a double click, or a retry): it is stored once already.
    else:
        instruments.count_when_committed(request, instruments.COMMENTS_POSTED.labels("comment"))
    request.session.flash(translate(request, posted_message(comment)))
    # 303 so the browser re-GETs the page instead of re-POSTing on reload.
    return HTTPSeeOther(location=request.route_url("comments.index"))

"""The comment page: everyone reads it, logged-in users post to it."""

from pyramid.httpexceptions import HTTPBadRequest, HTTPSeeOther
from pyramid.view import view_config

from .. import throttle
from ..comments import InvalidComment, clean_content, newest_comments
from ..models import Comment
from ..models.comment import MAX_CONTENT_LENGTH

TEMPLATE = "scratchpad:templates/comments/index.jinja2"


def page_values(request, before=None, **values):
    comments_page = newest_comments(
        request.dbsession, request.registry.settings["scratchpad.page_size"], before
    )
    return dict(comments_page=comments_page, max_length=MAX_CONTENT_LENGTH, **values)


@view_config(route_name="comments.index", request_method="GET", renderer=TEMPLATE, permission="view")
def index(request):
    before = request.GET.get("before")
    if before is not None:
        if not before.isascii() or not before.isdigit() or len(before) > 18:
            raise HTTPBadRequest("That page does not exist: 'before' must be a comment number.")
        before = int(before)
    return page_values(request, before)


@view_config(route_name="comments.index", request_method="POST", renderer=TEMPLATE, permission="post")
def create(request):
    raw_content = request.POST.get("contents", "")
    try:
        content = clean_content(raw_content)
    except InvalidComment as error:
        request.response.status = 400
        return page_values(request, error=str(error), draft=raw_content)
    throttled = throttle.check_posting(request.dbsession, request.registry.settings, request.identity)
    if throttled:
        request.response.status = 429
        request.response.headers["Retry-After"] = str(throttled.retry_after)
        error = (
            f"You have posted {request.registry.settings['scratchpad.posts_per_minute']} comments "
            f"in the last minute; please wait {throttled.retry_after} seconds before the next."
        )
        return page_values(request, error=error, draft=raw_content)
    request.dbsession.add(Comment(content=content, commenter=request.identity))
    # Write now, inside the view, so a lock conflict is retried rather than met at commit.
    request.dbsession.flush()
    request.session.flash("Your comment was posted.")
    # 303 so the browser re-GETs the page instead of re-POSTing on reload.
    return HTTPSeeOther(location=request.route_url("comments.index"))

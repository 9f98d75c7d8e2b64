"""The search page, and searching through the JSON API (``/api/comments?q=``)."""

import functools

from pyramid.httpexceptions import HTTPBadRequest, HTTPServiceUnavailable, HTTPTooManyRequests
from pyramid.request import Request
from pyramid.response import Response
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config

from scratchpad.accounts import throttle
from scratchpad.board import keyset
from scratchpad.board.views import api
from scratchpad.i18n.messages import Quantity, _, counted, message_of
from scratchpad.models import loaded
from scratchpad.search import capacity, engines
from scratchpad.search.footers import ResultFooters
from scratchpad.search.highlight import Snippets
from scratchpad.search.query import InvalidQuery, parse
from scratchpad.search.rate_limit import search_limit

TEMPLATE = "scratchpad:templates/search/results.jinja2"


@view_config(route_name="search", request_method="GET", renderer=TEMPLATE, permission="view")
def search_page(request: Request) -> dict:
    """Everyone may search; moderators also find hidden and waiting comments, marked as such."""
    raw = request.GET.get("q")
    values = {"query_text": raw or "", "query": None, "results": None, "error": None}
    if raw is None:  # the page itself, before any search
        return values
    before = keyset.before_param(request, "comment")
    try:
        query = parse(raw)
        throttled = search_limit(request).check(throttle.client_addr(request))
        if throttled:
            throttle.refuse(request.response, throttled)
            return dict(values, error=too_many(request, throttled))
        with_hidden = request.has_permission("moderate")
        page_size = request.registry.settings["scratchpad.page_size"]
        with capacity.slot(request):
            results = engines.search(
                loaded.reader(request), query, page_size, before, with_hidden, time_limit(request)
            )
    except InvalidQuery as error:
        request.response.status = 400
        return dict(values, error=message_of(error))
    except engines.SearchTimedOut:
        # Said on the page, with the query kept in the box to narrow it: nothing failed,
        # the search was too broad for the time a visitor may hold the database.
        return dict(values, error=TIMED_OUT)
    except capacity.SearchBusy:
        request.response.status = 503
        request.response.headers["Retry-After"] = str(capacity.RETRY_AFTER)
        return dict(values, error=BUSY)
    return dict(
        values,
        query=query,
        results=results,
        before=before,
        snippet=Snippets(query),
        kept_footers=functools.partial(ResultFooters, request),
    )


#: What a visitor reads when the database stopped their search at its time limit.
TIMED_OUT = _(
    "This search took too long and was stopped: its words are in too many comments to find the "
    "newest quickly. Add another word, or search for a phrase in double quotes."
)

#: What a visitor reads when the process already runs as many searches as it may at once.
BUSY = _(
    "Search is busy: as many searches as the board runs at once are running now. "
    "Please try again in ${seconds} seconds.",
    mapping={"seconds": Quantity(capacity.RETRY_AFTER)},
)


def time_limit(request: Request) -> float:
    """``scratchpad.search_time_limit_ms`` in seconds."""
    return request.registry.settings["scratchpad.search_time_limit_ms"] / 1000


def too_many(request: Request, throttled: throttle.Throttled) -> str:
    return counted(
        "You have made as many searches as a minute allows; please wait ${count} second before searching again.",
        "You have made as many searches as a minute allows; please wait ${count} seconds before searching again.",
        throttled.retry_after,
    )


@view_config(
    route_name="api.comments", request_method="GET", request_param="q", permission=NO_PERMISSION_REQUIRED
)
def search_api(request: Request) -> Response:
    """``GET /api/comments?q=<words>&before=<id>&limit=<n>``: visible comments holding every
    word and phrase, newest first; the same answer for everyone, as the rest of the API."""
    api.refuse_unknown_parameters(request)
    values = request.GET.getall("q")
    if len(values) > 1:
        raise HTTPBadRequest(f"'q' was given {len(values)} times; give it at most once.")
    before = api.whole_number(request, "before", 1, api.MAX_COMMENT_ID)
    limit = api.whole_number(request, "limit", 1, api.MAX_LIMIT) or api.default_limit(request)
    try:
        query = parse(values[0])
        throttled = search_limit(request).check(throttle.client_addr(request))
        if throttled:
            raise HTTPTooManyRequests(
                too_many(request, throttled), headers={"Retry-After": str(throttled.retry_after)}
            )
        with capacity.slot(request):
            results = engines.search(
                loaded.reader(request),
                query,
                limit,
                before,
                time_limit=time_limit(request),
                columns=engines.API_COLUMNS,
            )
    except InvalidQuery as error:
        raise HTTPBadRequest(message_of(error)) from None
    except engines.SearchTimedOut:
        raise HTTPServiceUnavailable(TIMED_OUT) from None
    except capacity.SearchBusy:
        raise HTTPServiceUnavailable(BUSY, headers={"Retry-After": str(capacity.RETRY_AFTER)}) from None
    page = results.page
    older_url = None
    if page.older_than is not None:
        query_string = {"q": query.text, "before": page.older_than, "limit": limit}
        older_url = request.route_url("api.comments", _query=query_string)
    return api.json_response(
        {
            "comments": [api.comment_json(request, comment) for comment in page.rows],
            "next": older_url,
            "left_out": list(results.left_out),
        }
    )

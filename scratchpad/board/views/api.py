"""The read-only JSON API: visible comments a page at a time, and JSON errors under /api.

Everyone gets the same answers, so the views ask no permission: the security policy never
looks up the visitor's login (a database query), and no cookie is read or set. For the same
reason any web page may read them (``Access-Control-Allow-Origin: *``): the data is public,
and a script elsewhere learns nothing curl would not; without
``Access-Control-Allow-Credentials`` a browser refuses to show it an answer to a request sent
with cookies anyway.
"""

from typing import Any, Never

import orjson
from pyramid.config import Configurator
from pyramid.httpexceptions import (
    HTTPBadRequest,
    HTTPClientError,
    HTTPMethodNotAllowed,
    HTTPServiceUnavailable,
)
from pyramid.request import Request
from pyramid.response import Response
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import exception_view_config, notfound_view_config, view_config

from scratchpad.board import mentions
from scratchpad.board.visible import html_of, newest_visible, rfc3339
from scratchpad.i18n.messages import translate

#: At most 100 comments per answer: one bounded statement, and at most 100 times 4,096
#: characters of Markdown plus their HTML (about a megabyte); twice the page, so walking the
#: whole board takes few requests.
MAX_LIMIT = 100
#: Comment numbers have at most 18 digits (routes.COMMENT_ID).
MAX_COMMENT_ID = 10**18 - 1
#: ``q``: a search (scratchpad/search/views.py), answered by a view of its own.
PARAMETERS = ("before", "limit", "q")
ALLOWED_METHODS = "GET, HEAD"


class ApiPathPredicate:
    """``api=True``: the request is for an address under /api.

    Read from the raw WSGI path: an error view's predicate also runs for a request refused
    because its address is not UTF-8 (incoming.py), and Pyramid's ``path_info`` predicate
    would fail decoding it.
    """

    def __init__(self, value: bool, config: Configurator) -> None:
        self.value = value

    def text(self) -> str:
        return f"api = {self.value}"

    phash = text

    def __call__(self, context: object, request: Request) -> bool:
        path = request.environ.get("PATH_INFO", "")
        return (path == "/api" or path.startswith("/api/")) == self.value


def json_response(body: object, status: int = 200) -> Response:
    # orjson: an API page of 100 comments of 4,096 characters with their HTML is ~1.5 MB of
    # JSON, ~10 ms for the standard library's encoder and ~0.2 ms for orjson. UTF-8, compact.
    response = Response(orjson.dumps(body), status=status)
    # Set whole: WebOb drops the charset from application/json.
    response.headers["Content-Type"] = "application/json; charset=utf-8"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@view_config(route_name="api.comments", request_method="GET", permission=NO_PERMISSION_REQUIRED)
def comments(request: Request) -> Response:
    """``GET /api/comments?before=<id>&limit=<n>``: the page's keyset, newest first."""
    refuse_unknown_parameters(request, known=("before", "limit"))
    before = whole_number(request, "before", 1, MAX_COMMENT_ID)
    limit = whole_number(request, "limit", 1, MAX_LIMIT) or default_limit(request)
    page = newest_visible(request.dbsession, limit, before)
    older_url = None
    if page.older_than is not None:
        older_url = request.route_url("api.comments", _query={"before": page.older_than, "limit": limit})
    return json_response(
        {"comments": [comment_json(request, comment) for comment in page.rows], "next": older_url}
    )


def refuse_unknown_parameters(request: Request, known: tuple[str, ...] = PARAMETERS) -> None:
    unknown = sorted(set(request.GET) - set(known))
    if unknown:
        *others, last = [f"'{name}'" for name in PARAMETERS]
        raise HTTPBadRequest(
            f"Unknown parameter {unknown[0]!r}: this address takes {', '.join(others)} and {last}."
        )


def default_limit(request: Request) -> int:
    """The board's page size, within ``MAX_LIMIT``."""
    return min(request.registry.settings["scratchpad.page_size"], MAX_LIMIT)


def whole_number(request: Request, name: str, lowest: int, highest: int) -> int | None:
    """The parameter's value, None when absent, or a 400 saying what is wrong with it."""
    values = request.GET.getall(name)
    if not values:
        return None
    if len(values) > 1:
        raise HTTPBadRequest(f"'{name}' was given {len(values)} times; give it at most once.")
    value = values[0]
    if not (value.isascii() and value.isdigit()):
        raise HTTPBadRequest(f"'{name}' must be a whole number, written in digits.")
    digits = value.lstrip("0") or "0"
    # Length first: int() of a very long string is slow, or refused.
    if len(digits) > len(str(highest)) or not lowest <= int(digits) <= highest:
        raise HTTPBadRequest(f"'{name}' must be between {lowest} and {highest}.")
    return int(digits)


def comment_json(request: Request, comment: Any) -> dict[str, Any]:
    return {
        "id": comment.id,
        # The comment it answers (None: it starts a thread); that one may be hidden since.
        "parent_id": comment.parent_id,
        "author": comment.username,
        "posted_at": None if comment.posted_at is None else rfc3339(comment.posted_at),
        "edited_at": None if comment.edited_at is None else rfc3339(comment.edited_at),
        "content": comment.content,
        # Mentions' links as whole URLs: the HTML is shown away from the board.
        "html": str(mentions.linked_from(html_of(comment), request.route_url("comments.index"))),
        "url": request.comment_url(comment.id),
    }


# No CSRF check: this view changes nothing, and the token check would answer a POST with the
# HTML "Form expired" page instead of the 405.
@view_config(route_name="api.comments", require_csrf=False, permission=NO_PERMISSION_REQUIRED)
def method_not_allowed(request: Request) -> Never:
    raise HTTPMethodNotAllowed(
        f"{request.method} is not allowed here: the API only reads.", headers={"Allow": ALLOWED_METHODS}
    )


@notfound_view_config(api=True)
def api_not_found(request: Request) -> Response:
    return error_json(404, "There is nothing at this address; the API's address is /api/comments.")


@exception_view_config(HTTPClientError, api=True)
@exception_view_config(HTTPServiceUnavailable, api=True)
def api_client_error(exc: HTTPClientError | HTTPServiceUnavailable, request: Request) -> Response:
    """Every 4xx under /api, including the refusals made before routing (incoming.py), and
    the 503 of a search stopped or refused (search/views.py): JSON, as every answer here."""
    response = error_json(exc.code, translate(request, exc.detail or exc.explanation))
    for header in ("Allow", "Retry-After"):
        if header in exc.headers:
            response.headers[header] = exc.headers[header]
    return response


def error_json(status: int, message: str) -> Response:
    return json_response({"error": {"status": status, "message": message}}, status=status)


def includeme(config: Configurator) -> None:
    config.add_view_predicate("api", ApiPathPredicate)

"""``GET /account/comments.json``: a logged-in member downloads their own comments."""

import json

from pyramid.request import Request
from pyramid.response import Response
from pyramid.view import view_config

from scratchpad.portability.member import member_document


@view_config(route_name="account.comments", request_method="GET", permission="post")
def my_comments(request: Request) -> Response:
    """A file to save (``attachment``), never stored by a cache (``no-store``, the default
    for anything but a public page: web/caching.py). Visitors who are not logged in are sent
    to log in first, and then here (the forbidden view)."""
    document = member_document(request.dbsession, request.identity, request.comment_url)
    response = Response(json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8") + b"\n")
    response.headers["Content-Type"] = "application/json; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="scratchpad-comments.json"'
    return response

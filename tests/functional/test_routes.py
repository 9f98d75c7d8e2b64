"""``request.comment_path``/``comment_url`` (routes.py) say what ``route_path`` would, without
growing Pyramid's never-emptied cache of quoted path segments by one entry per comment."""

import pytest
from pyramid import traversal
from pyramid.request import Request
from pyramid.scripting import prepare

from scratchpad.routes import COMMENT_ACTIONS


@pytest.fixture(params=["", "/board"], ids=["at the root", "mounted under /board"])
def request_(app, request):
    environ = {
        "HTTP_HOST": "example.com",
        "SCRIPT_NAME": request.param,
        "PATH_INFO": "/",
        "wsgi.url_scheme": "https",
    }
    env = prepare(request=Request(environ), registry=app.registry)
    yield env["request"]
    env["closer"]()


@pytest.mark.parametrize("comment_id", [1, 42, 123456789012])
def test_paths_and_urls_are_the_routes_own(request_, comment_id):
    assert request_.comment_path(comment_id) == request_.route_path("comments.show", comment_id=comment_id)
    assert request_.comment_url(comment_id) == request_.route_url("comments.show", comment_id=comment_id)
    for action in COMMENT_ACTIONS:
        expected = request_.route_path(f"comments.{action}", comment_id=comment_id)
        assert request_.comment_path(comment_id, action) == expected


def test_an_unknown_action_is_a_programming_error(request_):
    with pytest.raises(ValueError, match="no such comment action"):
        request_.comment_path(1, "publish")


def test_drawing_paths_for_many_comments_leaves_pyramids_segment_cache_alone(request_):
    before = len(traversal._segment_cache)
    for comment_id in range(900_000, 902_000):
        request_.comment_path(comment_id, "edit")
        request_.comment_url(comment_id)
    assert len(traversal._segment_cache) - before <= 2

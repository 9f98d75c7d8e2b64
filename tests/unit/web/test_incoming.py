"""The class requests are made of: what the areas add to requests is part of it, made once
at start-up, instead of a new class made for every request (web/incoming.py)."""

from webob.request import environ_from_url


def made(app, url="http://example.com/"):
    """A request as the router makes it for ``url``, and its end."""
    context = app.request_context(environ_from_url(url))
    return context.begin(), context


def test_every_request_is_of_one_class_made_at_start_up(app):
    requests = []
    for _ in range(2):
        request, context = made(app)
        requests.append(request)
        context.end()
    assert [type(request) for request in requests] == [app.request_factory] * 2


def test_the_class_holds_what_the_areas_add_and_each_request_gets_its_own_values(app):
    first, first_context = made(app, "http://example.com/a")
    second, second_context = made(app, "http://example.com/b")
    try:
        added = {"dbsession", "tm", "comments_prefix", "comment_path", "inbox_count"}
        assert (
            added <= set(vars(app.request_factory)),
            first.tm is second.tm,
            first.tm is first.tm,
            first.comment_path(7),
        ) == (True, False, True, "/comments/7")
    finally:
        first_context.end()
        second_context.end()

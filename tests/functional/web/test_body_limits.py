"""Request size limits: a body over ``scratchpad.max_body_size`` is a 413 before it is read.

Form fields that are not UTF-8 (400 with a message) are covered in test_junk_input.py.
"""

import io

import pytest
from webob import Request

from scratchpad import main
from tests.support.factories import PASSWORD, stored_comments

LIMIT = 65536  # testing.ini's scratchpad.max_body_size
FORM = "application/x-www-form-urlencoded"
MESSAGE = "That is more than this site accepts at once (64 KiB); nothing was saved."


class RecordingInput(io.RawIOBase):
    """A request body of ``size`` bytes of form data (``prefix``, then ``x`` to the end) that
    counts what is read from it. The bytes are made as they are read, so that a body of a
    gigabyte costs nothing unless the app reads it (building it took seconds)."""

    def __init__(self, prefix, size):
        self.prefix = prefix
        self.size = size
        self.bytes_read = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        start = self.bytes_read
        length = min(len(buffer), self.size - start)
        head = self.prefix[start : start + length]
        buffer[:length] = head + b"x" * (length - len(head))
        self.bytes_read += length
        return length


@pytest.fixture
def send_unread(testapp):
    """A function sending a POST straight to the WSGI app (no WebTest in between), its
    Content-Length saying ``size``; returns the response and how many body bytes were read."""

    def send(visitor, path, prefix, size, declare_length=True, **environ):
        cookies = "; ".join(f"{cookie.name}={cookie.value}" for cookie in visitor.cookiejar)
        body = RecordingInput(prefix, size)
        request = Request.blank(
            path,
            method="POST",
            base_url="http://example.com",
            environ={**visitor.extra_environ, **environ},
            headers={"Cookie": cookies, "Content-Type": FORM},
        )
        request.environ["wsgi.input"] = body
        request.environ.pop("CONTENT_LENGTH", None)
        if declare_length:
            request.environ["CONTENT_LENGTH"] = str(size)
        response = request.get_response(visitor.app)
        return response, body.bytes_read

    return send


# Not read at all


def test_oversized_login_is_a_413_without_reading_the_body(testapp, send_unread):
    token = testapp.get_csrf_token()
    res, read = send_unread(testapp, "/login/", f"csrf_token={token}&username=".encode(), 10**6)
    assert (res.status_int, read) == (413, 0)


def test_oversized_comment_is_a_413_without_reading_the_body(logged_in, send_unread):
    token = logged_in.get_csrf_token()
    res, read = send_unread(logged_in, "/", f"csrf_token={token}&contents=".encode(), 10**6)
    assert (res.status_int, read) == (413, 0)


def test_oversized_comment_stores_nothing(logged_in, dbsession, send_unread):
    token = logged_in.get_csrf_token()
    send_unread(logged_in, "/", f"csrf_token={token}&contents=".encode(), 10**6)
    assert stored_comments(dbsession) == []


def test_content_length_of_a_gigabyte_is_refused_from_the_header_alone(logged_in, send_unread):
    # The body is short; only the header claims a gigabyte. Nothing waits for the rest.
    res, read = send_unread(logged_in, "/", b"contents=", 2**30)
    assert (res.status_int, read) == (413, 0)


def test_413_page_says_what_happened(logged_in, send_unread):
    res, _ = send_unread(logged_in, "/", b"contents=", 10**6)
    assert MESSAGE in " ".join(res.text.split())


def test_413_page_carries_no_traceback(logged_in, send_unread):
    res, _ = send_unread(logged_in, "/", b"contents=", 10**6)
    assert "Traceback" not in res.text


def test_oversized_logout_does_not_log_out(logged_in, send_unread):
    token = logged_in.get_csrf_token()
    send_unread(logged_in, "/logout/", f"csrf_token={token}&x=".encode(), 10**6)
    assert "Log out" in logged_in.get("/")


# The boundary: Content-Length equal to the limit is read; one byte more is not


def post_of_length(visitor, token, length):
    prefix = f"csrf_token={token}&contents=".encode()
    body = prefix + b"x" * (length - len(prefix))
    return visitor.request(
        "/",
        method="POST",
        body=body,
        content_type=FORM,
        base_url="http://example.com",
        expect_errors=True,
    )


def test_body_of_exactly_the_limit_is_read(logged_in):
    res = post_of_length(logged_in, logged_in.get_csrf_token(), LIMIT)
    # Read, and refused for its length in characters, not for its size in bytes.
    assert (res.status_int, "Comments can be at most 4,096 characters long" in res) == (400, True)


def test_body_one_byte_over_the_limit_is_a_413(logged_in):
    assert post_of_length(logged_in, logged_in.get_csrf_token(), LIMIT + 1).status_int == 413


# The limit is a setting


@pytest.fixture(scope="module")
def small_body_app(app_settings, dbengine):
    return main({}, **{**app_settings, "scratchpad.max_body_size": 2048}, dbengine=dbengine)


@pytest.fixture
def small_body_browser(testapp, small_body_app, dbconnection, alice):
    extra = {"HTTP_HOST": "example.com", "app.dbconnection": dbconnection}
    visitor = type(testapp)(small_body_app, extra_environ=extra)
    visitor.login("alice", PASSWORD)
    return visitor


def test_a_smaller_limit_refuses_a_comment_of_three_kilobytes(small_body_browser, dbsession):
    token = small_body_browser.get_csrf_token()
    small_body_browser.post("/", {"contents": "x" * 3000, "csrf_token": token}, status=413)
    assert stored_comments(dbsession) == []


def test_a_smaller_limit_names_itself(small_body_browser):
    token = small_body_browser.get_csrf_token()
    res = small_body_browser.post("/", {"contents": "x" * 3000, "csrf_token": token}, status=413)
    assert "(2 KiB)" in res


def test_a_smaller_limit_still_takes_a_short_comment(small_body_browser, dbsession):
    token = small_body_browser.get_csrf_token()
    small_body_browser.post("/", {"contents": "x" * 1500, "csrf_token": token}, status=303)
    assert len(stored_comments(dbsession)) == 1


# A body of unknown length


def send_a_chunked_megabyte(logged_in, send_unread):
    """(response, bytes the app read) for a comment of 1 MB sent chunked, without a length."""
    return send_unread(
        logged_in,
        "/",
        b"contents=",
        10**6,
        declare_length=False,
        **{"wsgi.input_terminated": True, "HTTP_TRANSFER_ENCODING": "chunked"},
    )


def test_chunked_body_without_content_length_is_not_read_past_the_limit(logged_in, send_unread):
    _, read = send_a_chunked_megabyte(logged_in, send_unread)
    assert read <= LIMIT + 1


def test_chunked_body_over_the_limit_is_a_413(logged_in, send_unread):
    res, _ = send_a_chunked_megabyte(logged_in, send_unread)
    assert res.status_int == 413


def test_chunked_body_within_the_limit_is_posted(logged_in, dbsession):
    token = logged_in.get_csrf_token()
    body = f"csrf_token={token}&contents=chunked".encode()
    request = Request.blank(
        "/",
        method="POST",
        base_url="http://example.com",
        environ={**logged_in.extra_environ, "wsgi.input_terminated": True},
        headers={
            "Cookie": "; ".join(f"{c.name}={c.value}" for c in logged_in.cookiejar),
            "Content-Type": FORM,
        },
    )
    request.environ["wsgi.input"] = io.BytesIO(body)
    request.environ.pop("CONTENT_LENGTH", None)
    assert request.get_response(logged_in.app).status_int == 303
    assert [comment.content for comment in stored_comments(dbsession)] == ["chunked"]

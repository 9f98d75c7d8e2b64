"""Input no browser would send from our forms: always a 4xx with words, never a 5xx."""

import pytest

from tests.support.factories import PASSWORD, stored_comments

FORM = "application/x-www-form-urlencoded"


def message(res):
    """The form's alert, or else the error page's message, whitespace collapsed."""
    shown = res.html.select_one("main .alert") or res.html.select_one("main p")
    return " ".join(shown.get_text().split())


# Bytes that are not UTF-8


def test_form_body_that_is_not_utf8_is_a_400_with_a_message(logged_in, raw_request, csrf_token):
    body = f"csrf_token={csrf_token()}&contents=%ff%fe".encode()
    res = raw_request("/", body=body, content_type=FORM)
    assert (res.status_int, "could not be read" in message(res)) == (400, True)


def test_form_body_that_is_not_utf8_stores_nothing(logged_in, dbsession, raw_request, csrf_token):
    raw_request("/", body=f"csrf_token={csrf_token()}&contents=ok%ff".encode(), content_type=FORM)
    assert stored_comments(dbsession) == []


def test_login_with_a_username_that_is_not_utf8_is_incorrect(testapp, alice, raw_request, csrf_token):
    body = f"csrf_token={csrf_token()}&username=alice%ff&password={PASSWORD}".encode()
    res = raw_request("/login/", body=body, content_type=FORM)
    assert (res.status_int, "Incorrect username or password" in res) == (400, True)


@pytest.mark.parametrize("path", ["/%ff", "/?before=%ff", "/login/?next=%ff", "/?%ff=1"])
def test_address_that_is_not_utf8_is_a_400_with_a_message(raw_request, path):
    res = raw_request(path, method="GET")
    assert (res.status_int, message(res)) == (
        400,
        "That address is not valid: it is not UTF-8 text.",
    )


@pytest.mark.parametrize("charset", ["latin-1", "utf-16", "no-such-charset"])
def test_form_declared_in_another_charset_is_a_400(logged_in, dbsession, raw_request, csrf_token, charset):
    body = f"csrf_token={csrf_token()}&contents=caf%e9".encode()
    res = raw_request("/", body=body, content_type=f"{FORM}; charset={charset}")
    assert (res.status_int, stored_comments(dbsession)) == (400, [])


# Bodies that are not our form


MULTIPART_JUNK = [
    ("multipart/form-data", b"no boundary at all"),
    ("multipart/form-data; boundary=xyz", b"garbage"),
    (
        "multipart/form-data; boundary=xyz",
        b"--xyz\r\nContent-Disposition: form-data\r\n\r\nx\r\n--xyz--\r\n",
    ),
    ("multipart/form-data; boundary=" + "x" * 200, b"--x\r\n"),
]


@pytest.mark.parametrize("content_type, body", MULTIPART_JUNK)
@pytest.mark.parametrize("path", ["/", "/login/", "/logout/"])
def test_malformed_multipart_body_is_a_4xx(logged_in, raw_request, path, content_type, body):
    assert 400 <= raw_request(path, body=body, content_type=content_type).status_int < 500


@pytest.mark.parametrize(
    "content_type, body",
    [
        ("application/json", b'{"contents": "Hi"}'),
        ("text/plain", b"contents=Hi"),
        (FORM, b"%%%&&&==="),
        (None, b""),
    ],
)
def test_post_that_is_not_a_form_is_a_4xx_and_stores_nothing(
    logged_in, dbsession, raw_request, content_type, body
):
    res = raw_request("/", body=body, content_type=content_type)
    assert (400 <= res.status_int < 500, stored_comments(dbsession)) == (True, [])


def test_file_in_place_of_the_comment_is_a_400_and_stores_nothing(logged_in, dbsession, csrf_token):
    res = logged_in.post(
        "/",
        {"csrf_token": csrf_token()},
        upload_files=[("contents", "a.txt", b"Hi")],
        expect_errors=True,
    )
    assert (res.status_int, stored_comments(dbsession)) == (400, [])


@pytest.mark.parametrize("field", ["username", "password", "next"])
def test_file_in_place_of_a_login_field_is_a_400_with_a_message(testapp, alice, csrf_token, field):
    fields = {"username": "alice", "password": PASSWORD, "csrf_token": csrf_token()}
    fields.pop(field, None)
    res = testapp.post("/login/", fields, upload_files=[(field, "a.txt", b"alice")], status=400)
    assert message(res) == "This site does not accept file uploads."


# Sizes and odd characters


def test_one_megabyte_comment_is_a_413_naming_the_limit(logged_in, csrf_token):
    res = logged_in.post("/", {"contents": "x" * 1_000_000, "csrf_token": csrf_token()}, status=413)
    assert "more than this site accepts at once (64 KiB)" in res


def test_one_megabyte_comment_stores_nothing(logged_in, dbsession, csrf_token):
    logged_in.post("/", {"contents": "x" * 1_000_000, "csrf_token": csrf_token()}, status=413)
    assert stored_comments(dbsession) == []


def test_comment_body_just_under_the_limit_gets_the_length_message(logged_in, csrf_token):
    res = logged_in.post("/", {"contents": "x" * 60_000, "csrf_token": csrf_token()}, status=400)
    assert "Comments can be at most 4,096 characters long; this one has 60,000." in res


@pytest.mark.parametrize("field", ["username", "password"])
def test_one_megabyte_login_field_is_refused_not_an_error(testapp, alice, csrf_token, field):
    fields = {"username": "alice", "password": PASSWORD, "csrf_token": csrf_token()}
    fields[field] = "a" * 1_000_000
    res = testapp.post("/login/", fields, status=413)
    assert "Traceback" not in res


def test_nul_in_a_comment_is_a_400_with_a_message(logged_in, csrf_token):
    res = logged_in.post("/", {"contents": "before\x00after", "csrf_token": csrf_token()}, status=400)
    assert "The comment contains a NUL character, which cannot be stored." in res


def test_nul_in_a_comment_stores_nothing(logged_in, dbsession, csrf_token):
    logged_in.post("/", {"contents": "before\x00after", "csrf_token": csrf_token()}, status=400)
    assert stored_comments(dbsession) == []


def test_nul_in_a_username_is_not_an_error(testapp, alice):
    # Whether it logs in depends on the backend: see test_accounts' lookalike usernames.
    assert testapp.login("ali\x00ce", PASSWORD, status="*").status_int < 500


def test_lone_surrogate_escape_in_a_comment_stores_nothing(logged_in, dbsession, raw_request, csrf_token):
    # CESU-8 / WTF-8 bytes for U+D800: not UTF-8, so decoded as replacement characters.
    raw_request("/", body=f"csrf_token={csrf_token()}&contents=%ed%a0%80".encode(), content_type=FORM)
    assert stored_comments(dbsession) == []


def test_contents_given_twice_stores_one_comment(logged_in, dbsession, csrf_token):
    logged_in.post("/", [("contents", "one"), ("contents", "two"), ("csrf_token", csrf_token())], status=303)
    assert len(stored_comments(dbsession)) == 1


# Methods nobody uses here


METHODS = ["PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND", "TRACE", "MKCOL", "BREW"]


@pytest.mark.filterwarnings("ignore:Unknown REQUEST_METHOD:webtest.lint.WSGIWarning")
@pytest.mark.parametrize("path", ["/", "/login/", "/logout/", "/healthz"])
@pytest.mark.parametrize("method", METHODS)
def test_unknown_method_is_never_a_5xx(raw_request, method, path):
    assert raw_request(path, method=method).status_int < 500


@pytest.mark.filterwarnings("ignore:Unknown REQUEST_METHOD:webtest.lint.WSGIWarning")
@pytest.mark.parametrize("method", ["PUT", "PATCH", "PROPFIND"])
def test_unknown_method_with_a_valid_form_stores_nothing(
    logged_in, dbsession, raw_request, csrf_token, method
):
    raw_request(
        "/",
        method=method,
        body=f"csrf_token={csrf_token()}&contents=Hi".encode(),
        content_type=FORM,
    )
    assert stored_comments(dbsession) == []


def test_head_of_the_comment_page_is_200_without_a_body(testapp):
    res = testapp.head("/", status=200)
    assert res.body == b""

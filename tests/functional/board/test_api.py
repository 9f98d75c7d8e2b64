"""GET /api/comments: visible comments as JSON, a page at a time; every error JSON too."""

from datetime import UTC, datetime, timedelta

import pytest

from scratchpad.models.types import utcnow
from tests.support.factories import PASSWORD, make_comment

NOON = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
FORM = "application/x-www-form-urlencoded"


def make_comments(dbsession, count, commenter=None):
    return [
        make_comment(
            dbsession, f"Comment {number}", commenter=commenter, posted_at=NOON + timedelta(minutes=number)
        )
        for number in range(count)
    ]


def ids(res):
    return [comment["id"] for comment in res.json["comments"]]


def is_json(res):
    return (res.content_type, res.charset.lower()) == ("application/json", "utf-8")


def error_of(res):
    """The status, and whether the JSON body states it and says something."""
    error = res.json["error"]
    return res.status_int, is_json(res), error["status"] == res.status_int, bool(error["message"].strip())


# Answers


def test_comments_come_as_json_in_utf8(testapp):
    res = testapp.get("/api/comments", status=200)
    assert (is_json(res), res.json) == (True, {"comments": [], "next": None})


def test_a_comment_in_full(testapp, dbsession, alice):
    comment = make_comment(dbsession, "Hello *you*", commenter=alice, posted_at=NOON)
    comment.edited_at = NOON + timedelta(minutes=3, seconds=7)
    dbsession.flush()
    assert testapp.get("/api/comments").json["comments"] == [
        {
            "id": comment.id,
            "parent_id": None,
            "author": "alice",
            "posted_at": "2026-11-24T12:00:00Z",
            "edited_at": "2026-11-24T12:03:07Z",
            "content": "Hello *you*",
            "html": "<p>Hello <em>you</em></p>\n",
            "url": f"http://example.com/comments/{comment.id}",
        }
    ]


def test_anonymous_comment_from_before_timestamps(testapp, dbsession):
    make_comment(dbsession, "Old", commenter=None, posted_at=None)
    [comment] = testapp.get("/api/comments").json["comments"]
    assert (comment["author"], comment["posted_at"], comment["edited_at"]) == (None, None, None)


def test_html_is_sanitised(testapp, dbsession, alice):
    make_comment(
        dbsession, '<script>alert(1)</script> <a href="y">z</a> [x](javascript:alert(2))', commenter=alice
    )
    [comment] = testapp.get("/api/comments").json["comments"]
    assert comment["html"] == (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; "
        '&lt;a href="y"&gt;z&lt;/a&gt; [x](javascript:alert(2))</p>\n'
    )


def test_permalinks_use_the_host_asked_for(testapp, dbsession):
    comment = make_comment(dbsession)
    res = testapp.get("/api/comments", extra_environ={"HTTP_HOST": "other.example:8080"})
    assert res.json["comments"][0]["url"] == f"http://other.example:8080/comments/{comment.id}"


def test_hidden_comments_are_left_out(testapp, dbsession, alice):
    shown, hidden = make_comments(dbsession, 2, commenter=alice)
    hidden.hidden_at = utcnow()
    dbsession.flush()
    assert ids(testapp.get("/api/comments")) == [shown.id]


def test_any_web_page_may_read_the_answers(testapp):
    assert testapp.get("/api/comments").headers["Access-Control-Allow-Origin"] == "*"


def test_head_gives_the_headers_without_the_comments(testapp, dbsession):
    make_comments(dbsession, 2)
    res = testapp.head("/api/comments", status=200)
    assert (res.body, is_json(res)) == (b"", True)


def test_logged_in_visitor_gets_the_same_answer_and_no_cookie(testapp, dbsession, alice):
    make_comments(dbsession, 3, commenter=alice)
    anonymous = testapp.get("/api/comments")
    testapp.login("alice", PASSWORD)
    logged_in = testapp.get("/api/comments")
    assert (logged_in.body, logged_in.headers.get("Set-Cookie")) == (anonymous.body, None)


# Pages


def test_default_page_is_the_newest_50_like_the_board(testapp, dbsession):
    comments = make_comments(dbsession, 55)
    res = testapp.get("/api/comments")
    assert (ids(res), res.json["next"]) == (
        [comment.id for comment in comments[:4:-1]],
        f"http://example.com/api/comments?before={comments[5].id}&limit=50",
    )


def test_before_gives_the_comments_older_than_that_one(testapp, dbsession):
    comments = make_comments(dbsession, 10)
    res = testapp.get("/api/comments", {"before": comments[6].id, "limit": 3})
    assert ids(res) == [comments[5].id, comments[4].id, comments[3].id]


def test_before_beyond_the_newest_comment_gives_the_newest(testapp, dbsession):
    comments = make_comments(dbsession, 3)
    assert ids(testapp.get("/api/comments", {"before": "999999999999999999"})) == [
        comment.id for comment in reversed(comments)
    ]


def test_pages_agree_with_the_board_page(testapp, dbsession):
    comments = make_comments(dbsession, 60)
    board_ids = [
        int(article["id"].split("-")[1]) for article in testapp.get("/").html.select("article.comment")
    ]
    assert (ids(testapp.get("/api/comments")), len(comments)) == (board_ids, 60)


@pytest.mark.parametrize("limit", [1, 7, 100])
def test_following_next_gives_every_visible_comment_once_newest_first(testapp, dbsession, alice, limit):
    comments = make_comments(dbsession, 130, commenter=alice)
    for comment in comments[::9]:
        comment.hidden_at = utcnow()
    dbsession.flush()
    seen, pages = [], 0
    url = f"/api/comments?limit={limit}"
    while url is not None:
        res = testapp.get(url)
        assert len(res.json["comments"]) <= limit
        seen += ids(res)
        pages += 1
        url = res.json["next"]
    visible = [comment.id for comment in reversed(comments) if comment.hidden_at is None]
    assert (seen, pages) == (visible, -(-len(visible) // limit))


def test_last_page_says_there_is_no_next(testapp, dbsession):
    comments = make_comments(dbsession, 4)
    res = testapp.get("/api/comments", {"limit": 2, "before": comments[2].id})
    assert (ids(res), res.json["next"]) == ([comments[1].id, comments[0].id], None)


def test_exactly_a_page_of_comments_has_no_next(testapp, dbsession):
    make_comments(dbsession, 5)
    assert testapp.get("/api/comments", {"limit": 5}).json["next"] is None


def test_a_hundred_comments_at_once_is_the_most(testapp, dbsession):
    make_comments(dbsession, 101)
    assert len(testapp.get("/api/comments", {"limit": 100}).json["comments"]) == 100


def test_leading_zeros_are_still_the_number(testapp, dbsession):
    comments = make_comments(dbsession, 3)
    res = testapp.get("/api/comments", {"before": "0" * 5000 + str(comments[2].id), "limit": "01"})
    assert ids(res) == [comments[1].id]


# Errors: JSON with a 4xx status, whatever went wrong

BAD_QUERIES = {
    "before-not-a-number": "before=abc",
    "before-negative": "before=-1",
    "before-fraction": "before=1.5",
    "before-with-plus": "before=%2B5",
    "before-with-space": "before=%205",
    "before-empty": "before=",
    "before-zero": "before=0",
    "before-too-big": "before=" + "9" * 19,
    "before-huge": "before=" + "9" * 10000,
    "before-arabic-digits": "before=%D9%A3",
    "before-twice": "before=5&before=6",
    "limit-zero": "limit=0",
    "limit-over-100": "limit=101",
    "limit-not-a-number": "limit=ten",
    "limit-empty": "limit=",
    "limit-twice": "limit=5&limit=5",
    "unknown-parameter": "limt=5",
    "parameter-without-value": "before",
    "page-parameter": "page=2",
}


@pytest.mark.parametrize("query", BAD_QUERIES.values(), ids=BAD_QUERIES.keys())
def test_bad_parameter_is_a_json_400_that_says_so(testapp, query):
    assert error_of(testapp.get(f"/api/comments?{query}", status=400)) == (400, True, True, True)


def test_400_names_the_parameter_and_its_bounds(testapp):
    res = testapp.get("/api/comments?limit=101", status=400)
    assert res.json["error"]["message"] == "'limit' must be between 1 and 100."


def test_400_names_an_unknown_parameter(testapp):
    res = testapp.get("/api/comments?limt=5", status=400)
    assert (
        res.json["error"]["message"]
        == "Unknown parameter 'limt': this address takes 'before', 'limit' and 'q'."
    )


def test_errors_may_be_read_by_any_web_page_too(testapp):
    res = testapp.get("/api/comments?before=x", status=400)
    assert res.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("path", ["/api/comments?before=%ff", "/api/comments?%ff=1", "/api/%ff"])
def test_address_that_is_not_utf8_is_a_json_400(raw_request, path):
    res = raw_request(path, method="GET")
    assert (error_of(res), res.json["error"]["message"]) == (
        (400, True, True, True),
        "That address is not valid: it is not UTF-8 text.",
    )


@pytest.mark.parametrize("path", ["/api", "/api/", "/api/nope", "/api/comments/1", "/api/comments/"])
def test_unknown_api_address_is_a_json_404(testapp, path):
    assert error_of(testapp.get(path, status=404)) == (404, True, True, True)


@pytest.mark.filterwarnings("ignore:Unknown REQUEST_METHOD:webtest.lint.WSGIWarning")
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PROPFIND"])
def test_other_methods_are_a_json_405_naming_the_allowed_ones(raw_request, method):
    res = raw_request("/api/comments", method=method)
    assert (error_of(res), res.headers["Allow"]) == ((405, True, True, True), "GET, HEAD")


def test_post_with_a_form_and_no_csrf_token_is_still_a_json_405(logged_in, dbsession):
    res = logged_in.post("/api/comments", {"contents": "Sneaky"}, status=405)
    assert (error_of(res), ids(logged_in.get("/api/comments"))) == ((405, True, True, True), [])


def test_post_with_a_csrf_token_is_a_405_that_stores_nothing(logged_in, csrf_token):
    res = logged_in.post("/api/comments", {"contents": "Sneaky", "csrf_token": csrf_token()}, status=405)
    assert (error_of(res), ids(logged_in.get("/api/comments"))) == ((405, True, True, True), [])


def test_body_over_the_size_limit_is_a_json_413(raw_request):
    res = raw_request("/api/comments", body=b"contents=" + b"x" * 1_000_000, content_type=FORM)
    assert error_of(res) == (413, True, True, True)


def test_pages_outside_the_api_keep_their_html_errors(testapp):
    missing = testapp.get("/apiary", status=404)
    bad_page = testapp.get("/?before=abc", status=400)
    assert (missing.content_type, bad_page.content_type) == ("text/html", "text/html")

"""Error pages: the right status, words a visitor understands, never a traceback."""

from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from scratchpad.models import Comment

FORM = "application/x-www-form-urlencoded"


def heading_and_message(res):
    main = res.html.find("main")
    return main.find("h1").get_text(), " ".join(main.find("p").get_text().split())


def boom(*args, **kwargs):
    raise RuntimeError("a bug in the app")


# 404


def test_unknown_address_is_a_404(testapp):
    testapp.get("/nope", status=404)


def test_404_page_says_so_in_words(testapp):
    res = testapp.get("/nope", status=404)
    assert heading_and_message(res) == ("Page not found", "There is nothing at this address.")


def test_404_page_links_back_to_the_comments(testapp):
    res = testapp.get("/nope", status=404)
    assert res.html.find("main").find("a", string="Back to the comments")["href"] == "/"


def test_post_to_an_unknown_address_is_a_404(testapp):
    testapp.post("/nope", {"contents": "Hi"}, status=404)


def test_path_outside_the_static_folder_is_a_404(testapp):
    testapp.get("/static/..%2f..%2fsetup.py", status=404)


# Health


def test_healthz_answers_ok(testapp):
    res = testapp.get("/healthz", status=200)
    assert res.text == "ok"


def test_healthz_is_503_when_the_database_does_not_answer(testapp, monkeypatch):
    broken_sql = sa.text("SELECT * FROM no_such_table")
    monkeypatch.setattr("scratchpad.web.health.sa", SimpleNamespace(text=lambda sql: broken_sql))
    res = testapp.get("/healthz", status=503)
    assert res.text == "database unavailable"


# 400s


def test_bad_page_number_page_explains_itself(testapp):
    res = testapp.get("/", {"before": "abc"}, status=400)
    assert heading_and_message(res) == (
        "Bad Request",
        "That page does not exist: 'before' must be a comment number.",
    )


def test_missing_csrf_token_page_explains_itself(logged_in):
    res = logged_in.post("/", {"contents": "Hi"}, status=400)
    assert heading_and_message(res) == (
        "Form expired",
        "The form's security token was missing or wrong, so nothing was saved. "
        "Please go back, reload the page and try again.",
    )


# 500


def test_unexpected_error_is_a_500_with_an_apology(testapp, monkeypatch):
    monkeypatch.setattr("scratchpad.board.views.index.page_values", boom)
    res = testapp.get("/", status=500)
    assert heading_and_message(res) == (
        "Something went wrong",
        "Sorry, that did not work and nothing was saved. Please try again.",
    )


def test_unexpected_error_is_logged_for_the_operator(testapp, monkeypatch, caplog):
    monkeypatch.setattr("scratchpad.board.views.index.page_values", boom)
    testapp.get("/?before=5", status=500)
    assert [(r.levelname, r.getMessage(), r.exc_info[0]) for r in caplog.records] == [
        ("ERROR", "Unexpected error on GET /?before=5", RuntimeError)
    ]


def test_unexpected_error_while_posting_saves_nothing(logged_in, dbsession, csrf_token, monkeypatch):
    # The comment is added to the session, then the redirect fails: the transaction must be
    # rolled back, as the apology says.
    monkeypatch.setattr("scratchpad.board.views.index.HTTPSeeOther", boom)
    logged_in.post("/", {"contents": "Hi", "csrf_token": csrf_token()}, status=500)
    assert dbsession.scalars(sa.select(Comment)).all() == []


def test_unexpected_error_page_keeps_the_visitor_logged_in(logged_in, monkeypatch):
    monkeypatch.setattr("scratchpad.board.views.index.newest_threads", boom)
    res = logged_in.get("/", status=500)
    assert "Log out" in res


# No page shows a traceback


ERROR_REQUESTS = {
    "404": ("GET", "/nope", None, None, 404),
    "bad before": ("GET", "/?before=abc", None, None, 400),
    "path not utf-8": ("GET", "/%ff", None, None, 400),
    "query not utf-8": ("GET", "/?before=%ff", None, None, 400),
    "bad login": ("POST", "/login/", FORM, b"username=x&password=y", 400),
    "logout without token": ("POST", "/logout/", FORM, b"", 400),
    "broken multipart": ("POST", "/", "multipart/form-data", b"x", 400),
}


# Anonymous: WebTest's cookie jar itself cannot build a request for a path that is not UTF-8.
@pytest.mark.parametrize(
    "method, path, content_type, body, status",
    ERROR_REQUESTS.values(),
    ids=ERROR_REQUESTS.keys(),
)
def test_error_pages_show_no_traceback(raw_request, method, path, content_type, body, status):
    res = raw_request(path, method=method, body=body or b"", content_type=content_type)
    assert (res.status_int, "Traceback" in res.text, 'File "' in res.text) == (status, False, False)


def test_500_page_shows_no_traceback(testapp, monkeypatch):
    monkeypatch.setattr("scratchpad.board.views.index.page_values", boom)
    res = testapp.get("/", status=500)
    assert ("Traceback" in res.text, "a bug in the app" in res.text) == (False, False)

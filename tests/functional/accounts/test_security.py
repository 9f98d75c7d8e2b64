"""CSRF, who may post, cookies, session renewal and escaping, through the whole stack."""

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.support.apps import is_logged_in
from tests.support.cookies import set_cookie_attributes
from tests.support.factories import PASSWORD, make_comment, make_user, stored_comments

CSRF_MESSAGE = "security token was missing or wrong"


def replace_cookie(testapp, name, value):
    """Change the value of the cookie the browser already holds (``TestApp.set_cookie`` would
    add a second one next to it: the app sets its cookies with an explicit Domain)."""
    cookies = [cookie for cookie in testapp.cookiejar if cookie.name == name]
    assert len(cookies) == 1, cookies
    cookies[0].value = value


# Posting while logged out (ACL)


def test_anonymous_post_with_token_redirects_to_login_with_next(testapp, csrf_token):
    res = testapp.post("/", {"contents": "Hi", "csrf_token": csrf_token()}, status=303)
    location = urlsplit(res.headers["Location"])
    assert (location.netloc, location.path, parse_qs(location.query)) == (
        "example.com",
        "/login/",
        {"next": ["/"]},
    )


def test_anonymous_post_with_token_stores_nothing(testapp, dbsession, csrf_token):
    testapp.post("/", {"contents": "Hi", "csrf_token": csrf_token()}, status=303)
    assert stored_comments(dbsession) == []


def test_anonymous_post_without_token_redirects_to_login(testapp):
    res = testapp.post("/", {"contents": "Hi"}, status=303)
    assert urlsplit(res.headers["Location"]).path == "/login/"


def test_anonymous_post_without_token_stores_nothing(testapp, dbsession):
    testapp.post("/", {"contents": "Hi"}, status=303)
    assert stored_comments(dbsession) == []


# CSRF


def test_post_without_csrf_token_is_a_400_saying_so(logged_in):
    res = logged_in.post("/", {"contents": "Hi"}, status=400)
    assert CSRF_MESSAGE in res


def test_post_without_csrf_token_stores_nothing(logged_in, dbsession):
    logged_in.post("/", {"contents": "Hi"}, status=400)
    assert stored_comments(dbsession) == []


def test_post_with_wrong_csrf_token_is_a_400_saying_so(logged_in):
    res = logged_in.post("/", {"contents": "Hi", "csrf_token": "0" * 40}, status=400)
    assert CSRF_MESSAGE in res


def test_post_with_wrong_csrf_token_stores_nothing(logged_in, dbsession):
    logged_in.post("/", {"contents": "Hi", "csrf_token": "0" * 40}, status=400)
    assert stored_comments(dbsession) == []


def test_post_with_empty_csrf_token_stores_nothing(logged_in, dbsession):
    logged_in.post("/", {"contents": "Hi", "csrf_token": ""}, status=400)
    assert stored_comments(dbsession) == []


def test_csrf_token_of_another_session_is_refused(logged_in, dbsession, app):
    other_browser = type(logged_in)(app, extra_environ=dict(logged_in.extra_environ))
    foreign_token = other_browser.get("/login/").forms["login-form"]["csrf_token"].value
    logged_in.post("/", {"contents": "Hi", "csrf_token": foreign_token}, status=400)
    assert stored_comments(dbsession) == []


def test_login_without_csrf_token_is_a_400(testapp, alice):
    res = testapp.post("/login/", {"username": "alice", "password": PASSWORD}, status=400)
    assert CSRF_MESSAGE in res


def test_login_without_csrf_token_does_not_log_in(testapp, alice):
    testapp.post("/login/", {"username": "alice", "password": PASSWORD}, status=400)
    assert not is_logged_in(testapp)


# Cookies


def test_auth_cookie_is_httponly_and_samesite_lax(testapp, alice):
    res = testapp.login("alice", PASSWORD)
    assert {"httponly", "samesite=lax"} <= set_cookie_attributes(res, "auth_tkt")


def test_session_cookie_is_httponly_and_samesite_lax(testapp):
    res = testapp.get("/login/")
    assert {"httponly", "samesite=lax"} <= set_cookie_attributes(res, "scratchpad_session")


def test_logout_expires_the_auth_cookie(logged_in, csrf_token):
    res = logged_in.post("/logout/", {"csrf_token": csrf_token()}, status=303)
    assert "max-age=0" in set_cookie_attributes(res, "auth_tkt")


def test_tampered_auth_cookie_is_ignored(logged_in):
    ticket = logged_in.cookies["auth_tkt"]
    replace_cookie(logged_in, "auth_tkt", ("1" if ticket[0] == "0" else "0") + ticket[1:])
    assert not is_logged_in(logged_in)


def test_untampered_auth_cookie_still_works(logged_in):
    # The control for the test above: rewriting the cookie in place keeps a valid login.
    replace_cookie(logged_in, "auth_tkt", logged_in.cookies["auth_tkt"])
    assert is_logged_in(logged_in)


def test_garbage_auth_and_session_cookies_mean_logged_out(logged_in):
    replace_cookie(logged_in, "auth_tkt", "garbage!!")
    replace_cookie(logged_in, "scratchpad_session", "garbage!!")
    assert "Log in" in logged_in.get("/", status=200)


# Session fixation: the session and its token are replaced at login and at logout


def test_csrf_token_changes_at_login(testapp, alice, csrf_token):
    before = csrf_token()
    testapp.login("alice", PASSWORD)
    assert csrf_token() != before


def test_session_cookie_changes_at_login(testapp, alice):
    testapp.get("/login/")
    before = testapp.cookies["scratchpad_session"]
    testapp.login("alice", PASSWORD)
    assert testapp.cookies["scratchpad_session"] != before


def test_token_from_before_login_is_refused_after_login(testapp, dbsession, alice, csrf_token):
    planted = csrf_token()
    testapp.login("alice", PASSWORD)
    testapp.post("/", {"contents": "Hi", "csrf_token": planted}, status=400)
    assert stored_comments(dbsession) == []


def test_csrf_token_changes_at_logout(logged_in, csrf_token):
    before = csrf_token()
    logged_in.post("/logout/", {"csrf_token": before}, status=303)
    assert csrf_token() != before


def test_session_cookie_changes_at_logout(logged_in, csrf_token):
    token = csrf_token()
    before = logged_in.cookies["scratchpad_session"]
    logged_in.post("/logout/", {"csrf_token": token}, status=303)
    assert logged_in.cookies["scratchpad_session"] != before


# Escaping


XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</textarea><script>alert(1)</script>",
]


@pytest.mark.parametrize("payload", XSS)
def test_markup_in_a_comment_is_not_sent_raw(testapp, dbsession, payload):
    make_comment(dbsession, payload)
    assert payload not in testapp.get("/").text


@pytest.mark.parametrize("payload", XSS)
def test_markup_in_a_comment_is_shown_as_text(testapp, dbsession, payload):
    make_comment(dbsession, payload)
    shown = testapp.get("/").html.select_one("article.comment .comment-content")
    # One Markdown paragraph holding the payload as its text; no element of the payload's.
    assert ([tag.name for tag in shown.find_all()], shown.get_text().strip("\n")) == (["p"], payload)


def test_template_syntax_in_a_comment_is_shown_verbatim(testapp, dbsession):
    make_comment(dbsession, "{{ 7*7 }}{% raw %}")
    shown = testapp.get("/").html.select_one("article.comment .comment-content")
    assert shown.get_text().strip("\n") == "{{ 7*7 }}{% raw %}"


def test_script_comment_is_html_escaped(testapp, dbsession):
    make_comment(dbsession, "<script>alert(1)</script>")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in testapp.get("/")


def test_attribute_breaking_comment_makes_no_image(testapp, dbsession):
    make_comment(dbsession, '"><img src=x onerror=alert(1)>')
    assert testapp.get("/").html.find("img") is None


def test_markup_in_a_username_is_escaped_in_the_byline(testapp, dbsession):
    make_comment(dbsession, "Hi", commenter=make_user(dbsession, "<b>bold</b>"))
    res = testapp.get("/")
    assert ("<b>bold</b>" in res.text, "by <bdi>&lt;b&gt;bold&lt;/b&gt;</bdi>" in res.text) == (False, True)


def test_markup_in_a_username_is_escaped_in_the_header(testapp, dbsession):
    make_user(dbsession, "<b>bold</b>", PASSWORD)
    testapp.login("<b>bold</b>", PASSWORD)
    header_name = testapp.get("/").html.find("nav").find("strong")
    assert (header_name.get_text(), header_name.find("b")) == ("<b>bold</b>", None)


def test_markup_in_a_refused_draft_stays_inside_the_textarea(logged_in, csrf_token):
    draft = "</textarea><script>alert(1)</script>" + "x" * 4097
    res = logged_in.post("/", {"contents": draft, "csrf_token": csrf_token()}, status=400)
    # The page's only script is its own static file; the draft's stays text in the textarea.
    assert [script.get("src") for script in res.html.find_all("script")] == ["/static/scratchpad.js"]


def test_markup_in_next_is_escaped_in_the_login_form(testapp):
    res = testapp.get("/login/", {"next": '/"><script>alert(1)</script>'})
    assert res.html.find("script") is None


# The visitor's statement (issue 17, line 1: the fixed cost of a member's request)


def test_the_visitors_statement_is_built_once_not_for_every_request(logged_in, monkeypatch):
    """Building it (two subqueries for the navbar's counts, an ORM option) cost more than
    running it, on every page a member asked for: it is built at import, the user id bound."""
    from scratchpad.board import inbox
    from scratchpad.models import notification

    def built_again(*args):
        raise AssertionError("the visitor's statement was built again")

    monkeypatch.setattr(inbox, "counts_for_admins", built_again)
    monkeypatch.setattr(notification, "unread_count", built_again)
    page = logged_in.get("/")
    assert page.html.find("a", id="notifications-link") is not None

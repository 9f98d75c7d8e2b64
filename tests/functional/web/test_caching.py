"""Who may keep an answer (caching.py): nothing personal or carrying a CSRF token is ever
stored by a browser or proxy; anonymous board pages are kept but revalidated with their ETag,
and a match gets an empty 304 with the security headers."""

import pytest

from tests.support.factories import PASSWORD, make_comment


def test_the_login_page_is_never_stored(testapp):
    assert testapp.get("/login/").headers["Cache-Control"] == "no-store"


def test_a_logged_in_visitors_board_page_is_never_stored(logged_in):
    page = logged_in.get("/")
    assert (page.headers["Cache-Control"], "ETag" in page.headers) == ("no-store", False)


@pytest.mark.parametrize("path", ["/admin/moderation", "/logout/", "/api/comments", "/healthz", "/nowhere"])
def test_other_answers_to_a_logged_in_visitor_are_never_stored(logged_in, path):
    assert logged_in.get(path, status="*").headers["Cache-Control"] == "no-store"


def test_a_page_that_sets_a_cookie_is_never_stored(testapp, alice):
    form = testapp.get("/login/").form
    form["username"], form["password"] = "alice", PASSWORD
    answer = form.submit(status=303)
    assert ("Set-Cookie" in answer.headers, answer.headers["Cache-Control"]) == (True, "no-store")


def test_a_page_with_a_message_is_never_stored(logged_in):
    token = logged_in.get("/").forms[0]["csrf_token"].value
    farewell = logged_in.post("/logout/", {"csrf_token": token}, status=303).follow()
    assert ("You are logged out." in farewell.text, farewell.headers["Cache-Control"]) == (True, "no-store")


def test_an_anonymous_board_page_is_revalidated_with_an_etag(browser):
    page = browser().get("/")
    assert (page.headers["Cache-Control"], page.headers["ETag"].startswith('"')) == ("no-cache", True)


@pytest.mark.parametrize("visits", [1, 2], ids=["drawn", "kept"])
def test_a_matching_if_none_match_gets_an_empty_304_with_the_security_headers(browser, visits):
    anonymous = browser()
    for _ in range(visits):
        etag = anonymous.get("/").headers["ETag"]
    answer = anonymous.get("/", headers={"If-None-Match": etag}, status=304)
    assert (answer.body, answer.headers["ETag"], answer.headers["Cache-Control"]) == (b"", etag, "no-cache")
    assert answer.headers["X-Frame-Options"] == "DENY"


def test_a_page_changed_since_gets_a_200_with_a_new_etag(browser, dbsession):
    anonymous = browser()
    etag = anonymous.get("/").headers["ETag"]
    make_comment(dbsession, "News")
    page = anonymous.get("/", headers={"If-None-Match": etag}, status=200)
    assert ("News" in page.text, page.headers["ETag"] != etag) == (True, True)


def test_each_page_of_the_board_has_its_own_etag(browser, dbsession):
    newest = make_comment(dbsession, "one")
    anonymous = browser()
    assert anonymous.get("/").headers["ETag"] != anonymous.get("/", {"before": newest.id}).headers["ETag"]


def test_a_logged_in_visitor_never_gets_a_304_for_an_anonymous_etag(browser, logged_in):
    etag = browser().get("/").headers["ETag"]
    page = logged_in.get("/", headers={"If-None-Match": etag}, status=200)
    assert "Logged in as" in page.text


def test_the_etag_of_a_kept_page_is_the_one_it_was_drawn_with(browser):
    anonymous = browser()
    assert anonymous.get("/").headers["ETag"] == anonymous.get("/").headers["ETag"]


def test_anonymous_pages_carry_an_etag_without_the_page_cache(browser, app_with):
    anonymous = browser(app_with(page_cache_bytes=0))
    etag = anonymous.get("/").headers["ETag"]
    assert anonymous.get("/", headers={"If-None-Match": etag}, status=304).body == b""


def test_static_files_keep_their_own_caching(testapp):
    stylesheet = testapp.get("/").html.select_one("link[rel=stylesheet]")["href"]
    assert "max-age=3600" in testapp.get(stylesheet).headers["Cache-Control"]


def test_the_feed_keeps_its_own_caching(testapp):
    assert testapp.get("/feed.atom").headers["Cache-Control"] == "no-cache"

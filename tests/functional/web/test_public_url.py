"""scratchpad.public_url (public_url.py): with it set, every absolute URL the board writes (feed
links, the API's ``next``, redirects) starts with it, whatever ``Host`` a client forges; the
CSRF origin check accepts the public origin and nothing else. Unset, requests keep their own."""

import xml.etree.ElementTree as ElementTree

import pytest

from tests.support.factories import PASSWORD, make_comment

PUBLIC_URL = "https://board.example.org"
FORGED_HOST = "evil.example"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def public_app(app_with):
    return app_with(public_url=PUBLIC_URL)


def own_environ(app):
    """``app`` given a copy of each request's environ: the app sets the public address in the
    one it gets, and WebTest would then file the cookies under that host instead of the one
    the client asked for."""
    return lambda environ, start_response: app(dict(environ), start_response)


@pytest.fixture
def forger(browser, public_app):
    """A client of the app with the public URL set that sends a forged ``Host`` (and, as a
    browser on the real site would, the public origin with its forms)."""
    return browser(own_environ(public_app), HTTP_HOST=FORGED_HOST, HTTP_ORIGIN=PUBLIC_URL)


def feed_urls(response):
    document = ElementTree.fromstring(response.body)
    links = [link.get("href") for link in document.iter(f"{ATOM}link")]
    ids = [element.text for element in document.iter(f"{ATOM}id")]
    return links + ids


def test_feed_links_and_ids_use_the_public_url_whatever_the_host(forger, dbsession):
    make_comment(dbsession, "Hello")
    urls = feed_urls(forger.get("/feed.atom", status=200))
    assert (len(urls) >= 4, [url for url in urls if not url.startswith(f"{PUBLIC_URL}/")]) == (True, [])


def test_api_next_and_comment_urls_use_the_public_url_whatever_the_host(forger, dbsession):
    for number in range(2):
        make_comment(dbsession, f"comment {number}")
    answer = forger.get("/api/comments", {"limit": 1}, status=200).json
    assert (answer["next"].startswith(f"{PUBLIC_URL}/api/comments?"), answer["comments"][0]["url"]) == (
        True,
        f"{PUBLIC_URL}/comments/{answer['comments'][0]['id']}",
    )


def test_login_redirect_uses_the_public_url_whatever_the_host(forger, alice):
    assert forger.login("alice", PASSWORD).headers["Location"] == f"{PUBLIC_URL}/"


def test_redirect_to_log_in_uses_the_public_url_whatever_the_host(forger):
    location = forger.get("/admin/moderation", status=303).headers["Location"]
    assert location == f"{PUBLIC_URL}/login/?next=%2Fadmin%2Fmoderation"


def test_redirects_after_posting_and_logging_out_use_the_public_url(forger, alice):
    forger.login("alice", PASSWORD)
    token = forger.get("/").forms[0]["csrf_token"].value
    posted = forger.post("/", {"contents": "Hi", "csrf_token": token}, status=303)
    logged_out = forger.post("/logout/", {"csrf_token": token}, status=303)
    assert {posted.headers["Location"], logged_out.headers["Location"]} == {f"{PUBLIC_URL}/"}


def test_a_form_from_another_origin_is_refused(browser, public_app, alice):
    visitor = browser(own_environ(public_app), HTTP_ORIGIN="https://evil.example")
    form = visitor.get("/login/").form
    form["username"], form["password"] = "alice", PASSWORD
    assert "Set-Cookie" not in form.submit(status=400).headers


def test_without_the_setting_urls_follow_the_request(browser):
    answer = browser(HTTP_HOST="elsewhere.example:8080").get("/admin/moderation", status=303)
    assert answer.headers["Location"].startswith("http://elsewhere.example:8080/login/")


def test_a_path_in_the_public_url_is_the_mount_point(browser, app_with):
    mounted = browser(app_with(public_url="https://example.org/board"), HTTP_HOST=FORGED_HOST)
    page = mounted.get("/", status=200)
    assert (page.html.select_one("a.navbar-brand")["href"], mounted.get("/admin/moderation").location) == (
        "/board/",
        "https://example.org/board/login/?next=%2Fboard%2Fadmin%2Fmoderation",
    )

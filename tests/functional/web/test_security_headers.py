"""Security headers on every kind of response, HSTS and Secure cookies where configured."""

import configparser

import pytest
from pyramid.settings import asbool

from tests.support.cookies import set_cookie_attributes
from tests.support.factories import PASSWORD
from tests.support.paths import ROOT

REQUIRED_CSP_DIRECTIVES = {
    "default-src 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'none'",
}


@pytest.fixture(scope="module")
def one_attempt_app(app_with):
    return app_with(login_attempts_per_user=1)


@pytest.fixture(scope="module")
def hsts_app(app_with):
    return app_with(hsts=True)


@pytest.fixture(scope="module")
def secure_cookies_app(app_with):
    return app_with(secure_cookies=True)


def browser_on(testapp, wsgi, dbconnection, **environ):
    extra = {"HTTP_HOST": "example.com", "app.dbconnection": dbconnection, **environ}
    return type(testapp)(wsgi, extra_environ=extra)


def csp_directives(res):
    return {directive.strip() for directive in res.headers["Content-Security-Policy"].split(";")}


def throttled_login(testapp, one_attempt_app, dbconnection):
    visitor = browser_on(testapp, one_attempt_app, dbconnection)
    visitor.login("alice", "wrong password", status=400)
    return visitor.login("alice", PASSWORD, status=429)


RESPONSES = {
    "comment page": lambda testapp, **_: testapp.get("/", status=200),
    "login page": lambda testapp, **_: testapp.get("/login/", status=200),
    "404": lambda testapp, **_: testapp.get("/no/such/page", status=404),
    "400 csrf": lambda testapp, **_: testapp.post("/login/", {"username": "alice"}, status=400),
    "static file": lambda testapp, **_: testapp.get("/static/scratchpad.css", status=200),
    "413": lambda testapp, **_: testapp.post("/login/", {"password": "x" * 70_000}, status=413),
    "429": throttled_login,
}


@pytest.fixture(params=list(RESPONSES))
def response(request, testapp, alice, one_attempt_app, dbconnection):
    """One response of each kind the site gives."""
    return RESPONSES[request.param](testapp, one_attempt_app=one_attempt_app, dbconnection=dbconnection)


def test_csp_has_the_required_directives(response):
    assert csp_directives(response) >= REQUIRED_CSP_DIRECTIVES


def test_csp_allows_no_inline_code(response):
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


def test_csp_allows_no_eval(response):
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]


def test_content_type_sniffing_is_off(response):
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_referrer_stays_on_the_site(response):
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_framing_is_refused_for_old_browsers_too(response):
    assert response.headers["X-Frame-Options"] == "DENY"


def test_no_hsts_with_testing_settings(response):
    assert "Strict-Transport-Security" not in response.headers


def test_csp_is_sent_once(response):
    assert len(response.headers.getall("Content-Security-Policy")) == 1


# HSTS where the site is served over HTTPS


@pytest.mark.parametrize(
    "path, status", [("/", 200), ("/no/such/page", 404), ("/static/scratchpad.css", 200)]
)
def test_hsts_is_sent_over_https_when_configured(testapp, hsts_app, dbconnection, path, status):
    visitor = browser_on(testapp, hsts_app, dbconnection, **{"wsgi.url_scheme": "https"})
    res = visitor.get(path, status=status)
    assert res.headers["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.parametrize(
    "path, status", [("/", 200), ("/no/such/page", 404), ("/static/scratchpad.css", 200)]
)
def test_no_hsts_over_plain_http_even_when_configured(testapp, hsts_app, dbconnection, path, status):
    # RFC 6797: only over a secure transport; a browser ignores it over HTTP anyway.
    res = browser_on(testapp, hsts_app, dbconnection).get(path, status=status)
    assert "Strict-Transport-Security" not in res.headers


@pytest.fixture(scope="module")
def hsts_public_https_app(app_with):
    return app_with(hsts=True, public_url="https://board.example.org")


@pytest.fixture(scope="module")
def hsts_public_http_app(app_with):
    return app_with(hsts=True, public_url="http://board.example.org")


def test_hsts_follows_an_https_public_url_whatever_the_request_came_over(
    testapp, hsts_public_https_app, dbconnection
):
    # Behind a proxy that sends no X-Forwarded-Proto, the public URL says HTTPS.
    res = browser_on(testapp, hsts_public_https_app, dbconnection).get("/")
    assert res.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_no_hsts_with_an_http_public_url(testapp, hsts_public_http_app, dbconnection):
    visitor = browser_on(testapp, hsts_public_http_app, dbconnection, **{"wsgi.url_scheme": "https"})
    assert "Strict-Transport-Security" not in visitor.get("/").headers


def test_hsts_app_still_sends_the_other_headers(testapp, hsts_app, dbconnection):
    res = browser_on(testapp, hsts_app, dbconnection).get("/")
    assert res.headers["X-Content-Type-Options"] == "nosniff"


# Secure cookies


@pytest.fixture
def https_browser(testapp, secure_cookies_app, dbconnection):
    return browser_on(testapp, secure_cookies_app, dbconnection, **{"wsgi.url_scheme": "https"})


def https_login(visitor):
    # Over HTTPS, pyramid's CSRF check also wants the Referer to be this site.
    form = visitor.get("/login/").form
    form["username"], form["password"] = "alice", PASSWORD
    return form.submit(status=303, headers={"Referer": "https://example.com/login/"})


def test_session_cookie_is_secure_when_configured(https_browser):
    assert "secure" in set_cookie_attributes(https_browser.get("/login/"), "scratchpad_session")


def test_auth_cookie_is_secure_when_configured(https_browser, alice):
    assert "secure" in set_cookie_attributes(https_login(https_browser), "auth_tkt")


def test_session_cookie_set_at_login_is_secure_when_configured(https_browser, alice):
    assert "secure" in set_cookie_attributes(https_login(https_browser), "scratchpad_session")


def test_cookies_are_not_secure_with_testing_settings(testapp, alice):
    # The control: with secure_cookies = false a plain-HTTP development site works.
    res = testapp.login("alice", PASSWORD)
    assert "secure" not in set_cookie_attributes(res, "auth_tkt")


# What production.ini sets


def test_production_ini_turns_on_hsts_and_secure_cookies():
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / "production.ini")
    app = parser["app:main"]
    assert (asbool(app.get("scratchpad.hsts")), asbool(app.get("scratchpad.secure_cookies"))) == (
        True,
        True,
    )

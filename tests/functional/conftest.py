"""Fixtures the functional tests share: a user, a logged-in browser, the current CSRF token."""

import pytest
from factories import make_user

PASSWORD = "correct horse battery"


@pytest.fixture
def alice(dbsession):
    return make_user(dbsession, "alice", PASSWORD)


@pytest.fixture
def logged_in(testapp, alice):
    """``testapp`` after alice logged in through the real form."""
    testapp.login("alice", PASSWORD)
    return testapp


@pytest.fixture
def csrf_token(testapp):
    """A function returning the token the visitor's forms currently carry.

    ``TestApp.get_csrf_token`` reads ``/login/`` with ``res.form``, which raises once the
    visitor is logged in (the header then holds the logout form as well); every form on a
    page carries the same token, so this takes the first one.
    """

    def current_token():
        page = testapp.get("/login/")
        return page.html.find("input", attrs={"name": "csrf_token"})["value"]

    return current_token


@pytest.fixture
def raw_request(testapp):
    """A function sending exactly the given bytes, as a hand-made client would.

    ``TestApp.post`` re-parses a multipart body it did not build (and fails on bytes that
    are not UTF-8), and ``TestApp.request`` alone would go to ``localhost``, where the
    ``example.com`` cookies are not sent.
    """

    def send(path, method="POST", body=b"", content_type=None):
        params = {} if content_type is None else {"content_type": content_type}
        return testapp.request(
            path,
            method=method,
            body=body,
            base_url="http://example.com",
            expect_errors=True,
            **params,
        )

    return send

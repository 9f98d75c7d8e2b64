"""Fixtures the functional tests share: more browsers and apps, the current CSRF token,
hand-made requests. (``alice`` and ``logged_in`` live in tests/conftest.py.)"""

import itertools
from contextlib import ExitStack

import pytest
from sqlalchemy import event

from scratchpad import main
from scratchpad.models import RequestSession
from tests.support.catalogs import made_up_translations


@pytest.fixture
def csrf_token(testapp):
    """A function returning the token the visitor's forms currently carry."""
    return testapp.get_csrf_token


@pytest.fixture
def browser(testapp, app, dbconnection):
    """A function making a fresh browser (its own cookies) on ``wsgi``, the shared test app
    unless given, with ``environ`` added to its requests, sharing the test's rolled-back
    connection."""

    def make(wsgi=None, **environ):
        extra = {"HTTP_HOST": "example.com", "app.dbconnection": dbconnection, **environ}
        return type(testapp)(wsgi or app, extra_environ=extra)

    return make


@pytest.fixture(scope="module")
def app_with(app_settings, dbengine):
    """A function building another app (another process, as far as its caches go) on the
    test database, with some ``scratchpad.*`` settings changed."""

    def build(**changes):
        settings = {**app_settings, **{f"scratchpad.{key}": value for key, value in changes.items()}}
        return main({}, **settings, dbengine=dbengine)

    return build


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


@pytest.fixture
def translations(app, tmp_path):
    """A function laying made-up translations over the shared app's catalogs for the rest
    of the test (tests/support/catalogs.py): ``translations({"de": {"Comments": "..."}})``;
    another app's with ``translations(..., wsgi=that_app)``."""
    laid = itertools.count()
    with ExitStack() as stack:

        def lay(by_language, wsgi=None):
            folder = tmp_path / f"made-up-{next(laid)}"
            stack.enter_context(made_up_translations((wsgi or app).registry, folder, by_language))

        yield lay


@pytest.fixture
def sessions_begun():
    """How many of the app's request sessions began a transaction while the test ran."""
    begun = []

    def count(session, session_transaction, connection):
        if session_transaction.parent is None:
            begun.append(session)

    event.listen(RequestSession, "after_begin", count)
    yield begun
    event.remove(RequestSession, "after_begin", count)

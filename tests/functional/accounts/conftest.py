"""Fixtures the account tests share."""

import pytest

from tests.support.factories import PASSWORD, make_user


@pytest.fixture
def planted(browser):
    """``(victim, session, token)``: a browser holding the session cookie an attacker got from
    the login page, that cookie, and the CSRF token the attacker saw with it, for the tests
    that a login or a chosen password leaves the attacker nothing."""
    attacker = browser()
    attacker.get("/login/")
    session, token = attacker.cookies["scratchpad_session"], attacker.get_csrf_token()
    victim = browser()
    victim.set_cookie("scratchpad_session", session)
    return victim, session, token


@pytest.fixture
def root(dbsession, browser):
    """An admin, logged in."""
    make_user(dbsession, "root", role="admin")
    visitor = browser()
    visitor.login("root", PASSWORD)
    return visitor

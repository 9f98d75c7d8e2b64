"""Sessions that end: fixation, logout, a new password, a disabled user, idle timeout.

The auth ticket carries the user's session secret, random per user; logging out, a new password
or disabling the user renews it, so every ticket issued before (saved copies included) is dead,
and a ticket never fits another user, even one given the same id.
Tickets expire ``scratchpad.session_timeout`` seconds after they were issued and are reissued
while in use (after a tenth of that).
"""

import time

import pytest

from scratchpad import main
from scratchpad.models import User
from tests.support.apps import is_logged_in
from tests.support.factories import PASSWORD, stored_comments

TIMEOUT = 600  # the short-session app's scratchpad.session_timeout
REISSUE = TIMEOUT // 10


@pytest.fixture(scope="module")
def short_session_app(app_settings, dbengine):
    return main({}, **{**app_settings, "scratchpad.session_timeout": TIMEOUT}, dbengine=dbengine)


@pytest.fixture
def ticket_clock(monkeypatch):
    """The clock pyramid's auth tickets are issued and checked by, moved by hand.

    Only ``pyramid.authentication`` sees it: its own ``time`` module name is swapped, so the
    database, logging and the session cookie keep real time.
    """

    class TicketClock:
        offset = 0

        def time(self):
            return time.time() + self.offset

        def advance(self, seconds):
            self.offset += seconds

    clock = TicketClock()
    monkeypatch.setattr("pyramid.authentication.time_mod", clock)
    return clock


def log_out(visitor):
    visitor.post("/logout/", {"csrf_token": visitor.get_csrf_token()}, status=303)


def auth_cookie_headers(res):
    return [value for value in res.headers.getall("Set-Cookie") if value.startswith("auth_tkt=")]


def test_session_cookie_planted_before_login_is_replaced_at_login(planted, alice):
    victim, planted_session, _ = planted
    victim.login("alice", PASSWORD)
    assert victim.cookies["scratchpad_session"] != planted_session


def test_planted_session_gives_its_owner_no_valid_token_after_the_victims_login(planted, dbsession, alice):
    victim, _, planted_token = planted
    victim.login("alice", PASSWORD)
    victim.post("/", {"contents": "forged", "csrf_token": planted_token}, status=400)
    assert stored_comments(dbsession) == []


def test_session_cookie_and_token_are_both_replaced_at_login(browser, alice):
    visitor = browser()
    before = (visitor.get_csrf_token(), visitor.cookies["scratchpad_session"])
    visitor.login("alice", PASSWORD)
    after = (visitor.get_csrf_token(), visitor.cookies["scratchpad_session"])
    assert (after[0] != before[0], after[1] != before[1]) == (True, True)


def test_session_cookie_and_token_are_both_replaced_at_logout(browser, alice):
    visitor = browser()
    visitor.login("alice", PASSWORD)
    before = (visitor.get_csrf_token(), visitor.cookies["scratchpad_session"])
    log_out(visitor)
    after = (visitor.get_csrf_token(), visitor.cookies["scratchpad_session"])
    assert (after[0] != before[0], after[1] != before[1]) == (True, True)


# Logout ends the ticket itself, not only the browser's copy


def test_copy_of_the_auth_cookie_works_in_another_browser_before_logout(browser, alice):
    # The control for the tests below: copying the cookie is enough to be someone.
    visitor = browser()
    visitor.login("alice", PASSWORD)
    thief = browser()
    thief.set_cookie("auth_tkt", visitor.cookies["auth_tkt"])
    assert is_logged_in(thief)


def holding_a_cookie_saved_before_logout(browser):
    """A new browser holding a copy of alice's auth cookie, taken before she logged out."""
    visitor = browser()
    visitor.login("alice", PASSWORD)
    saved = visitor.cookies["auth_tkt"]
    log_out(visitor)
    thief = browser()
    thief.set_cookie("auth_tkt", saved)
    return thief


def test_copy_of_the_auth_cookie_saved_before_logout_is_anonymous_after(browser, alice):
    assert not is_logged_in(holding_a_cookie_saved_before_logout(browser))


def test_copy_of_the_auth_cookie_saved_before_logout_cannot_post(browser, dbsession, alice):
    thief = holding_a_cookie_saved_before_logout(browser)
    thief.post("/", {"contents": "as alice", "csrf_token": thief.get_csrf_token()}, status=303)
    assert stored_comments(dbsession) == []


def test_copy_of_a_dead_auth_cookie_is_not_reissued(browser, alice, ticket_clock):
    visitor = browser()
    visitor.login("alice", PASSWORD)
    saved = visitor.cookies["auth_tkt"]
    log_out(visitor)
    ticket_clock.advance(43200 // 10 + 1)  # past the default reissue time
    thief = browser()
    thief.set_cookie("auth_tkt", saved)
    assert auth_cookie_headers(thief.get("/")) == []


def test_logging_out_in_one_browser_ends_the_login_in_the_other(browser, alice):
    # Logout bumps the user's session generation: every ticket of theirs dies, by design.
    laptop, phone = browser(), browser()
    laptop.login("alice", PASSWORD)
    phone.login("alice", PASSWORD)
    log_out(laptop)
    assert is_logged_in(phone) is False


def test_logging_in_again_after_logout_works(browser, alice):
    visitor = browser()
    visitor.login("alice", PASSWORD)
    log_out(visitor)
    visitor.login("alice", PASSWORD)
    assert is_logged_in(visitor)


# A new password or a disabled user ends every session


@pytest.fixture
def two_browsers(browser, alice):
    laptop, phone = browser(), browser()
    laptop.login("alice", PASSWORD)
    phone.login("alice", PASSWORD)
    return laptop, phone


def test_two_browsers_are_both_logged_in(two_browsers):
    # The control for the tests below.
    assert [is_logged_in(visitor) for visitor in two_browsers] == [True, True]


def test_new_password_ends_every_session(two_browsers, dbsession, alice, rounds):
    alice.set_password("a brand new password", rounds)
    dbsession.flush()
    assert [is_logged_in(visitor) for visitor in two_browsers] == [False, False]


def test_new_password_logs_in_after_the_change(two_browsers, browser, dbsession, alice, rounds):
    alice.set_password("a brand new password", rounds)
    dbsession.flush()
    visitor = browser()
    visitor.login("alice", "a brand new password")
    assert is_logged_in(visitor)


def test_disabling_the_user_ends_every_session(two_browsers, dbsession, alice):
    alice.is_active = False
    dbsession.flush()
    assert [is_logged_in(visitor) for visitor in two_browsers] == [False, False]


def test_disabled_user_cannot_post_with_an_old_session(two_browsers, dbsession, alice):
    laptop, _ = two_browsers
    token = laptop.get_csrf_token()
    alice.is_active = False
    dbsession.flush()
    laptop.post("/", {"contents": "still here?", "csrf_token": token}, status=303)
    assert stored_comments(dbsession) == []


def test_disabled_user_cannot_log_in_with_the_right_password(browser, dbsession, alice):
    alice.is_active = False
    dbsession.flush()
    res = browser().login("alice", PASSWORD, status=400)
    assert "Incorrect username or password" in res


def test_reenabled_user_does_not_get_old_sessions_back(two_browsers, dbsession, alice):
    alice.is_active = False
    alice.end_sessions()
    dbsession.flush()
    alice.is_active = True
    dbsession.flush()
    assert [is_logged_in(visitor) for visitor in two_browsers] == [False, False]


def test_a_ticket_does_not_fit_a_new_user_given_the_old_users_id(two_browsers, dbsession, alice, rounds):
    alice_id = alice.id
    dbsession.delete(alice)
    dbsession.flush()
    # Adopting the tutorial's database inserts users with their ids, as this does.
    mallory = User(id=alice_id, username="mallory", role="admin")
    mallory.set_password(PASSWORD, rounds)
    dbsession.add(mallory)
    dbsession.flush()
    assert [is_logged_in(visitor) for visitor in two_browsers] == [False, False]


# Idle timeout and reissue (short-session app: timeout 600 s, reissue after 60 s)


@pytest.fixture
def short_session(browser, short_session_app, alice, ticket_clock):
    visitor = browser(short_session_app)
    visitor.login("alice", PASSWORD)
    return visitor


def test_ticket_is_not_reissued_before_reissue_time(short_session, ticket_clock):
    ticket_clock.advance(REISSUE - 5)
    assert auth_cookie_headers(short_session.get("/")) == []


def test_ticket_in_use_is_reissued_after_reissue_time(short_session, ticket_clock):
    ticket_clock.advance(REISSUE + 5)
    assert len(auth_cookie_headers(short_session.get("/"))) == 1


def test_reissued_ticket_is_a_new_ticket(short_session, ticket_clock):
    before = short_session.cookies["auth_tkt"]
    ticket_clock.advance(REISSUE + 5)
    short_session.get("/")
    assert short_session.cookies["auth_tkt"] != before


def test_ticket_within_the_timeout_still_logs_in(short_session, ticket_clock):
    ticket_clock.advance(TIMEOUT - 5)
    assert is_logged_in(short_session)


def test_ticket_older_than_the_timeout_is_anonymous(short_session, ticket_clock):
    ticket_clock.advance(TIMEOUT + 5)
    assert not is_logged_in(short_session)


def test_expired_ticket_is_not_reissued(short_session, ticket_clock):
    ticket_clock.advance(TIMEOUT + 5)
    assert auth_cookie_headers(short_session.get("/")) == []


def test_expired_ticket_cannot_post(short_session, dbsession, ticket_clock):
    token = short_session.get_csrf_token()
    ticket_clock.advance(TIMEOUT + 5)
    short_session.post("/", {"contents": "late", "csrf_token": token}, status=303)
    assert stored_comments(dbsession) == []


def test_a_session_in_use_outlives_the_timeout(short_session, ticket_clock):
    # Used every 400 s: each use after 60 s reissues the ticket, so 1200 s later it still works.
    for _ in range(3):
        ticket_clock.advance(400)
        short_session.get("/")
    assert is_logged_in(short_session)


def test_an_idle_session_does_not_outlive_the_timeout_from_its_last_use(short_session, ticket_clock):
    ticket_clock.advance(400)
    short_session.get("/")  # reissued here
    ticket_clock.advance(TIMEOUT + 5)
    assert not is_logged_in(short_session)


def test_reissued_ticket_still_dies_at_logout(short_session, browser, ticket_clock):
    ticket_clock.advance(REISSUE + 5)
    short_session.get("/")
    saved = short_session.cookies["auth_tkt"]
    log_out(short_session)
    thief = browser()
    thief.set_cookie("auth_tkt", saved)
    assert not is_logged_in(thief)


# Cookies the app cannot read


@pytest.mark.parametrize("path", ["/", "/login/", "/no/such/page", "/static/scratchpad.css"])
def test_cookie_that_is_not_utf8_is_a_400_not_a_500(browser, path):
    # An escape in a quoted cookie value that decodes to a byte that is not UTF-8: WebOb
    # raised when the login was looked up, and then again on the error page (found by test_fuzz).
    res = browser().get(path, headers={"Cookie": 'x="\\377"'}, status="*")
    assert res.status_int == 400


def test_cookie_that_is_not_utf8_gets_a_page_saying_what_to_do(browser):
    res = browser().get("/", headers={"Cookie": 'x="\\377"'}, status=400)
    assert "Please delete this site's cookies and try again." in " ".join(res.html.get_text().split())


def test_cookie_that_is_not_utf8_next_to_a_real_login_logs_nobody_in(browser, alice):
    visitor = browser()
    visitor.login("alice", PASSWORD)
    headers = {"Cookie": f'auth_tkt={visitor.cookies["auth_tkt"]}; x="\\377"'}
    res = browser().get("/", headers=headers, status=400)
    assert "Log out" not in res

"""Login and posting limits, counted in the database, through the whole WSGI app.

Failed logins: 5 per username or 20 per client address in ``login_window`` (15 minutes), then
429 with Retry-After, even for the right password. Posting: 10 comments a minute per user.
The client address is REMOTE_ADDR; X-Forwarded-For counts only from a trusted proxy.
"""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from scratchpad.models import LoginFailure
from scratchpad.models.types import utcnow
from tests.support.factories import PASSWORD, make_comment, make_user, stored_comments

WRONG = "not the password"
CLIENT = "192.0.2.10"
OTHER_CLIENT = "198.51.100.20"
PROXY = "10.0.0.1"
WINDOW = 900  # testing.ini's scratchpad.login_window


@pytest.fixture
def browser(testapp, app, dbconnection):
    """A function making a fresh browser on ``wsgi`` (the shared test app unless given),
    coming from ``addr``, sharing the test's rolled-back connection."""

    class Browser(type(testapp)):
        def login(self, username, password, status=303, headers=None):
            """The login form, filled in and sent, with ``headers`` on both requests."""
            form = self.get("/login/", headers=headers or {}).forms["login-form"]
            form["username"] = username
            form["password"] = password
            return form.submit(status=status, headers=headers or {})

    def make(wsgi=None, addr=CLIENT):
        extra = {"HTTP_HOST": "example.com", "app.dbconnection": dbconnection, "REMOTE_ADDR": addr}
        return Browser(wsgi or app, extra_environ=extra)

    return make


@pytest.fixture
def clock(monkeypatch):
    """The throttle's idea of now, frozen and moved by hand: ``clock.advance(seconds)``."""

    class Clock:
        now = utcnow()

        def advance(self, seconds):
            self.now += timedelta(seconds=seconds)

    frozen = Clock()
    monkeypatch.setattr("scratchpad.accounts.throttle.utcnow", lambda: frozen.now)
    return frozen


def fail(visitor, times, username="alice", headers=None):
    """``times`` failed logins; a failure keeps the session, so one token serves them all."""
    token = visitor.get_csrf_token()
    for _ in range(times):
        fields = {"username": username, "password": WRONG, "csrf_token": token}
        visitor.post("/login/", fields, headers=headers or {}, status=400)


def failures_of(dbsession, username):
    return dbsession.scalar(
        sa.select(sa.func.count()).select_from(LoginFailure).where(LoginFailure.username == username)
    )


def post(visitor, token, contents="Hi", status=303):
    return visitor.post("/", {"contents": contents, "csrf_token": token}, status=status)


def test_five_failures_then_the_right_password_is_a_429(browser, alice):
    visitor = browser()
    fail(visitor, 5)
    assert visitor.login("alice", PASSWORD, status="*").status_int == 429


def test_four_failures_then_the_right_password_logs_in(browser, alice):
    visitor = browser()
    fail(visitor, 4)
    assert visitor.login("alice", PASSWORD, status="*").status_int == 303


def test_throttled_login_sets_no_auth_cookie(browser, alice):
    visitor = browser()
    fail(visitor, 5)
    visitor.login("alice", PASSWORD, status=429)
    assert "auth_tkt" not in visitor.cookies


def test_throttled_login_says_why_and_when_to_try_again(browser, alice):
    visitor = browser()
    fail(visitor, 5)
    res = visitor.login("alice", PASSWORD, status=429)
    alert = " ".join(res.html.select_one("main .alert").get_text().split())
    assert alert == "Too many failed logins. Please wait 15 minutes and try again."


def test_throttled_login_has_retry_after_in_whole_seconds_within_the_window(browser, alice):
    visitor = browser()
    fail(visitor, 5)
    retry_after = visitor.login("alice", PASSWORD, status=429).headers["Retry-After"]
    assert retry_after.isdigit()
    assert 1 <= int(retry_after) <= WINDOW


def test_retry_after_is_the_window_at_most_even_within_the_same_instant(browser, alice, clock):
    # With the clock standing still the oldest failure is exactly one window away.
    visitor = browser()
    fail(visitor, 5)
    assert visitor.login("alice", PASSWORD, status=429).headers["Retry-After"] == str(WINDOW)


def test_retry_after_counts_down_to_when_the_oldest_failure_expires(browser, alice, clock):
    visitor = browser()
    fail(visitor, 1)
    clock.advance(600)
    fail(visitor, 4)
    assert visitor.login("alice", PASSWORD, status=429).headers["Retry-After"] == str(WINDOW - 600)


def test_throttled_attempts_are_not_counted_as_more_failures(browser, dbsession, alice):
    visitor = browser()
    fail(visitor, 5)
    visitor.login("alice", WRONG, status=429)
    visitor.login("alice", PASSWORD, status=429)
    assert failures_of(dbsession, "alice") == 5


def test_failures_are_kept_in_the_database(browser, dbsession, alice):
    fail(browser(), 3)
    assert failures_of(dbsession, "alice") == 3


def test_success_clears_the_usernames_failures(browser, dbsession, alice):
    visitor = browser()
    fail(visitor, 4)
    visitor.login("alice", PASSWORD)
    assert failures_of(dbsession, "alice") == 0


def test_after_a_success_five_more_failures_are_needed(browser, alice):
    visitor = browser()
    fail(visitor, 4)
    visitor.login("alice", PASSWORD)
    fail(browser(), 4)
    assert browser().login("alice", PASSWORD, status="*").status_int == 303


def test_username_limit_holds_across_client_addresses(browser, alice):
    for number in range(5):
        fail(browser(addr=f"203.0.113.{number}"), 1)
    assert browser(addr=OTHER_CLIENT).login("alice", PASSWORD, status="*").status_int == 429


def test_one_users_failures_do_not_throttle_another_user(browser, dbsession, alice):
    make_user(dbsession, "bob", PASSWORD)
    fail(browser(), 5, "alice")
    assert browser().login("bob", PASSWORD, status="*").status_int == 303


def test_username_limit_counts_usernames_that_do_not_exist(browser):
    # Otherwise the 429 (or its absence) would tell which usernames exist.
    visitor = browser()
    fail(visitor, 5, "nobody")
    assert visitor.login("nobody", WRONG, status="*").status_int == 429


def test_username_limit_ignores_how_the_name_is_spelled(browser, alice):
    visitor = browser()
    for spelling in ["alice", "ALICE", " Alice", "aLiCe ", "Alice"]:
        visitor.login(spelling, WRONG, status=400)
    assert visitor.login("alice", PASSWORD, status="*").status_int == 429


# Failed logins per client address


def test_twenty_failures_from_one_address_throttle_every_username(browser, alice):
    visitor = browser()
    for number in range(5):
        fail(visitor, 4, f"guess{number}")  # under the per-user limit for each name
    assert visitor.login("alice", PASSWORD, status="*").status_int == 429


def test_address_limit_gives_retry_after_within_the_window(browser, alice):
    visitor = browser()
    for number in range(5):
        fail(visitor, 4, f"guess{number}")
    retry_after = visitor.login("alice", PASSWORD, status=429).headers["Retry-After"]
    assert 1 <= int(retry_after) <= WINDOW


def test_nineteen_failures_from_one_address_still_let_a_user_in(browser, alice):
    visitor = browser()
    for number in range(4):
        fail(visitor, 4, f"guess{number}")
    fail(visitor, 3, "guess4")
    assert visitor.login("alice", PASSWORD, status="*").status_int == 303


def test_address_limit_does_not_throttle_another_address(browser, alice):
    visitor = browser()
    for number in range(5):
        fail(visitor, 4, f"guess{number}")
    assert browser(addr=OTHER_CLIENT).login("alice", PASSWORD, status="*").status_int == 303


# The window


def test_failures_older_than_the_window_do_not_count(browser, alice, clock):
    visitor = browser()
    fail(visitor, 5)
    clock.advance(WINDOW + 1)
    assert visitor.login("alice", PASSWORD, status="*").status_int == 303


def test_failures_just_inside_the_window_still_count(browser, alice, clock):
    visitor = browser()
    fail(visitor, 5)
    clock.advance(WINDOW - 1)
    assert visitor.login("alice", PASSWORD, status="*").status_int == 429


def test_a_new_failure_clears_the_expired_ones(browser, dbsession, alice, clock):
    visitor = browser()
    fail(visitor, 3)
    clock.advance(WINDOW + 1)
    fail(visitor, 1)
    assert failures_of(dbsession, "alice") == 1


# The limits are settings


def test_a_lower_per_user_limit_takes_effect(browser, app_with, alice):
    visitor = browser(app_with(login_attempts_per_user=2))
    fail(visitor, 2)
    assert visitor.login("alice", PASSWORD, status="*").status_int == 429


def test_a_higher_per_user_limit_takes_effect(browser, app_with, alice):
    visitor = browser(app_with(login_attempts_per_user=8))
    fail(visitor, 7)
    assert visitor.login("alice", PASSWORD, status="*").status_int == 303


def test_a_lower_per_address_limit_takes_effect(browser, app_with, alice):
    visitor = browser(app_with(login_attempts_per_address=3))
    for name in ["one", "two", "three"]:
        fail(visitor, 1, name)
    assert visitor.login("alice", PASSWORD, status="*").status_int == 429


def test_a_shorter_window_takes_effect(browser, app_with, alice, clock):
    visitor = browser(app_with(login_window=60))
    fail(visitor, 5)
    clock.advance(61)
    assert visitor.login("alice", PASSWORD, status="*").status_int == 303


def test_retry_after_stays_within_a_shorter_window(browser, app_with, alice):
    visitor = browser(app_with(login_window=60))
    fail(visitor, 5)
    assert 1 <= int(visitor.login("alice", PASSWORD, status=429).headers["Retry-After"]) <= 60


# Across processes: the count lives in the database, not in one app object


def test_failures_counted_by_one_app_throttle_another(browser, app_with, alice):
    fail(browser(app_with()), 5)
    assert browser(app_with()).login("alice", PASSWORD, status="*").status_int == 429


def test_failures_spread_over_two_apps_add_up(browser, app_with, alice):
    first, second = app_with(), app_with()
    fail(browser(first), 3)
    fail(browser(second), 2)
    assert browser(first).login("alice", PASSWORD, status="*").status_int == 429


# Which address counts: REMOTE_ADDR, X-Forwarded-For only through a trusted proxy


def throttle_address_3(app_with, **changes):
    return app_with(login_attempts_per_address=3, **changes)


@pytest.mark.parametrize(
    "changes, sender",
    [
        pytest.param({}, {}, id="no-trusted-proxies"),
        pytest.param({"trusted_proxies": PROXY}, {"addr": CLIENT}, id="sent-by-an-untrusted-address"),
    ],
)
def test_x_forwarded_for_is_ignored_without_trusted_proxies_or_from_an_untrusted_address(
    browser, app_with, alice, changes, sender
):
    wsgi = throttle_address_3(app_with, **changes)
    for number, name in enumerate(["one", "two", "three"]):
        # A new X-Forwarded-For each time must not make a new client.
        fail(browser(wsgi, **sender), 1, name, headers={"X-Forwarded-For": f"203.0.113.{number}"})
    res = browser(wsgi).login("alice", PASSWORD, status="*", headers={"X-Forwarded-For": "203.0.113.99"})
    assert res.status_int == 429


def through_the_proxy_after_three_failures(browser, app_with):
    """(app, browser at the trusted proxy) after three failed logins forwarded for CLIENT."""
    wsgi = throttle_address_3(app_with, trusted_proxies=PROXY)
    via_proxy = browser(wsgi, addr=PROXY)
    for name in ["one", "two", "three"]:
        fail(via_proxy, 1, name, headers={"X-Forwarded-For": CLIENT})
    return wsgi, via_proxy


def test_through_a_trusted_proxy_the_forwarded_client_is_throttled(browser, app_with, alice):
    _, via_proxy = through_the_proxy_after_three_failures(browser, app_with)
    res = via_proxy.login("alice", PASSWORD, status="*", headers={"X-Forwarded-For": CLIENT})
    assert res.status_int == 429


def test_through_a_trusted_proxy_other_clients_are_not_throttled(browser, app_with, alice):
    wsgi, _ = through_the_proxy_after_three_failures(browser, app_with)
    res = browser(wsgi, addr=PROXY).login(
        "alice", PASSWORD, status="*", headers={"X-Forwarded-For": OTHER_CLIENT}
    )
    assert res.status_int == 303


def test_a_forged_left_hop_does_not_escape_the_limit(browser, app_with, alice):
    # The client writes the left part; the trusted proxy appends the address it saw.
    wsgi = throttle_address_3(app_with, trusted_proxies=PROXY)
    via_proxy = browser(wsgi, addr=PROXY)
    for name in ["one", "two", "three"]:
        fail(via_proxy, 1, name, headers={"X-Forwarded-For": CLIENT})
    res = via_proxy.login(
        "alice", PASSWORD, status="*", headers={"X-Forwarded-For": f"{OTHER_CLIENT}, {CLIENT}"}
    )
    assert res.status_int == 429


def test_failures_are_recorded_under_the_forwarded_address(browser, app_with, dbsession, alice):
    wsgi = app_with(trusted_proxies=PROXY)
    browser(wsgi, addr=PROXY).login(
        "alice", WRONG, status=400, headers={"X-Forwarded-For": f"{OTHER_CLIENT}, {CLIENT}"}
    )
    assert dbsession.scalars(sa.select(LoginFailure.client_addr)).all() == [CLIENT]


# Posting: 10 comments a minute per user


@pytest.fixture
def alice_posting(browser, alice):
    """alice, logged in, and her current CSRF token."""
    visitor = browser()
    visitor.login("alice", PASSWORD)
    return visitor, visitor.get_csrf_token()


def post_ten(visitor, token):
    for number in range(10):
        post(visitor, token, f"comment {number}")


def test_eleventh_comment_in_a_minute_is_a_429(alice_posting):
    visitor, token = alice_posting
    post_ten(visitor, token)
    assert post(visitor, token, "one too many", status="*").status_int == 429


def test_eleventh_comment_is_not_stored(alice_posting, dbsession):
    visitor, token = alice_posting
    post_ten(visitor, token)
    post(visitor, token, "one too many", status=429)
    assert len(stored_comments(dbsession)) == 10


def test_refused_comment_text_is_kept_in_the_textarea(alice_posting):
    visitor, token = alice_posting
    post_ten(visitor, token)
    res = post(visitor, token, "one <too> many\nlines", status=429)
    form = res.forms["comment-form"]
    assert form["contents"].value == "one <too> many\nlines"


def test_refused_comment_says_why_and_when(alice_posting):
    visitor, token = alice_posting
    post_ten(visitor, token)
    res = post(visitor, token, "one too many", status=429)
    alert = " ".join(res.html.select_one("main .alert").get_text().split())
    assert alert.startswith("You have posted 10 comments in the last minute; please wait ")


def test_refused_comment_has_retry_after_within_a_minute(alice_posting):
    visitor, token = alice_posting
    post_ten(visitor, token)
    retry_after = post(visitor, token, "one too many", status=429).headers["Retry-After"]
    assert retry_after.isdigit()
    assert 1 <= int(retry_after) <= 60


def test_comments_older_than_a_minute_do_not_count(alice_posting, dbsession, alice):
    visitor, token = alice_posting
    for number in range(10):
        make_comment(dbsession, f"old {number}", alice, posted_at=utcnow() - timedelta(seconds=61))
    assert post(visitor, token, "fresh", status="*").status_int == 303


def test_another_users_comments_do_not_count(alice_posting, dbsession):
    visitor, token = alice_posting
    bob = make_user(dbsession, "bob", PASSWORD)
    for number in range(10):
        make_comment(dbsession, f"bob {number}", bob)
    assert post(visitor, token, "alice's first", status="*").status_int == 303


def test_a_higher_posting_limit_allows_more(browser, app_with, alice):
    visitor = browser(app_with(posts_per_minute=12))
    visitor.login("alice", PASSWORD)
    token = visitor.get_csrf_token()
    post_ten(visitor, token)
    statuses = [post(visitor, token, extra, status="*").status_int for extra in ["11", "12", "13"]]
    assert statuses == [303, 303, 429]


def test_a_lower_posting_limit_takes_effect(browser, app_with, alice):
    visitor = browser(app_with(posts_per_minute=2))
    visitor.login("alice", PASSWORD)
    token = visitor.get_csrf_token()
    statuses = [post(visitor, token, extra, status="*").status_int for extra in ["1", "2", "3"]]
    assert statuses == [303, 303, 429]

"""``/account``: a member changes their password, ends their other sessions, gives an email
for notifications and downloads their data; through the whole WSGI stack, on both backends."""

import json

import pytest
import sqlalchemy as sa

from scratchpad.accounts.passwords import check_password
from scratchpad.board.visible import rfc3339
from scratchpad.models import LoginFailure, ModerationAction, Notification, Report
from scratchpad.models.user import canonical_username
from tests.support.apps import is_logged_in
from tests.support.factories import make_comment, make_reply, make_user, stored_user
from tests.support.xss_vectors import HTML_VECTORS

PASSWORD = "correct horse battery"  # the ``alice`` fixture's
NEW = "a brand new password"
CLIENT = "192.0.2.10"


def account_form(visitor, action):
    page = visitor.get("/account")
    return next(form for form in page.forms.values() if form.action == f"/account/{action}")


def change_password(visitor, current=PASSWORD, new=NEW, again=None, status=303):
    form = account_form(visitor, "password")
    form["current_password"] = current
    form["new_password"] = new
    form["new_password_again"] = new if again is None else again
    return form.submit(status=status)


@pytest.fixture
def visitor(browser, alice):
    """alice logged in, from one address."""
    laptop = browser(REMOTE_ADDR=CLIENT)
    laptop.login("alice", PASSWORD)
    return laptop


@pytest.fixture
def phone(browser, alice):
    """alice logged in in a second browser."""
    other = browser(REMOTE_ADDR=CLIENT)
    other.login("alice", PASSWORD)
    return other


# Who may see it


def test_visitors_are_sent_to_log_in_and_back(testapp):
    response = testapp.get("/account", status=303)
    assert response.location == "http://example.com/login/?next=%2Faccount"


def test_the_page_shows_the_members_name_and_every_form(visitor):
    page = visitor.get("/account")
    # A set: WebTest lists a form with an id twice (by index and by id).
    actions = sorted({form.action for form in page.forms.values()})
    assert (page.html.h1.text, "alice" in page.text, actions) == (
        "Your account",
        True,
        [
            "/account/email",
            "/account/language",
            "/account/password",
            "/account/sessions",
            "/logout/",
            "/notifications/feed-address",
            "/search",
            "/time-zone",
        ],
    )


def test_the_navbar_links_to_the_account_page(visitor):
    assert visitor.get("/").html.find("a", href="/account") is not None


# Changing the password


def test_changing_the_password_stores_a_bcrypt_hash_of_the_new_one(visitor, dbsession):
    change_password(visitor)
    assert check_password(NEW, stored_user(dbsession).password_hash)


def test_changing_the_password_keeps_this_session(visitor):
    change_password(visitor)
    assert is_logged_in(visitor)


def test_changing_the_password_ends_every_other_session(visitor, phone):
    change_password(visitor)
    assert (is_logged_in(visitor), is_logged_in(phone)) == (True, False)


def test_a_copy_of_this_sessions_old_cookie_dies_with_the_change(visitor, browser):
    saved = visitor.cookies["auth_tkt"]
    change_password(visitor)
    thief = browser()
    thief.set_cookie("auth_tkt", saved)
    assert is_logged_in(thief) is False


def test_the_new_password_logs_in_and_the_old_one_does_not(visitor, browser):
    change_password(visitor)
    browser().login("alice", PASSWORD, status=400)
    browser().login("alice", NEW, status=303)


def test_a_wrong_current_password_changes_nothing_and_says_so(visitor, dbsession, phone):
    before = stored_user(dbsession).password_hash
    response = change_password(visitor, current="not my password", status=400)
    assert (
        "Your current password is not correct" in response.text,
        stored_user(dbsession).password_hash == before,
        is_logged_in(phone),
    ) == (True, True, True)


@pytest.mark.parametrize(
    "new, again, message",
    [
        ("short", "short", "at least 10 characters"),
        ("é" * 36 + "x", "é" * 36 + "x", "longer than 72 bytes"),  # 73 bytes, 37 characters
        (NEW, NEW + "!", "not the same"),
        ("   ", "   ", "must not be empty"),
    ],
    ids=["too short", "73 bytes", "different", "blank"],
)
def test_a_new_password_breaking_a_rule_is_refused_with_a_message(visitor, dbsession, new, again, message):
    before = stored_user(dbsession).password_hash
    response = change_password(visitor, new=new, again=again, status=400)
    assert (message in response.text, stored_user(dbsession).password_hash == before) == (True, True)


def test_a_password_of_exactly_72_bytes_is_accepted(visitor, dbsession):
    new = "é" * 36  # 72 bytes
    change_password(visitor, new=new)
    assert check_password(new, stored_user(dbsession).password_hash)


def test_wrong_current_passwords_count_like_failed_logins(visitor, dbsession):
    change_password(visitor, current="not my password", status=400)
    failures = dbsession.scalars(sa.select(LoginFailure.username)).all()
    assert failures == ["alice"]


def test_five_wrong_current_passwords_then_the_right_one_is_a_429(visitor, dbsession):
    for _ in range(5):
        change_password(visitor, current="not my password", status=400)
    response = change_password(visitor, status=429)
    assert (
        "Too many wrong passwords" in response.text,
        int(response.headers["Retry-After"]) > 0,
        check_password(PASSWORD, stored_user(dbsession).password_hash),
    ) == (True, True, True)


def test_failed_logins_elsewhere_count_against_the_password_change(visitor, browser):
    # An attacker guessing at the login form and one guessing with a stolen session share
    # one allowance.
    for _ in range(5):
        browser().login("alice", "guess", status=400)
    change_password(visitor, status=429)


def test_a_password_change_without_a_csrf_token_is_refused(visitor, dbsession):
    before = stored_user(dbsession).password_hash
    visitor.post(
        "/account/password",
        {"current_password": PASSWORD, "new_password": NEW, "new_password_again": NEW},
        status=400,
    )
    assert stored_user(dbsession).password_hash == before


def test_a_visitor_cannot_change_a_password(testapp):
    token = testapp.get_csrf_token()
    response = testapp.post("/account/password", {"csrf_token": token, "new_password": NEW}, status=303)
    assert response.location.startswith("http://example.com/login/")


def test_the_change_is_in_the_audit_log_without_a_password(visitor, caplog):
    caplog.set_level("INFO", logger="scratchpad.audit")
    change_password(visitor)
    assert ("account password changed user='alice'" in caplog.text, NEW in caplog.text) == (True, False)


# Log out everywhere else


def end_other_sessions(visitor, status=303):
    return account_form(visitor, "sessions").submit(status=status)


def test_log_out_everywhere_else_ends_the_other_sessions_only(visitor, phone):
    end_other_sessions(visitor)
    assert (is_logged_in(visitor), is_logged_in(phone)) == (True, False)


def test_log_out_everywhere_else_keeps_the_password(visitor, dbsession, browser):
    end_other_sessions(visitor)
    browser().login("alice", PASSWORD, status=303)


def test_log_out_everywhere_else_needs_a_csrf_token(visitor, phone):
    visitor.post("/account/sessions", {}, status=400)
    assert is_logged_in(phone)


def test_log_out_everywhere_else_is_audited(visitor, caplog):
    caplog.set_level("INFO", logger="scratchpad.audit")
    end_other_sessions(visitor)
    assert "account other sessions ended user='alice'" in caplog.text


# Email


def save_email(visitor, email, status=303):
    form = account_form(visitor, "email")
    form["email"] = email
    return form.submit(status=status)


def test_an_email_is_stored_unconfirmed_and_the_page_says_so(visitor, dbsession):
    save_email(visitor, "Alice@Example.ORG")
    user = stored_user(dbsession)
    page = visitor.get("/account")
    assert (
        user.email,
        user.email_confirmed_at,
        page.html.find(id="email")["value"],
        "Not confirmed yet" in page,
    ) == (
        "Alice@example.org",
        None,
        "Alice@example.org",
        True,
    )


@pytest.mark.parametrize(
    "typed",
    ["alice", "alice@", "@example.org", "alice@example", "a b@example.org", "a@b@example.org", "a@x..org"],
)
def test_an_invalid_email_is_refused_keeping_the_typed_text(visitor, dbsession, typed):
    response = save_email(visitor, typed, status=400)
    assert (
        "Nothing was changed" in response.text,
        response.html.find(id="email")["value"],
        stored_user(dbsession).email,
    ) == (True, typed, None)


def test_an_overlong_email_is_refused(visitor, dbsession):
    response = save_email(visitor, "a" * 60 + "@" + "b" * 200 + ".org", status=400)
    assert ("at most 254 characters" in response.text, stored_user(dbsession).email) == (True, None)


def test_an_empty_email_removes_it(visitor, dbsession):
    save_email(visitor, "alice@example.org")
    save_email(visitor, "")
    assert stored_user(dbsession).email is None


def test_an_email_change_needs_a_csrf_token(visitor, dbsession):
    visitor.post("/account/email", {"email": "alice@example.org"}, status=400)
    assert stored_user(dbsession).email is None


def test_the_email_is_not_in_the_audit_log(visitor, caplog):
    caplog.set_level("INFO", logger="scratchpad.audit")
    save_email(visitor, "secret-address@example.org")
    assert ("account email changed user='alice'" in caplog.text, "secret-address" in caplog.text) == (
        True,
        False,
    )


def test_the_email_is_shown_to_nobody_else(visitor, dbsession, browser):
    save_email(visitor, "secret-address@example.org")
    make_comment(dbsession, "hello", commenter=stored_user(dbsession))
    make_user(dbsession, "bob", PASSWORD, role="admin")
    bob = browser()
    bob.login("bob", PASSWORD)
    seen = "".join(
        bob.get(path).text
        for path in ["/", "/feed.atom", "/api/comments", "/admin/moderation", "/admin/users"]
    )
    assert "secret-address" not in seen


# Download my data


def test_my_data_holds_my_account_and_every_comment_of_mine_only(visitor, dbsession, alice):
    bob = make_user(dbsession, "bob", PASSWORD)
    mine = [make_comment(dbsession, f"mine {number}", commenter=alice) for number in range(3)]
    make_comment(dbsession, "not mine", commenter=bob)
    mine[1].hidden_at = mine[1].posted_at
    dbsession.flush()
    response = visitor.get("/account/data.json")
    data = json.loads(response.body)
    last_login = data["account"].pop("last_login_at")
    assert (
        response.headers["Content-Type"],
        response.headers["Content-Disposition"].startswith("attachment"),
        data["account"],
        [(c["id"], c["content"], c["hidden_by_moderator"]) for c in data["comments"]],
        data["comments"][0]["url"],
        last_login == rfc3339(stored_user(dbsession).last_login_at),
    ) == (
        "application/json; charset=utf-8",
        True,
        {
            "id": alice.id,
            "username": "alice",
            "role": "member",
            "active": True,
            "email": None,
            "email_confirmed": False,
            "email_notifications": False,
            "language": None,
            "time_zone": None,
            "suspended_until": None,
            "feed_address_made_at": None,
        },
        [(mine[0].id, "mine 0", False), (mine[1].id, "mine 1", True), (mine[2].id, "mine 2", False)],
        f"http://example.com/comments/{mine[0].id}",
        True,
    )


def test_my_data_holds_what_else_the_board_keeps_of_mine_and_nothing_of_others(visitor, dbsession, alice):
    """The download said "everything the board holds about them" and held the account and
    the comments' texts only: not the reports they made, their notifications, their
    preferences and suspension, their feed address, the moderation log's entries about them,
    nor which comments were replies, waiting or deleted."""
    bob = make_user(dbsession, "bob", PASSWORD)
    root = make_user(dbsession, "root", PASSWORD, role="admin")
    bobs = make_comment(dbsession, "bob's", commenter=bob)
    mine = make_comment(dbsession, "mine", commenter=alice)
    reply = make_reply(dbsession, bobs, "my answer", commenter=alice)
    reply.waiting_since = reply.posted_at
    alice.language, alice.time_zone, alice.email_notifications = "de", "Europe/Berlin", True
    dbsession.add(Report(comment_id=bobs.id, reporter=alice, reason="spam", details="alice's words"))
    dbsession.add(Report(comment_id=mine.id, reporter=bob, reason="rude", details="bob's words"))
    dbsession.add(Notification(recipient_id=alice.id, comment_id=bobs.id, kind="reply"))
    dbsession.add(Notification(recipient_id=bob.id, comment_id=mine.id, kind="reply"))
    dbsession.add(
        ModerationAction.record_user_act(root, "root", "suspend", "alice", "until 2099-01-01 00:00 UTC")
    )
    dbsession.flush()
    visitor.post("/notifications/feed-address", {"csrf_token": visitor.get_csrf_token()}, status=200)
    data = json.loads(visitor.get("/account/data.json").body)
    account = data["account"]
    assert (
        (account["language"], account["time_zone"], account["email_notifications"]),
        account["feed_address_made_at"] is not None,
        [(r["comment_id"], r["reason"], r["details"], r["open"]) for r in data["reports"]],
        [(n["kind"], n["comment_id"]) for n in data["notifications"]],
        [(m["action"], m["detail"]) for m in data["moderation"]],
        [(c["id"], c["in_reply_to"], c["waiting_for_moderator"], c["deleted"]) for c in data["comments"]],
        any(word in json.dumps(data) for word in ("bob's words", "root")),
    ) == (
        ("de", "Europe/Berlin", True),
        True,
        [(bobs.id, "spam", "alice's words", True)],
        [("reply", bobs.id)],
        [("suspend", "until 2099-01-01 00:00 UTC")],
        [(mine.id, None, False, False), (reply.id, bobs.id, True, False)],
        False,
    )


def test_my_data_never_holds_the_hash_or_the_session_secret(visitor, dbsession, alice):
    body = visitor.get("/account/data.json").text
    assert (alice.password_hash in body, alice.session_secret in body, "password" in body) == (
        False,
        False,
        False,
    )


def test_my_data_streams_more_comments_than_a_batch(visitor, dbsession, alice, monkeypatch):
    monkeypatch.setattr("scratchpad.accounts.views.data.BATCH_SIZE", 2)
    made = [make_comment(dbsession, f"c{number}", commenter=alice).id for number in range(5)]
    data = json.loads(visitor.get("/account/data.json").body)
    assert [comment["id"] for comment in data["comments"]] == made


def test_my_data_with_no_comments_is_valid_json(visitor):
    assert json.loads(visitor.get("/account/data.json").body)["comments"] == []


def test_my_data_is_never_stored_by_a_cache(visitor):
    assert visitor.get("/account/data.json").headers["Cache-Control"] == "no-store"


def test_visitors_are_sent_to_log_in_for_the_data(testapp):
    assert testapp.get("/account/data.json", status=303).location.startswith("http://example.com/login/")


def test_names_are_escaped_on_the_account_page(browser, dbsession):
    for number, vector in enumerate(HTML_VECTORS[:10]):
        name = canonical_username(f"{number}{vector}")[:128]
        make_user(dbsession, name, PASSWORD)
        visitor = browser()
        visitor.login(name, PASSWORD)
        page = visitor.get("/account")
        assert page.html.find("script") is None, vector
        assert "<script>" not in page.text.lower(), vector

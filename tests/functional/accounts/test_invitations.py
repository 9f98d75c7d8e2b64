"""Invitation and reset links: ``/invitations/<token>`` and ``/reset/<token>``, through the
whole WSGI stack on both backends. Valid, expired (the row's expiry moved back), used twice,
revoked, tampered with, guessed too often; a reset ends every session."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from scratchpad.accounts import tokens
from scratchpad.accounts.passwords import check_password
from scratchpad.models import AccountToken, LoginFailure
from scratchpad.models.types import utcnow
from tests.support.apps import is_logged_in
from tests.support.factories import make_user, stored_user

PASSWORD = "correct horse battery"  # the ``alice`` fixture's
CHOSEN = "my own chosen password"
CLIENT = "192.0.2.10"


@pytest.fixture
def visitor(browser):
    return browser(REMOTE_ADDR=CLIENT)


@pytest.fixture
def invite(dbsession):
    """``invite(name, role="member")``: the path of a new invitation's link."""

    def make(name="dave", role="member"):
        token, _ = tokens.create_invitation(dbsession, name, role, "root", 168)
        dbsession.flush()
        return f"/invitations/{token}"

    return make


@pytest.fixture
def reset_link(dbsession):
    def make(user):
        token, _ = tokens.create_reset(dbsession, user, "command line", 24)
        dbsession.flush()
        return f"/reset/{token}"

    return make


def password_form(page):
    return next(form for form in page.forms.values() if "password_again" in form.fields)


def choose(visitor, path, password=CHOSEN, again=None, status=303):
    form = password_form(visitor.get(path))
    form["password"] = password
    form["password_again"] = password if again is None else again
    return form.submit(status=status)


def link_row(dbsession, path):
    dbsession.expire_all()
    token_hash = tokens.hash_token(path.rsplit("/", 1)[1])
    return dbsession.scalars(sa.select(AccountToken).where(AccountToken.token_hash == token_hash)).one()


# A valid invitation


def test_the_invitation_page_names_the_invitee_and_asks_for_a_password(visitor, invite):
    page = visitor.get(invite("dave"))
    fields = password_form(page).fields
    assert (page.html.h1.text, "password" in fields, "password_again" in fields) == (
        "Welcome, dave",
        True,
        True,
    )


def test_accepting_creates_the_user_with_a_bcrypt_hash_and_logs_them_in(visitor, invite, dbsession):
    response = choose(visitor, invite("dave"))
    dave = stored_user(dbsession, "dave")
    assert (
        response.location,
        dave.role,
        check_password(CHOSEN, dave.password_hash),
        is_logged_in(visitor),
        "Logged in as dave" in visitor.get("/").html.get_text(" ", strip=True),
    ) == ("http://example.com/", "member", True, True, True)


def test_an_admin_invitation_makes_an_admin(visitor, invite, dbsession):
    choose(visitor, invite("dave", "admin"))
    assert stored_user(dbsession, "dave").role == "admin"


def test_the_new_member_can_log_in_again_with_the_chosen_password(visitor, invite, browser):
    choose(visitor, invite("dave"))
    browser().login("dave", CHOSEN, status=303)


def test_accepting_is_audited_without_the_password_or_token(visitor, invite, caplog):
    caplog.set_level("INFO", logger="scratchpad.audit")
    path = invite("dave")
    choose(visitor, path)
    assert (
        "invitation accepted user='dave'" in caplog.text,
        CHOSEN in caplog.text,
        path.rsplit("/", 1)[1] in caplog.text,
    ) == (True, False, False)


def test_the_access_log_never_shows_the_token(visitor, invite, caplog):
    caplog.set_level("INFO", logger="scratchpad.access")
    path = invite("dave")
    visitor.get(path)
    assert ("GET /invitations/... 200" in caplog.text, path.rsplit("/", 1)[1] in caplog.text) == (True, False)


def test_link_pages_send_no_referrer_so_the_token_stays_in_the_address_bar(visitor, invite, browser):
    path = invite("dave")
    pages = [visitor.get(path), visitor.get("/invitations/" + "A" * 43, status=404)]
    pages.append(password_form(visitor.get(path)).submit(status=400))  # empty passwords
    form = password_form(visitor.get(path))
    form["password"] = form["password_again"] = CHOSEN
    pages.append(form.submit(status=303))
    assert [page.headers["Referrer-Policy"] for page in pages] == ["no-referrer"] * 4


def test_other_pages_keep_the_site_wide_referrer_policy(visitor):
    assert visitor.get("/").headers["Referrer-Policy"] == "same-origin"


def test_only_the_tokens_hash_is_stored(invite, dbsession):
    path = invite("dave")
    token = path.rsplit("/", 1)[1]
    row = link_row(dbsession, path)
    assert (len(token) >= 43, row.token_hash == tokens.hash_token(token), token in row.token_hash) == (
        True,
        True,
        False,
    )


@pytest.mark.parametrize(
    "password, again, message",
    [
        ("short", "short", "at least 10 characters"),
        ("é" * 36 + "x", "é" * 36 + "x", "longer than 72 bytes"),
        (CHOSEN, CHOSEN + "!", "not the same"),
    ],
    ids=["too short", "73 bytes", "different"],
)
def test_a_password_breaking_a_rule_is_refused_and_the_link_still_works(
    visitor, invite, dbsession, password, again, message
):
    path = invite("dave")
    response = choose(visitor, path, password, again, status=400)
    assert (message in response.text, stored_user(dbsession, "dave")) == (True, None)
    choose(visitor, path)
    assert stored_user(dbsession, "dave") is not None


def test_accepting_needs_a_csrf_token(visitor, invite, dbsession):
    visitor.post(invite("dave"), {"password": CHOSEN, "password_again": CHOSEN}, status=400)
    assert stored_user(dbsession, "dave") is None


# Links that cannot be used: one page for all


def unusable_page(visitor, path):
    response = visitor.get(path, status=404)
    return response.html.find("main").get_text(" ", strip=True)


@pytest.fixture
def expected_refusal(visitor):
    return unusable_page(visitor, "/invitations/" + "A" * 43)


def test_an_unknown_token_gets_the_unusable_link_page(expected_refusal):
    assert "This invitation link cannot be used" in expected_refusal


def test_a_used_invitation_cannot_be_used_twice(visitor, browser, invite, dbsession, expected_refusal):
    path = invite("dave")
    choose(visitor, path)
    second = browser(REMOTE_ADDR=CLIENT)
    assert unusable_page(second, path) == expected_refusal
    form_post = second.post(
        path,
        {"password": "x" * 12, "password_again": "x" * 12, "csrf_token": second.get_csrf_token()},
        status=404,
    )
    assert "cannot be used" in form_post.text
    assert check_password(CHOSEN, stored_user(dbsession, "dave").password_hash)


def test_an_expired_invitation_cannot_be_used(visitor, invite, dbsession, expected_refusal):
    path = invite("dave")
    row = link_row(dbsession, path)
    row.expires_at = utcnow() - timedelta(seconds=1)
    dbsession.flush()
    assert unusable_page(visitor, path) == expected_refusal


def test_an_invitation_works_until_it_expires(visitor, invite, dbsession):
    path = invite("dave")
    row = link_row(dbsession, path)
    row.expires_at = utcnow() + timedelta(seconds=30)
    dbsession.flush()
    choose(visitor, path)


def test_an_invitation_expiring_between_the_form_and_the_post_is_refused(visitor, invite, dbsession):
    path = invite("dave")
    form = password_form(visitor.get(path))
    link_row(dbsession, path).expires_at = utcnow() - timedelta(seconds=1)
    dbsession.flush()
    form["password"] = form["password_again"] = CHOSEN
    form.submit(status=404)
    assert stored_user(dbsession, "dave") is None


def test_a_revoked_invitation_cannot_be_used(visitor, invite, dbsession, expected_refusal):
    path = invite("dave")
    tokens.revoke_invitation(dbsession, link_row(dbsession, path).id)
    dbsession.flush()
    assert unusable_page(visitor, path) == expected_refusal


def test_a_new_invitation_for_the_same_name_revokes_the_old_one(visitor, invite, expected_refusal):
    old = invite("dave")
    new = invite("dave")
    assert (unusable_page(visitor, old), visitor.get(new).status_int) == (expected_refusal, 200)


@pytest.mark.parametrize("change", ["last character", "truncated", "extended", "reset route"])
def test_a_tampered_token_cannot_be_used(visitor, invite, expected_refusal, change):
    path = invite("dave")
    token = path.rsplit("/", 1)[1]
    tampered = {
        "last character": "/invitations/" + token[:-1] + ("A" if token[-1] != "A" else "B"),
        "truncated": "/invitations/" + token[:-1],
        "extended": "/invitations/" + token + "A",
        "reset route": "/reset/" + token,
    }[change]
    response = visitor.get(tampered, status=404)
    assert "cannot be used" in response.text


def test_a_token_with_odd_characters_is_just_unusable(visitor):
    for path in [
        "/invitations/%00",
        "/invitations/" + "x" * 5000,
        "/invitations/%C3%A9t%C3%A9",
        "/reset/a.b~c",
    ]:
        assert "cannot be used" in visitor.get(path, status=404).text


def test_an_invitation_for_a_name_taken_meanwhile_is_used_up(visitor, invite, dbsession):
    path = invite("dave")
    form = password_form(visitor.get(path))
    make_user(dbsession, "dave", PASSWORD)
    form["password"] = form["password_again"] = CHOSEN
    response = form.submit(status=404)
    assert (
        "cannot be used" in response.text,
        check_password(PASSWORD, stored_user(dbsession, "dave").password_hash),
        link_row(dbsession, path).used_at is not None,
    ) == (True, True, True)


def test_inviting_an_existing_name_is_refused(dbsession, alice):
    with pytest.raises(tokens.LinkRefused, match="already exists"):
        tokens.create_invitation(dbsession, "Alice", "member", "root", 168)


# Throttled per address


def test_each_unusable_link_counts_as_a_failed_login_of_the_address(visitor, dbsession):
    visitor.get("/invitations/" + "A" * 43, status=404)
    visitor.get("/reset/" + "B" * 43, status=404)
    rows = dbsession.execute(sa.select(LoginFailure.username, LoginFailure.client_addr)).all()
    assert rows == [("", CLIENT), ("", CLIENT)]


def test_twenty_bad_links_then_even_a_good_one_is_a_429(visitor, browser, invite, dbsession):
    path = invite("dave")
    for number in range(20):
        visitor.get(f"/invitations/{'A' * 42}{number % 10}", status=404)
    response = visitor.get(path, status=429)
    other_address = browser(REMOTE_ADDR="198.51.100.20")
    assert (
        "Too many tries" in response.text,
        int(response.headers["Retry-After"]) > 0,
        "dave" in response.text,
        other_address.get(path).status_int,
    ) == (True, True, False, 200)


def test_bad_links_do_not_lock_out_a_user_by_name(visitor, alice, browser):
    for number in range(6):
        visitor.get(f"/invitations/{'A' * 42}{number}", status=404)
    browser(REMOTE_ADDR="198.51.100.20").login("alice", PASSWORD, status=303)


# Reset links


def test_a_reset_link_asks_for_a_new_password_for_that_user(visitor, reset_link, alice):
    page = visitor.get(reset_link(alice))
    assert (page.html.h1.text, "alice" in page.html.find("main").text) == ("Choose a new password", True)


def test_a_reset_sets_the_password_ends_every_session_and_logs_in(
    visitor, browser, reset_link, alice, dbsession
):
    laptop = browser()
    laptop.login("alice", PASSWORD)
    choose(visitor, reset_link(alice))
    user = stored_user(dbsession, "alice")
    assert (
        check_password(CHOSEN, user.password_hash),
        is_logged_in(laptop),
        is_logged_in(visitor),
    ) == (True, False, True)


def test_a_reset_link_is_single_use(visitor, browser, reset_link, alice, dbsession):
    path = reset_link(alice)
    choose(visitor, path)
    assert "cannot be used" in browser().get(path, status=404).text


def test_a_reset_link_for_a_user_disabled_since_is_unusable(visitor, reset_link, alice, dbsession):
    path = reset_link(alice)
    alice.is_active = False
    dbsession.flush()
    assert "cannot be used" in visitor.get(path, status=404).text


def test_an_expired_reset_link_cannot_be_used(visitor, reset_link, alice, dbsession):
    path = reset_link(alice)
    link_row(dbsession, path).expires_at = utcnow() - timedelta(seconds=1)
    dbsession.flush()
    visitor.get(path, status=404)


def test_a_reset_needs_a_csrf_token(visitor, reset_link, alice, dbsession):
    visitor.post(reset_link(alice), {"password": CHOSEN, "password_again": CHOSEN}, status=400)
    assert check_password(PASSWORD, stored_user(dbsession, "alice").password_hash)


def test_a_reset_token_does_not_open_an_invitation(visitor, reset_link, alice):
    token = reset_link(alice).rsplit("/", 1)[1]
    visitor.get(f"/invitations/{token}", status=404)


def test_the_unusable_pages_do_not_differ_by_reason(visitor, browser, invite, reset_link, alice, dbsession):
    """Unknown, used, revoked, expired: byte for byte the same page (anonymous, so no token in it)."""
    used = invite("used")
    choose(browser(), used)
    revoked = invite("revoked")
    tokens.revoke_invitation(dbsession, link_row(dbsession, revoked).id)
    expired = invite("expired")
    link_row(dbsession, expired).expires_at = utcnow() - timedelta(days=1)
    dbsession.flush()
    bodies = {
        visitor.get(path, status=404).body for path in [used, revoked, expired, "/invitations/" + "Z" * 43]
    }
    assert len(bodies) == 1


def test_a_session_planted_before_accepting_gives_its_owner_no_valid_token(planted, invite, dbsession):
    victim, _, planted_token = planted
    choose(victim, invite("dave"))
    victim.post("/account/email", {"email": "forged@example.org", "csrf_token": planted_token}, status=400)
    assert stored_user(dbsession, "dave").email is None

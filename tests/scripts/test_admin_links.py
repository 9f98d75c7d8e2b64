"""``scratchpad-admin CONFIG users invite NAME [--admin] [--url URL]`` and ``users reset NAME``,
run in this process with testing.ini on a throwaway board holding bob and carol
(tests/scripts/conftest.py); the link they print is then followed through the whole app on
that database."""

import re

import pytest

from scratchpad.accounts.passwords import check_password
from tests.support.apps import app_on
from tests.support.databases import execute

BOB = "pw-bob-123456"  # bob's password on the board of tests/scripts/conftest.py
CHOSEN = "my own chosen password"
BOARD = "https://board.example.org"
LINK = re.compile(r"^(https?://\S+)/(invitations|reset)/([A-Za-z0-9_-]{43})$", re.MULTILINE)


@pytest.fixture
def admin(run_script, database):
    """``admin(*args, public_url=BOARD)``: scratchpad-admin testing.ini ARGS on this test's
    database, with SCRATCHPAD_PUBLIC_URL set to ``public_url``."""
    return lambda *args, public_url=BOARD: run_script(
        "scratchpad-admin", database, *args, environ={"SCRATCHPAD_PUBLIC_URL": public_url}
    )


def link_in(output):
    found = LINK.search(output)
    assert found, output
    return found.group(1), f"/{found.group(2)}/{found.group(3)}"


def follow(database, path, password=CHOSEN):
    """Open the link's page on the app and choose ``password``; returns the browser."""
    with app_on(database) as browser:
        page = browser.get(path)
        form = next(form for form in page.forms.values() if "password_again" in form.fields)
        form["password"] = form["password_again"] = password
        form.submit(status=303)
        assert "Log out" in browser.get("/")
        return browser


# users invite


def test_invite_prints_a_link_on_the_public_url(admin):
    result = admin("users", "invite", "Dave")
    base, path = link_in(result.stdout)
    assert (
        result.returncode,
        base,
        path.startswith("/invitations/"),
        "Invitation for dave (a member)" in result.stdout,
    ) == (
        0,
        BOARD,
        True,
        True,
    ), result.stderr


def test_the_printed_link_lets_the_invitee_choose_their_password(admin, database):
    _, path = link_in(admin("users", "invite", "dave").stdout)
    follow(database, path)
    stored = execute(database, "SELECT role, password_hash FROM users WHERE username = 'dave'")
    assert (stored[0][0], check_password(CHOSEN, stored[0][1])) == ("member", True)


def test_invite_admin_makes_an_admin(admin, database):
    _, path = link_in(admin("users", "invite", "dave", "--admin").stdout)
    follow(database, path)
    assert execute(database, "SELECT role FROM users WHERE username = 'dave'") == [("admin",)]


def test_the_link_works_once(admin, database):
    _, path = link_in(admin("users", "invite", "dave").stdout)
    follow(database, path)
    with app_on(database) as browser:
        assert "cannot be used" in browser.get(path, status=404).text


def test_url_option_wins_over_the_setting(admin):
    base, _ = link_in(admin("users", "invite", "dave", "--url", "http://other.example:8080/board/").stdout)
    assert base == "http://other.example:8080/board"


def test_invite_without_any_board_address_is_refused_saying_what_to_set(admin, database):
    result = admin("users", "invite", "dave", public_url="")
    assert (
        result.returncode,
        "scratchpad.public_url" in result.stderr and "--url" in result.stderr,
        execute(database, "SELECT COUNT(*) FROM account_tokens"),
    ) == (2, True, [(0,)])


def test_a_bad_url_option_is_refused(admin):
    result = admin("users", "invite", "dave", "--url", "javascript:alert(1)")
    assert (result.returncode, "--url must look like" in result.stderr) == (2, True)


def test_inviting_an_existing_user_is_refused(admin):
    result = admin("users", "invite", "Bob")
    assert (result.returncode, "already exists" in result.stderr, result.stdout) == (1, True, "")


def test_inviting_an_unusable_name_is_a_usage_error(admin):
    result = admin("users", "invite", "   ")
    assert (result.returncode, "A username must not be empty." in result.stderr) == (2, True)


def test_the_token_is_stored_only_as_a_hash_and_audited_without_it(admin, database):
    result = admin("users", "invite", "dave")
    token = link_in(result.stdout)[1].rsplit("/", 1)[1]
    stored = execute(database, "SELECT token_hash, created_by FROM account_tokens")
    assert (
        len(stored),
        token in stored[0][0],
        stored[0][1],
        "invitation created user='dave'" in result.stderr,
        token in result.stderr,
    ) == (1, False, "command line", True, False)


def test_inviting_again_revokes_the_older_link(admin, database):
    _, old = link_in(admin("users", "invite", "dave").stdout)
    _, new = link_in(admin("users", "invite", "dave").stdout)
    with app_on(database) as browser:
        assert (browser.get(old, status=404).status_int, browser.get(new).status_int) == (404, 200)


def test_invite_is_in_the_help(admin):
    users = admin("users", "--help")
    assert ("invite" in users.stdout, "reset" in users.stdout, "prefer invite" in users.stdout) == (
        True,
        True,
        True,
    ), users


# users reset


def test_reset_prints_a_link_that_sets_a_new_password_and_ends_sessions(admin, database):
    with app_on(database) as laptop:
        form = laptop.get("/login/").forms["login-form"]
        form["username"], form["password"] = "bob", BOB
        form.submit(status=303)
        result = admin("users", "reset", "bob")
        _, path = link_in(result.stdout)
        follow(database, path)
        assert "Log out" not in laptop.get("/")
    stored = execute(database, "SELECT password_hash FROM users WHERE username = 'bob'")
    assert (result.returncode, path.startswith("/reset/"), check_password(CHOSEN, stored[0][0])) == (
        0,
        True,
        True,
    )


def test_reset_for_an_unknown_user_is_refused(admin):
    result = admin("users", "reset", "nobody")
    assert (result.returncode, "No user 'nobody'" in result.stderr) == (1, True)


def test_reset_for_a_disabled_user_is_refused(admin):
    admin("users", "disable", "bob")
    result = admin("users", "reset", "bob")
    assert (result.returncode, "enable them first" in result.stderr) == (1, True)


def test_a_second_reset_revokes_the_first(admin, database):
    _, first = link_in(admin("users", "reset", "bob").stdout)
    _, second = link_in(admin("users", "reset", "bob").stdout)
    with app_on(database) as browser:
        assert (browser.get(first, status=404).status_int, browser.get(second).status_int) == (404, 200)


def test_deleting_a_user_deletes_their_reset_links(admin, database):
    admin("users", "reset", "bob")
    admin("users", "delete", "bob")
    assert execute(database, "SELECT COUNT(*) FROM account_tokens") == [(0,)]


# What ends the links (accounts/rules.py): a new password ends the user's reset links; an
# admin disabled or made a member loses the links they made.


def test_passwd_ends_the_users_open_reset_links(admin, run_script, database):
    _, path = link_in(admin("users", "reset", "bob").stdout)
    result = run_script(
        "scratchpad-admin", database, "users", "passwd", "bob", stdin="a-brand-new-password\n"
    )
    with app_on(database) as browser:
        status = browser.get(path, expect_errors=True).status_int
    assert (result.returncode, "reset links and feed address have ended" in result.stdout, status) == (
        0,
        True,
        404,
    )


@pytest.mark.parametrize(
    "act",
    [("disable", "carol"), ("role", "carol", "member"), ("delete", "carol")],
    ids=["disable", "demote", "delete"],
)
def test_an_admin_who_loses_the_power_loses_the_links_they_made(admin, database, act):
    admin("users", "role", "carol", "admin")
    admin("users", "role", "bob", "admin")  # not the last active admin, who stays one
    _, takeover = link_in(admin("users", "reset", "bob").stdout)
    _, sleeper = link_in(admin("users", "invite", "sleeper", "--admin").stdout)
    # Made by carol on the admins' page, as far as the links can tell.
    execute(database, "UPDATE account_tokens SET created_by = 'carol'")
    _, operators = link_in(admin("users", "invite", "newcomer").stdout)
    result = admin("users", *act)
    with app_on(database) as browser:
        statuses = [
            browser.get(path, expect_errors=True).status_int for path in (takeover, sleeper, operators)
        ]
    assert (
        result.returncode,
        "Revoked the 2 open link(s) they made" in result.stdout,
        "links_revoked=2" in result.stderr,
        statuses,
    ) == (0, True, True, [404, 404, 200]), result.stdout

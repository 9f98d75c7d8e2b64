"""``scratchpad-admin CONFIG_URI users ...``, run as an operator would, with testing.ini on a
throwaway database holding bob and carol (tests/scripts/conftest.py): in this process, with
passwords piped in; the installed script as a subprocess where the process itself is the point
(a missing ini file's exit status, passwords typed on a pseudo-terminal). What it did is
checked in the database and through the app."""

import os

import pytest

from scratchpad.accounts.passwords import check_password
from tests.support.commands import run_command
from tests.support.databases import execute, sqlite_copy
from tests.support.paths import BIN, ROOT
from tests.support.terminal import Terminal

ADMIN = "scratchpad-admin"
BOB = "pw-bob-123456"  # bob's password on the board of tests/scripts/conftest.py
NEW = "a-brand-new-password"


@pytest.fixture
def user(database):
    """``user(name)``: (id, password_hash, is_active, session_secret), or None."""

    def find(name):
        found = execute(
            database,
            "SELECT id, password_hash, is_active, session_secret FROM users WHERE username = :n",
            n=name,
        )
        return found[0] if found else None

    return find


@pytest.fixture
def role_of(database):
    """``role_of(name)``: the user's role, or None when there is no such user."""

    def find(name):
        found = execute(database, "SELECT role FROM users WHERE username = :n", n=name)
        return found[0][0] if found else None

    return find


@pytest.fixture
def bob_comment(database, app_on):
    """bob posts a comment through the app; returns its id."""
    with app_on(database) as browser:
        browser.login("bob", BOB)
        page = browser.get("/")
        form = next(form for form in page.forms.values() if "contents" in form.fields)
        form["contents"] = "bob was here"
        form.submit(status=303)
    return execute(database, "SELECT id FROM comments WHERE content = 'bob was here'")[0][0]


# users list


def test_list_shows_every_user_with_role_status_and_hash_kind(admin):
    admin("users", "role", "bob", "admin")
    admin("users", "disable", "carol")
    result = admin("users", "list")
    lines = [line.split() for line in result.stdout.splitlines()]
    assert (result.returncode, lines) == (
        0,
        [
            ["ID", "USERNAME", "ROLE", "STATUS", "PASSWORD"],
            ["1", "bob", "admin", "active", "bcrypt"],
            ["2", "carol", "member", "disabled", "bcrypt"],
        ],
    )


def test_list_on_a_database_without_users_says_so(run_script, migrated_template, tmp_path):
    url = sqlite_copy(migrated_template, tmp_path)
    result = run_script(ADMIN, url, "users", "list")
    assert (result.returncode, result.stdout.strip()) == (0, "No users.")


# users add


def test_add_creates_a_user_with_a_bcrypt_hash_of_the_password_from_stdin(admin, user):
    result = admin("users", "add", "Dave", stdin=f"{NEW}\n")
    assert (result.returncode, result.stdout.strip(), check_password(NEW, user("dave")[1])) == (
        0,
        "Created user dave.",
        True,
    ), result.stderr


def test_add_is_in_the_audit_log_without_the_password(admin):
    result = admin("users", "add", "dave", stdin=f"{NEW}\n")
    assert ("user created user='dave'" in result.stderr, NEW in result.stderr + result.stdout) == (
        True,
        False,
    )


@pytest.mark.parametrize(
    "options, role, said",
    [((), "member", "Created user dave."), (("--admin",), "admin", "Created admin dave.")],
    ids=["member", "admin"],
)
def test_add_makes_a_member_unless_told_to_make_an_admin(admin, role_of, options, role, said):
    result = admin("users", "add", "dave", *options, stdin=f"{NEW}\n")
    assert (result.returncode, result.stdout.strip(), role_of("dave")) == (0, said, role), result.stderr


def test_add_of_an_admin_names_the_role_in_the_audit_log(admin):
    result = admin("users", "add", "dave", "--admin", stdin=f"{NEW}\n")
    assert "user created user='dave' addr=command line role='admin'" in result.stderr


@pytest.mark.parametrize("name", ["bob", "BOB", " Bob "])
def test_add_of_an_existing_user_is_refused_with_exit_status_1(admin, user, name):
    before = user("bob")
    result = admin("users", "add", name, stdin=f"{NEW}\n")
    assert (result.returncode, "already exists" in result.stderr, user("bob")) == (1, True, before)


def test_add_with_a_password_shorter_than_min_password_length_is_refused(admin, user):
    result = admin("users", "add", "dave", stdin="too-short\n")  # testing.ini: at least 10
    assert (result.returncode, "at least 10 characters" in result.stderr, user("dave")) == (1, True, None)


def test_add_with_an_empty_password_is_refused(admin, user):
    result = admin("users", "add", "dave", stdin="\n")
    assert (result.returncode, user("dave")) == (1, None)


def test_add_with_a_username_nobody_could_type_is_a_usage_error(admin, user):
    result = admin("users", "add", "eve\u200b", stdin=f"{NEW}\n")
    assert (result.returncode, "invisible" in result.stderr, user("eve\u200b")) == (2, True, None)


# users passwd


def test_passwd_sets_the_new_password(admin, user):
    result = admin("users", "passwd", "bob", stdin=f"{NEW}\n")
    stored = user("bob")[1]
    assert (result.returncode, check_password(NEW, stored), check_password(BOB, stored)) == (0, True, False)


def test_passwd_of_an_unknown_user_is_refused(admin):
    result = admin("users", "passwd", "zoe", stdin=f"{NEW}\n")
    assert (result.returncode, "No user 'zoe'" in result.stderr) == (1, True)


def test_passwd_with_a_bad_password_keeps_the_old_one(admin, user):
    before = user("bob")
    result = admin("users", "passwd", "bob", stdin="short\n")
    assert (result.returncode, user("bob")) == (1, before)


def test_passwd_is_in_the_audit_log(admin):
    assert "user password changed user='bob'" in admin("users", "passwd", "bob", stdin=f"{NEW}\n").stderr


# Sessions end with passwd and disable: bob's browser is logged out at its next request.


@pytest.mark.parametrize(
    "args, stdin",
    [(("users", "passwd", "bob"), f"{NEW}\n"), (("users", "disable", "bob"), "")],
    ids=["passwd", "disable"],
)
def test_change_ends_the_users_sessions(admin, app_on, database, args, stdin):
    with app_on(database) as browser:
        browser.login("bob", BOB)
        logged_in_before = "Log out" in browser.get("/").text
        result = admin(*args, stdin=stdin)
        logged_in_after = "Log out" in browser.get("/").text
    assert (result.returncode, logged_in_before, logged_in_after) == (0, True, False)


# users role


def test_role_makes_a_member_an_admin(admin, role_of):
    result = admin("users", "role", "bob", "admin")
    assert (result.returncode, role_of("bob"), role_of("carol")) == (0, "admin", "member"), result.stderr


def test_role_makes_an_admin_a_member(admin, role_of):
    admin("users", "role", "bob", "admin")
    admin("users", "role", "carol", "admin")
    result = admin("users", "role", "bob", "member")
    assert (result.returncode, role_of("bob"), role_of("carol")) == (0, "member", "admin"), result.stderr


def test_role_says_what_the_user_is_now(admin):
    assert admin("users", "role", "Bob", "admin").stdout.startswith("bob is now an admin")


def test_role_change_is_in_the_audit_log(admin):
    result = admin("users", "role", "bob", "admin")
    assert "user role changed user='bob' addr=command line role='admin'" in result.stderr


def test_role_the_user_already_has_changes_nothing_and_succeeds(admin):
    result = admin("users", "role", "bob", "member")
    assert (result.returncode, result.stdout.strip(), "role changed" in result.stderr) == (
        0,
        "bob is already a member.",
        False,
    )


@pytest.mark.parametrize("role", ["boss", "Admin", ""])
def test_role_that_does_not_exist_is_a_usage_error_and_changes_nothing(admin, role_of, role):
    result = admin("users", "role", "bob", role)
    assert (result.returncode, "invalid choice" in result.stderr, role_of("bob")) == (2, True, "member")


def test_role_of_an_unknown_user_is_refused(admin, role_of):
    result = admin("users", "role", "zoe", "admin")
    assert (result.returncode, "No user 'zoe'" in result.stderr, role_of("zoe")) == (1, True, None)


# The last active admin: demoting or deleting them is refused; disabling is done, and said.


@pytest.fixture
def bob_only_admin(admin):
    assert admin("users", "role", "bob", "admin").returncode == 0


@pytest.mark.parametrize(
    "args, change",
    [(("role", "bob", "member"), "making bob a member"), (("delete", "bob"), "deleting bob")],
    ids=["demote", "delete"],
)
def test_taking_away_the_last_active_admin_is_refused(admin, role_of, bob_only_admin, args, change):
    result = admin("users", *args)
    assert (
        result.returncode,
        f"bob is the last active admin: {change} would leave nobody to moderate" in result.stderr,
        "users role NAME admin" in result.stderr,
        role_of("bob"),
    ) == (1, True, True, "admin")


@pytest.mark.parametrize("args", [("role", "bob", "member"), ("delete", "bob")], ids=["demote", "delete"])
def test_an_admin_may_go_while_another_stays(admin, role_of, bob_only_admin, args):
    admin("users", "role", "carol", "admin")
    result = admin("users", *args)
    assert (result.returncode, role_of("bob") != "admin", role_of("carol")) == (0, True, "admin")


def test_a_disabled_admin_is_not_the_last_active_one(admin, user, bob_only_admin):
    admin("users", "disable", "bob")
    admin("users", "add", "dave", "--admin", stdin=f"{NEW}\n")
    admin("users", "disable", "dave")
    result = admin("users", "delete", "bob")
    assert (result.returncode, user("bob")) == (0, None), result.stderr


def test_disabling_the_last_active_admin_is_done_and_says_nobody_can_moderate(admin, user, bob_only_admin):
    result = admin("users", "disable", "bob")
    assert (
        result.returncode,
        "Nobody can moderate the board now" in result.stdout,
        "users role NAME admin" in result.stdout,
        user("bob")[2],
    ) == (0, True, True, False)


def test_disabling_an_admin_while_another_stays_says_nothing_of_moderation(admin, bob_only_admin):
    admin("users", "role", "carol", "admin")
    result = admin("users", "disable", "bob")
    assert (result.returncode, "moderate" in result.stdout) == (0, False)


@pytest.mark.mysql
def test_roles_on_mariadb(mariadb_server, run_script):
    mariadb_server.create_database("admin_roles")
    url = mariadb_server.url("admin_roles")
    created = run_script(
        "initialize_scratchpad_db", url, "--admin", "alice", "--user", "bob", stdin=f"{NEW}\n{BOB}\n"
    )
    refused = run_script(ADMIN, url, "users", "role", "alice", "member")
    promoted = run_script(ADMIN, url, "users", "role", "bob", "admin")
    demoted = run_script(ADMIN, url, "users", "role", "alice", "member")
    assert (
        [created.returncode, refused.returncode, promoted.returncode, demoted.returncode],
        execute(url, "SELECT username, role FROM users ORDER BY username"),
    ) == ([0, 1, 0, 0], [("alice", "member"), ("bob", "admin")]), refused.stderr


# users disable / enable


def test_disabled_user_cannot_log_in(admin, app_on, database):
    admin("users", "disable", "bob")
    with app_on(database) as browser:
        page = browser.login("bob", BOB, status=400)
    assert "Incorrect username or password" in page.text


def test_enabled_user_logs_in_again(admin, app_on, database):
    admin("users", "disable", "bob")
    result = admin("users", "enable", "bob")
    with app_on(database) as browser:
        browser.login("bob", BOB, status=303)
    assert result.returncode == 0


def test_disable_and_enable_are_in_the_audit_log(admin):
    disabled, enabled = admin("users", "disable", "bob"), admin("users", "enable", "bob")
    assert ("user disabled user='bob'" in disabled.stderr, "user enabled user='bob'" in enabled.stderr) == (
        True,
        True,
    )


def test_disabling_a_disabled_user_changes_nothing_and_succeeds(admin, user):
    admin("users", "disable", "bob")
    before = user("bob")
    result = admin("users", "disable", "bob")
    assert (result.returncode, "already disabled" in result.stdout, user("bob")) == (0, True, before)


@pytest.mark.parametrize("action", ["disable", "enable", "delete"])
def test_unknown_user_is_refused_with_exit_status_1(admin, action):
    result = admin("users", action, "zoe")
    assert (result.returncode, "No user 'zoe'" in result.stderr, "Traceback" in result.stderr) == (
        1,
        True,
        False,
    )


# users delete


def test_delete_removes_the_user_and_keeps_their_comments_by_anonymous(
    admin, user, database, bob_comment, app_on
):
    result = admin("users", "delete", "bob")
    with app_on(database) as browser:
        page = browser.get("/").text
    assert (
        result.returncode,
        user("bob"),
        execute(database, "SELECT content, commenter_id FROM comments WHERE id = :i", i=bob_comment),
        "by <bdi>anonymous</bdi>" in page and "bob was here" in page,
    ) == (0, None, [("bob was here", None)], True), result.stderr


def test_delete_is_in_the_audit_log(admin, bob_comment):
    assert (
        "user deleted user='bob' addr=command line comments_kept=1" in admin("users", "delete", "bob").stderr
    )


def test_deleted_users_name_can_be_taken_again(admin, user):
    admin("users", "delete", "bob")
    result = admin("users", "add", "bob", stdin=f"{NEW}\n")
    assert (result.returncode, check_password(NEW, user("bob")[1])) == (0, True)


@pytest.mark.mysql
def test_delete_on_mariadb_keeps_comments_by_anonymous(mariadb_server, run_script, app_on):
    mariadb_server.create_database("admin_delete")
    url = mariadb_server.url("admin_delete")
    assert run_script("initialize_scratchpad_db", url, "--user", "bob", stdin=f"{BOB}\n").returncode == 0
    with app_on(url) as browser:
        browser.login("bob", BOB)
        form = next(form for form in browser.get("/").forms.values() if "contents" in form.fields)
        form["contents"] = "bob was here"
        form.submit(status=303)
    result = run_script(ADMIN, url, "users", "delete", "bob")
    assert (result.returncode, execute(url, "SELECT content, commenter_id FROM comments")) == (
        0,
        [("bob was here", None)],
    ), result.stderr


# Usage, configuration and help.


@pytest.mark.parametrize("action", ["list", "add", "passwd", "role", "disable", "enable", "delete"])
def test_every_action_has_help(admin, action):
    result = admin("users", action, "--help")
    assert (result.returncode, f"users {action}" in result.stdout) == (0, True)


def test_top_level_help_lists_the_users_commands(run_script, database):
    result = run_script(ADMIN, database, "users", "--help")
    assert (
        result.returncode,
        all(
            word in result.stdout for word in ("list", "add", "passwd", "role", "disable", "enable", "delete")
        ),
    ) == (0, True)


@pytest.mark.parametrize(
    "args", [(), ("users",), ("users", "frobnicate"), ("users", "add"), ("users", "role", "bob")]
)
def test_incomplete_command_line_is_exit_status_2(admin, args):
    assert admin(*args).returncode == 2


def test_missing_config_file_is_exit_status_2_without_traceback(database):
    result = run_command(ADMIN, "no-such-file.ini", "users", "list")
    assert (result.returncode, "no-such-file.ini" in result.stderr, "Traceback" in result.stderr) == (
        2,
        True,
        False,
    )


def test_database_not_migrated_is_exit_status_2_with_a_hint(run_script, tmp_path):
    result = run_script(ADMIN, f"sqlite:///{tmp_path / 'new.sqlite'}", "users", "list")
    assert (result.returncode, "initialize_scratchpad_db" in result.stderr, "Traceback" in result.stderr) == (
        2,
        True,
        False,
    )


# The terminal: getpass asks twice on a pseudo-terminal.


def open_terminal(database, *args):
    """scratchpad-admin on a pseudo-terminal, with ``database`` (a URL)."""
    return Terminal(
        [str(BIN / ADMIN), "testing.ini", *args],
        cwd=ROOT,
        env={**os.environ, "SCRATCHPAD_DATABASE_URL": database},
    )


def type_twice(database, action, name, first, second):
    terminal = open_terminal(database, "users", action, name)
    try:
        terminal.read_until(f"Password for {name}: ")
        terminal.type(first)
        terminal.read_until("(again): ")
        terminal.type(second)
    finally:
        status = terminal.finish()
    return status, terminal.output


def test_add_on_a_terminal_asks_twice_and_does_not_echo(database, user):
    status, output = type_twice(database, "add", "dave", NEW, NEW)
    assert (status, check_password(NEW, user("dave")[1]), NEW.encode() in output) == (0, True, False)


def test_passwd_on_a_terminal_with_two_different_passwords_is_refused(database, user):
    before = user("bob")
    status, output = type_twice(database, "passwd", "bob", NEW, NEW + "-typo")
    assert (status, b"differ" in output, user("bob")) == (1, True, before)

"""The ``initialize_scratchpad_db`` console script, run as an operator would, with testing.ini
and SCRATCHPAD_DATABASE_URL pointing at a throwaway SQLite file: in this process
(tests/support/in_process.py), and as the installed script in a subprocess where the process
itself is the point (a missing ini file's exit status, passwords typed on a pseudo-terminal)."""

import os
import re
import shutil

import pytest

from scratchpad.accounts.passwords import check_password
from tests.support import in_process
from tests.support.commands import run_command
from tests.support.databases import sqlite_file
from tests.support.schema import head_revision
from tests.support.servers import BIN, ROOT, free_port, ini_copy, production_ini
from tests.support.terminal import Terminal

SCRIPT = "initialize_scratchpad_db"
BOB, CAROL = "pw-bob-123456", "pw-carol-123456"


def run(database, *args, stdin=""):
    """Run the script with testing.ini on ``database``; ``stdin`` is piped in, never a terminal."""
    return in_process.run(SCRIPT, "testing.ini", *args, database_url=f"sqlite:///{database}", stdin=stdin)


def run_ok(database, *args, stdin=""):
    result = run(database, *args, stdin=stdin)
    assert result.returncode == 0, result.stderr
    return result


def users(path):
    """{username: password_hash} of everyone in the database."""
    with sqlite_file(path) as connection:
        return dict(connection.execute("SELECT username, password_hash FROM users"))


def roles(path):
    """{username: role} of everyone in the database."""
    with sqlite_file(path) as connection:
        return dict(connection.execute("SELECT username, role FROM users"))


def copy_of(template, directory):
    """A copy of a database in a directory of its own (the file tests read whole)."""
    directory.mkdir()
    path = directory / "scratchpad.sqlite"
    shutil.copyfile(template, path)
    return path


# Databases built once per module by the script itself; each test gets a copy.


@pytest.fixture(scope="module")
def bob_template(initialized):
    return initialized("--user", "bob", stdin=f"{BOB}\n")


@pytest.fixture
def empty(tmp_path):
    """A database file that does not exist yet."""
    (tmp_path / "db").mkdir()
    return tmp_path / "db" / "scratchpad.sqlite"


@pytest.fixture
def migrated(tmp_path, migrated_template):
    """At head, no users."""
    return copy_of(migrated_template, tmp_path / "db")


@pytest.fixture
def with_bob(tmp_path, bob_template):
    """At head, with user bob (password BOB) created by the script."""
    return copy_of(bob_template, tmp_path / "db")


def test_empty_database_is_migrated_to_head(empty):
    run_ok(empty)
    head = head_revision()
    with sqlite_file(empty) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [(head,)]


def test_second_run_succeeds_and_keeps_existing_data(with_bob):
    before = users(with_bob)
    result = run(with_bob)
    assert (result.returncode, users(with_bob)) == (0, before)


# Two users from stdin, created by one run.


@pytest.fixture(scope="module")
def bob_and_carol(tmp_path_factory, migrated_template):
    path = copy_of(migrated_template, tmp_path_factory.mktemp("bob_and_carol") / "db")
    result = run(path, "--user", "bob", "--user", "carol", stdin=f"{BOB}\n{CAROL}\n")
    return result, path


def test_users_from_stdin_exit_0(bob_and_carol):
    result, _ = bob_and_carol
    assert result.returncode == 0, result.stderr


def test_users_from_stdin_are_created(bob_and_carol):
    _, path = bob_and_carol
    assert sorted(users(path)) == ["bob", "carol"]


def test_users_from_stdin_are_reported_on_stdout(bob_and_carol):
    result, _ = bob_and_carol
    assert ("Created user bob." in result.stdout, "Created user carol." in result.stdout) == (True, True)


def test_users_from_stdin_get_bcrypt_hashes_of_their_own_passwords(bob_and_carol):
    _, path = bob_and_carol
    stored = users(path)
    assert [
        stored["bob"].startswith("$2b$04$"),  # testing.ini: scratchpad.bcrypt_rounds = 4
        check_password(BOB, stored["bob"]),
        check_password(CAROL, stored["carol"]),
        check_password(CAROL, stored["bob"]),
    ] == [True, True, True, False]


def test_plain_text_passwords_are_nowhere_in_the_database_files(bob_and_carol):
    _, path = bob_and_carol
    contents = b"".join(file.read_bytes() for file in path.parent.iterdir())
    assert (BOB.encode() in contents, CAROL.encode() in contents) == (False, False)


def test_windows_line_ending_is_not_part_of_the_password(migrated):
    run_ok(migrated, "--user", "bob", stdin=f"{BOB}\r\n")
    assert check_password(BOB, users(migrated)["bob"]) is True


# Refusals: exit status 1, a message, and nothing changed.


@pytest.fixture(scope="module")
def bob_again(tmp_path_factory, bob_template):
    """``--user bob`` once more, on a database where bob exists."""
    path = copy_of(bob_template, tmp_path_factory.mktemp("bob_again") / "db")
    return run(path, "--user", "bob", stdin="another-password\n"), path


def test_existing_user_is_refused_with_exit_status_1(bob_again):
    result, _ = bob_again
    assert result.returncode == 1


def test_existing_user_is_named_on_stderr(bob_again):
    result, _ = bob_again
    assert "bob" in result.stderr


def test_existing_user_keeps_the_old_password(bob_again):
    _, path = bob_again
    assert check_password(BOB, users(path)["bob"]) is True


def test_existing_user_among_new_ones_creates_none_of_them(with_bob):
    result = run(with_bob, "--user", "dave", "--user", "bob", stdin="pw-dave-123456\nanother-password\n")
    assert (result.returncode, sorted(users(with_bob))) == (1, ["bob"])


@pytest.mark.parametrize(
    "args, stdin, status, says",
    [
        pytest.param(["--user", "bob"], "\n", 1, "empty", id="empty-password-line"),
        pytest.param(["--user", "bob"], "   \n", 1, "empty", id="blank-password-line"),
        pytest.param(["--user", "bob"], "€" * 25 + "\n", 1, "72 bytes", id="password-over-72-bytes"),
        pytest.param(["--user", "bob", "--user", "carol"], f"{BOB}\n\n", 1, "", id="bad-second-password"),
        pytest.param(["--user", "bob", "--user", "carol"], f"{BOB}\n", 1, "carol", id="missing-stdin-line"),
        pytest.param(["--user", "bob", "--user", "bob"], f"{BOB}\n{BOB}\n", 2, "", id="same-user-twice"),
        pytest.param(
            ["--user", "bob", "--admin", "Bob"],
            f"{BOB}\n{BOB}\n",
            2,
            "bob is named twice",
            id="same-user-as-member-and-admin",
        ),
    ],
)
def test_refused_input_creates_nobody_not_even_the_first_user(migrated, args, stdin, status, says):
    """Exit status 1 for a refused password, 2 for a usage error; ``says``: in the message."""
    result = run(migrated, *args, stdin=stdin)
    assert (result.returncode, says in result.stderr, users(migrated)) == (status, True, {})


# --admin: users made admins, mixed with --user; passwords follow the command line's order.

ALICE = "pw-alice-123456"


@pytest.fixture(scope="module")
def admins_and_members(tmp_path_factory, migrated_template):
    path = copy_of(migrated_template, tmp_path_factory.mktemp("admins_and_members") / "db")
    result = run(
        path, "--admin", "alice", "--user", "bob", "--admin", "carol", stdin=f"{ALICE}\n{BOB}\n{CAROL}\n"
    )
    return result, path


def test_admin_option_makes_admins_and_user_option_members(admins_and_members):
    result, path = admins_and_members
    assert (result.returncode, roles(path)) == (
        0,
        {"alice": "admin", "bob": "member", "carol": "admin"},
    ), result.stderr


def test_passwords_are_read_in_the_order_the_users_are_named(admins_and_members):
    _, path = admins_and_members
    stored = users(path)
    assert [
        check_password(ALICE, stored["alice"]),
        check_password(BOB, stored["bob"]),
        check_password(CAROL, stored["carol"]),
    ] == [True, True, True]


def test_admins_are_reported_as_admins(admins_and_members):
    result, _ = admins_and_members
    assert result.stdout.splitlines() == ["Created admin alice.", "Created user bob.", "Created admin carol."]


def test_created_users_roles_are_in_the_audit_log(admins_and_members):
    result, _ = admins_and_members
    assert (
        "user created user='alice' addr=command line role='admin'" in result.stderr,
        "user created user='bob' addr=command line role='member'" in result.stderr,
    ) == (True, True)


def test_existing_user_named_by_admin_is_refused_and_keeps_their_role(with_bob):
    result = run(with_bob, "--admin", "bob", stdin="another-password\n")
    assert (result.returncode, roles(with_bob)) == (1, {"bob": "member"})


def test_users_but_no_admin_is_pointed_out_with_the_command_that_makes_one(with_bob):
    result = run_ok(with_bob)
    assert ("no user is an active admin" in result.stdout, "users role NAME admin" in result.stdout) == (
        True,
        True,
    )


# --initial-admin, run twice on an empty users table.


@pytest.fixture(scope="module")
def initial_admin(tmp_path_factory, migrated_template):
    path = copy_of(migrated_template, tmp_path_factory.mktemp("admin") / "db")
    first = run_ok(path, "--initial-admin")
    hash_after_first = users(path)["admin"]
    second = run_ok(path, "--initial-admin")
    return first, hash_after_first, second, path


def printed_password(result):
    (password,) = re.findall(r"password: (\S+)", result.stdout)
    return password


def test_initial_admin_prints_a_password_that_logs_in(initial_admin):
    first, hash_after_first, _, _ = initial_admin
    assert check_password(printed_password(first), hash_after_first) is True


def test_initial_admin_password_is_not_stored_in_plain_text(initial_admin):
    first, _, _, path = initial_admin
    assert printed_password(first).encode() not in path.read_bytes()


def test_initial_admin_on_second_run_prints_no_password(initial_admin):
    _, _, second, _ = initial_admin
    assert "password" not in second.stdout.lower()


def test_initial_admin_is_an_admin(initial_admin):
    _, _, _, path = initial_admin
    assert roles(path) == {"admin": "admin"}


def test_initial_admin_role_is_in_the_audit_log(initial_admin):
    first, _, _, _ = initial_admin
    assert "user created user='admin' addr=command line initial_admin=True role='admin'" in first.stderr


def test_initial_admin_on_second_run_keeps_the_hash(initial_admin):
    _, hash_after_first, _, path = initial_admin
    assert users(path) == {"admin": hash_after_first}


def test_initial_admin_is_not_created_when_users_exist(with_bob):
    run_ok(with_bob, "--initial-admin")
    assert sorted(users(with_bob)) == ["bob"]


def test_missing_config_file_is_exit_status_2_without_traceback():
    result = run_command(SCRIPT, "no-such-file.ini")
    assert (result.returncode, "Traceback" in result.stderr, "no-such-file.ini" in result.stderr) == (
        2,
        False,
        True,
    )


# Configuration that leads nowhere: one line on stderr, exit status 2, as documented.


def run_elsewhere(ini, database_url, cwd):
    """The script with the ini file ``ini`` run from ``cwd``, neither of them the checkout."""
    return in_process.run(SCRIPT, ini, database_url=database_url, cwd=cwd)


def one_line_status(result):
    """(exit status, lines on stderr, whether a traceback shows) of a finished run."""
    return result.returncode, len(result.stderr.splitlines()), "Traceback" in result.stderr


@pytest.mark.parametrize(
    "database_url",
    [
        f"mysql+pymysql://scratchpad:secret-in-url@127.0.0.1:{free_port()}/scratchpad?charset=utf8mb4",
        "sqlite:////no/such/folder/scratchpad.sqlite",
    ],
    ids=["mariadb-port-closed", "sqlite-folder-missing"],
)
def test_unreachable_database_is_one_line_and_exit_status_2(tmp_path, database_url):
    result = run_elsewhere(production_ini(tmp_path), database_url, tmp_path)
    assert one_line_status(result) == (2, 1, False), result.stderr
    assert "cannot reach the database" in result.stderr
    assert "secret-in-url" not in result.stderr


@pytest.mark.parametrize("ini", ["development.ini", "production.ini", "testing.ini"])
def test_any_ini_copied_to_another_folder_migrates_from_any_folder(tmp_path, ini):
    # As docs/deploying.md's per-process copies in /etc/scratchpad/: the copy's %(here)s is not the
    # checkout, and the script runs from yet another folder.
    (tmp_path / "etc").mkdir()
    (tmp_path / "elsewhere").mkdir()
    copy = ini_copy(ROOT / ini, tmp_path / "etc").rename(tmp_path / "etc" / f"scratchpad-6543-{ini}")
    database = tmp_path / "scratchpad.sqlite"
    result = run_elsewhere(copy, f"sqlite:///{database}", tmp_path / "elsewhere")
    assert result.returncode == 0, result.stderr
    head = head_revision()
    with sqlite_file(database) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [(head,)]


@pytest.mark.parametrize(
    "replacement, message",
    [
        ("script_location = %(here)s/alembic", "no migrations at"),
        ("", "has no [alembic] section with a script_location"),
    ],
    ids=["folder-missing", "line-missing"],
)
def test_missing_migrations_are_one_line_and_exit_status_2(tmp_path, replacement, message):
    copy = production_ini(tmp_path)
    text, count = re.subn(r"(?m)^script_location = .*$", replacement, copy.read_text(encoding="utf-8"))
    assert count == 1
    copy.write_text(text, encoding="utf-8")
    database = tmp_path / "scratchpad.sqlite"
    result = run_elsewhere(copy, f"sqlite:///{database}", tmp_path)
    assert one_line_status(result) == (2, 1, False), result.stderr
    assert message in result.stderr
    assert not database.exists()  # found out before the database is touched


def test_help_exits_0_and_describes_the_user_and_admin_options():
    result = in_process.run(SCRIPT, "--help")
    assert (result.returncode, "--user" in result.stdout, "--admin NAME" in result.stdout) == (0, True, True)


# The terminal path: getpass asks twice on a pseudo-terminal.


def open_terminal(database, *args):
    """The script on a pseudo-terminal, with ``database`` (a SQLite file)."""
    return Terminal(
        [str(BIN / SCRIPT), "testing.ini", *args],
        cwd=ROOT,
        env={**os.environ, "SCRATCHPAD_DATABASE_URL": f"sqlite:///{database}"},
    )


def type_passwords(database, first, second):
    """Create bob on a terminal, typing ``first`` then ``second``; returns (status, terminal)."""
    terminal = open_terminal(database, "--user", "bob")
    try:
        terminal.read_until("Password for bob: ")
        terminal.type(first)
        terminal.read_until("(again): ")
        terminal.type(second)
    finally:
        status = terminal.finish()
    return status, terminal


@pytest.fixture(scope="module")
def typed_twice(tmp_path_factory, migrated_template):
    path = copy_of(migrated_template, tmp_path_factory.mktemp("terminal") / "db")
    status, terminal = type_passwords(path, BOB, BOB)
    return status, terminal.output, path


def test_password_typed_twice_on_a_terminal_creates_the_user(typed_twice):
    status, _, path = typed_twice
    assert (status, check_password(BOB, users(path).get("bob", ""))) == (0, True)


def test_password_typed_on_a_terminal_is_not_echoed(typed_twice):
    _, output, _ = typed_twice
    assert BOB.encode() not in output


def test_different_passwords_typed_on_a_terminal_are_refused(migrated):
    status, _ = type_passwords(migrated, BOB, "something-else-123")
    assert (status, users(migrated)) == (1, {})

"""``scratchpad-admin CONFIG_URI users suspend NAME --until WHEN`` and ``users unsuspend NAME``,
run in this process on a throwaway board holding bob and carol (tests/scripts/conftest.py):
what it stores, says and logs, what the shared rules refuse (accounts/rules.py), and what the
suspended member then meets on the board."""

from datetime import UTC, datetime, timedelta

import pytest

from scratchpad.i18n.dates import UTC_ENGLISH
from tests.support.databases import execute

ADMIN = "scratchpad-admin"
#: A hundred days ahead, 03:04 UTC: within the longest suspension (MAX_DAYS).
LATER = (datetime.now(UTC) + timedelta(days=100)).replace(hour=3, minute=4, second=0, microsecond=0)
BOB = "pw-bob-123456"  # bob's password on the board of tests/scripts/conftest.py


def suspended_until(database, name="bob"):
    (value,) = execute(database, "SELECT suspended_until FROM users WHERE username = :n", n=name)[0]
    return None if value is None else datetime.fromisoformat(str(value)).replace(tzinfo=UTC)


def log_entries(database):
    return execute(
        database,
        "SELECT moderator_name, action, user_name, detail FROM moderation_actions WHERE comment_id IS NULL",
    )


def test_suspend_for_seven_days_stores_the_end_says_it_and_logs_it(admin, database):
    before = datetime.now(UTC)
    result = admin("users", "suspend", "Bob", "--until", "7d")
    until = suspended_until(database)
    ends = f"{until:%Y-%m-%d %H:%M} UTC"
    assert (
        result.returncode,
        before + timedelta(days=7) - timedelta(seconds=1) <= until <= datetime.now(UTC) + timedelta(days=7),
        result.stdout.strip(),
        f"user suspended user='bob' addr=command line until='{ends}'" in result.stderr,
        log_entries(database),
    ) == (
        0,
        True,
        f"Suspended bob until {ends}: they can read and log in, but not post, reply or edit.",
        True,
        [("command line", "suspend", "bob", f"until {ends}")],
    ), result.stderr


def test_suspend_until_a_date_and_list_shows_it(admin, database):
    admin("users", "suspend", "bob", "--until", f"{LATER:%Y-%m-%dT%H:%M}")
    listed = admin("users", "list")
    rows = {line.split()[1]: line.split()[3:] for line in listed.stdout.splitlines()[1:]}
    assert (suspended_until(database), rows["bob"], rows["carol"]) == (
        LATER,
        ["suspended", "until", f"{LATER:%Y-%m-%dT%H:%M}Z", "bcrypt"],
        ["active", "bcrypt"],
    )


@pytest.mark.parametrize(
    "until, said", [("yesterday", "is not a time"), ("2001-01-01", "has passed"), ("99999d", "at most")]
)
def test_an_end_that_cannot_be_is_a_usage_error_and_changes_nothing(admin, database, until, said):
    result = admin("users", "suspend", "bob", "--until", until)
    assert (result.returncode, said in result.stderr, suspended_until(database)) == (2, True, None)


def test_suspend_needs_until(admin, database):
    result = admin("users", "suspend", "bob")
    assert (result.returncode, "--until" in result.stderr, suspended_until(database)) == (2, True, None)


def test_an_admin_cannot_be_suspended(admin, database):
    admin("users", "role", "bob", "admin")
    result = admin("users", "suspend", "bob", "--until", "7d")
    assert (
        result.returncode,
        "bob is an admin, who cannot be suspended" in result.stderr,
        "Nothing was changed" in result.stderr,
        suspended_until(database),
    ) == (1, True, True, None)


def test_unsuspend_lifts_it_and_a_second_time_says_there_was_none(admin, database):
    admin("users", "suspend", "bob", "--until", "7d")
    lifted, again = admin("users", "unsuspend", "bob"), admin("users", "unsuspend", "bob")
    assert (
        lifted.returncode,
        lifted.stdout.strip(),
        "user unsuspended user='bob'" in lifted.stderr,
        again.stdout.strip(),
        suspended_until(database),
        [entry[1] for entry in log_entries(database)],
    ) == (
        0,
        "Lifted the suspension of bob; they can post again.",
        True,
        "bob was not suspended.",
        None,
        ["suspend", "unsuspend"],
    )


def test_a_suspended_member_logs_in_but_cannot_post(admin, app_on, database):
    admin("users", "suspend", "bob", "--until", f"{LATER:%Y-%m-%dT%H:%M}")
    with app_on(database) as browser:
        browser.login("bob", BOB, status=303)
        board = browser.get("/")
        token = browser.get_csrf_token()
        refused = browser.post("/", {"contents": "Hello", "csrf_token": token}, status=403)
    assert (
        board.html.find(id="comment-form"),
        f"suspended until {UTC_ENGLISH.datetime(LATER)} UTC" in refused.text,
        execute(database, "SELECT COUNT(*) FROM comments"),
    ) == (None, True, [(0,)])


@pytest.mark.mysql
def test_suspend_and_unsuspend_on_mariadb(mariadb_server, run_script):
    mariadb_server.create_database("admin_suspend")
    url = mariadb_server.url("admin_suspend")
    run_script("initialize_scratchpad_db", url, "--user", "bob", stdin=f"{BOB}\n")
    until = LATER.replace(second=5, microsecond=123456)
    suspended = run_script(ADMIN, url, "users", "suspend", "bob", "--until", until.isoformat())
    stored = execute(url, "SELECT suspended_until FROM users")
    lifted = run_script(ADMIN, url, "users", "unsuspend", "bob")
    assert (
        [suspended.returncode, lifted.returncode],
        stored,
        execute(url, "SELECT suspended_until FROM users"),
        execute(url, "SELECT action, user_name FROM moderation_actions ORDER BY id"),
    ) == (
        [0, 0],
        [(until.replace(tzinfo=None),)],
        [(None,)],
        [("suspend", "bob"), ("unsuspend", "bob")],
    ), suspended.stderr

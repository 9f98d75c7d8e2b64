"""Revision b7d41e9c2a58 (users.suspended_until; moderation log entries about users) with the
real ``alembic`` command, on a throwaway SQLite file and on the run's MariaDB: every row kept
both ways, ids still never reused after SQLite copies the tables."""

from datetime import datetime

import pytest
import sqlalchemy as sa

from tests.support.databases import column_names, connected, execute_each
from tests.support.in_process import alembic_ok
from tests.support.migration_rows import on_mariadb_both_ways

BEFORE = "8a3f6c2d9e41"
REVISION = "b7d41e9c2a58"

SEED = (
    "INSERT INTO users (id, username, password_hash, session_secret, role) VALUES "
    "(1, 'bob', 'h', 's1', 'admin'), (3, 'carol', 'h', 's3', 'member')",
    "INSERT INTO comments (id, content, commenter_id) VALUES (1, 'hi', 1), (2, 'ho', 3)",
    "INSERT INTO moderation_actions (id, acted_at, action, moderator_id, moderator_name, comment_id, "
    "comment_author, comment_excerpt) VALUES (4, '2026-12-04 10:00:00', 'hide', 1, 'bob', 2, 'carol', 'ho')",
)
USERS = "SELECT id, username, password_hash, session_secret, role FROM users ORDER BY id"
COMMENTS = "SELECT id, content, commenter_id FROM comments ORDER BY id"
LOG = "SELECT id, action, moderator_name, comment_id, comment_author, comment_excerpt FROM moderation_actions ORDER BY id"
KEPT_USERS = [(1, "bob", "h", "s1", "admin"), (3, "carol", "h", "s3", "member")]
KEPT_COMMENTS = [(1, "hi", 1), (2, "ho", 3)]
KEPT_LOG = [(4, "hide", "bob", 2, "carol", "ho")]
SUSPEND_CAROL = "UPDATE users SET suspended_until = '2026-12-11 10:00:00' WHERE id = 3"
LOG_A_SUSPENSION = (
    "INSERT INTO moderation_actions (acted_at, action, moderator_id, moderator_name, comment_excerpt, "
    "user_name, detail) VALUES ('2026-12-04 11:00:00', 'suspend', 1, 'bob', '', 'carol', 'until 2026-12-11 10:00 UTC')"
)


@pytest.fixture
def seeded(database_url, seeded_at):
    return seeded_at(database_url, BEFORE, *SEED)


def test_upgrade_keeps_every_row_and_suspends_nobody(seeded):
    alembic_ok("upgrade", REVISION)
    users, comments, log, new = execute_each(
        seeded,
        USERS,
        COMMENTS,
        LOG,
        "SELECT suspended_until FROM users UNION ALL SELECT user_name FROM moderation_actions",
    )
    assert (users, comments, log, new) == (KEPT_USERS, KEPT_COMMENTS, KEPT_LOG, [(None,), (None,), (None,)])


def test_after_the_upgrade_the_log_holds_entries_about_users(seeded):
    alembic_ok("upgrade", REVISION)
    execute_each(seeded, SUSPEND_CAROL, LOG_A_SUSPENSION)
    assert execute_each(
        seeded, "SELECT id, comment_id, user_name, detail FROM moderation_actions ORDER BY id"
    )[0] == [
        (4, 2, None, None),
        (5, None, "carol", "until 2026-12-11 10:00 UTC"),
    ]


def test_downgrade_keeps_every_user_comment_and_comment_entry(seeded):
    alembic_ok("upgrade", REVISION)
    execute_each(seeded, SUSPEND_CAROL, LOG_A_SUSPENSION)
    alembic_ok("downgrade", BEFORE)
    user_columns = column_names(seeded, "users")
    with connected(seeded) as connection:
        log_columns = {
            column["name"]: column for column in sa.inspect(connection).get_columns("moderation_actions")
        }
    users, comments, log, ddl = execute_each(
        seeded,
        USERS,
        COMMENTS,
        LOG,
        "SELECT sql FROM sqlite_master WHERE name IN ('users', 'moderation_actions') ORDER BY name",
    )
    assert (
        users,
        comments,
        log,
        "suspended_until" in user_columns,
        {"user_name", "detail"} & set(log_columns),
        log_columns["comment_id"]["nullable"],
        ["AUTOINCREMENT" in sql for (sql,) in ddl],
    ) == (KEPT_USERS, KEPT_COMMENTS, KEPT_LOG, False, set(), False, [True, True])


def test_the_log_never_gives_an_id_again_after_the_upgrade(seeded):
    alembic_ok("upgrade", REVISION)
    execute_each(seeded, "DELETE FROM moderation_actions WHERE id = 4", LOG_A_SUSPENSION)
    assert execute_each(seeded, "SELECT id FROM moderation_actions")[0] == [(5,)]


def test_upgrade_works_again_after_the_downgrade(seeded, round_trip):
    round_trip(BEFORE, REVISION)
    assert execute_each(seeded, "SELECT COUNT(*) FROM users", "SELECT COUNT(*) FROM moderation_actions") == [
        [(2,)],
        [(1,)],
    ]


@pytest.mark.mysql
def test_the_revision_keeps_every_row_both_ways_on_mariadb(mariadb_server):
    database = "suspension_migration_test"
    after_upgrade, entries = on_mariadb_both_ways(
        mariadb_server,
        database,
        BEFORE,
        REVISION,
        SEED,
        [SUSPEND_CAROL, LOG_A_SUSPENSION],
        [
            "SELECT username, suspended_until FROM users ORDER BY id",
            "SELECT comment_id, user_name FROM moderation_actions ORDER BY id",
        ],
    )
    assert (
        after_upgrade,
        entries,
        mariadb_server.rows(database, USERS),
        mariadb_server.rows(database, COMMENTS),
        mariadb_server.rows(database, LOG),
    ) == (
        [("bob", None), ("carol", datetime(2026, 12, 11, 10, 0))],
        [(2, None), (None, "carol")],
        KEPT_USERS,
        KEPT_COMMENTS,
        KEPT_LOG,
    )

"""Revision b41e7d0c9f25 (the outbox, users.email_notifications) with the real ``alembic``
command on a throwaway SQLite file: every row kept both ways, nobody opted in by the upgrade,
ids still never reused after the downgrade copies the users table. (MariaDB runs this
revision up and down in tests/mysql/test_migrations_mariadb.py.)"""

import pytest
import sqlalchemy as sa

from tests.support.databases import connected, execute_each
from tests.support.in_process import alembic_ok
from tests.support.migration_rows import COMMENTS, KEPT_COMMENTS, KEPT_USERS, PEOPLE, USERS

BEFORE = "4c8e2a7d1f35"
REVISION = "b41e7d0c9f25"


@pytest.fixture
def seeded(database_url, seeded_at):
    return seeded_at(database_url, BEFORE, *PEOPLE)


def test_upgrade_keeps_every_row_and_opts_nobody_in(seeded):
    alembic_ok("upgrade", REVISION)
    users, comments, opted_in, queued, ddl = execute_each(
        seeded,
        USERS,
        COMMENTS,
        "SELECT email_notifications FROM users",
        "SELECT COUNT(*) FROM outbox",
        "SELECT sql FROM sqlite_master WHERE name = 'users'",
    )
    assert (users, comments, opted_in, queued, "AUTOINCREMENT" in ddl[0][0]) == (
        KEPT_USERS,
        KEPT_COMMENTS,
        [(0,), (0,)],
        [(0,)],
        True,
    )


def test_queued_mail_goes_with_its_user(seeded):
    alembic_ok("upgrade", REVISION)
    execute_each(
        seeded,
        "INSERT INTO outbox (kind, user_id, recipient, subject, body, message_id, created_at, attempts, next_attempt_at)"
        " VALUES ('confirmation', 1, 'bob@example.org', 's', 'b', 'm1', '2026-12-04 10:00:00', 0, '2026-12-04 10:00:00'),"
        " ('confirmation', 3, 'carol@example.org', 's', 'b', 'm2', '2026-12-04 10:00:00', 0, '2026-12-04 10:00:00')",
    )
    with connected(seeded) as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.execute(sa.text("UPDATE comments SET commenter_id = NULL WHERE commenter_id = 3"))
        connection.execute(sa.text("DELETE FROM users WHERE id = 3"))
    assert execute_each(seeded, "SELECT user_id FROM outbox")[0] == [(1,)]


def test_downgrade_keeps_every_row_and_drops_the_new_parts(seeded, after_downgrade):
    left = after_downgrade(seeded, BEFORE, REVISION, "UPDATE users SET email_notifications = 1 WHERE id = 1")
    users, comments = execute_each(seeded, USERS, COMMENTS)
    assert (
        users,
        comments,
        "outbox" in left.tables,
        "email_notifications" in left.user_columns,
        left.autoincrement,
    ) == (
        KEPT_USERS,
        KEPT_COMMENTS,
        False,
        False,
        True,
    )


def test_upgrade_works_again_after_the_downgrade(seeded, round_trip):
    round_trip(BEFORE, REVISION)
    assert execute_each(seeded, "SELECT COUNT(*) FROM users")[0] == [(2,)]

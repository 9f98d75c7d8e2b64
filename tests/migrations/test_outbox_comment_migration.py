"""Revision e6b1c4d8a2f7 (outbox.comment_id: the comment a notification mail quotes) with the
real ``alembic`` command on a throwaway SQLite file: queued mail kept both ways, the outbox
still AUTOINCREMENT after SQLite's copy, and a mail going with its comment's row. (MariaDB
runs every revision up and down in tests/mysql/test_migrations_mariadb.py.)"""

import pytest
import sqlalchemy as sa

from tests.support.databases import connected, execute_each
from tests.support.in_process import alembic_ok
from tests.support.migration_rows import PEOPLE

BEFORE = "d3b8f1a6c925"
REVISION = "e6b1c4d8a2f7"
MAIL = (
    "INSERT INTO outbox (kind, user_id, recipient, subject, body, message_id, created_at, attempts, next_attempt_at)"
    " VALUES ('notification', 1, 'bob@example.org', 's', 'b', 'm1', '2026-12-05 10:00:00', 0, '2026-12-05 10:00:00')"
)
OUTBOX = "SELECT id, kind, user_id, recipient, body, next_attempt_at FROM outbox"


@pytest.fixture
def seeded(database_url, seeded_at):
    return seeded_at(database_url, BEFORE, *PEOPLE, MAIL)


def test_upgrade_keeps_queued_mail_with_no_comment(seeded):
    before = execute_each(seeded, OUTBOX)[0]
    alembic_ok("upgrade", REVISION)
    mail, comments, ddl = execute_each(
        seeded, OUTBOX, "SELECT comment_id FROM outbox", "SELECT sql FROM sqlite_master WHERE name = 'outbox'"
    )
    assert (mail, comments, "AUTOINCREMENT" in ddl[0][0]) == (before, [(None,)], True)


def test_a_mail_goes_with_its_comments_row(seeded):
    alembic_ok("upgrade", REVISION)
    comment_id = execute_each(seeded, "SELECT MIN(id) FROM comments")[0][0][0]
    execute_each(seeded, f"UPDATE outbox SET comment_id = {comment_id}")
    with connected(seeded) as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.execute(sa.text("DELETE FROM comments WHERE parent_id IS NOT NULL"))
        connection.execute(sa.text("DELETE FROM comments WHERE id = :id"), {"id": comment_id})
    assert execute_each(seeded, "SELECT COUNT(*) FROM outbox")[0] == [(0,)]


def test_downgrade_keeps_the_mail_and_drops_the_column(seeded, after_downgrade):
    before = execute_each(seeded, OUTBOX)[0]
    after_downgrade(seeded, BEFORE, REVISION)
    mail, columns = execute_each(seeded, OUTBOX, "SELECT name FROM pragma_table_info('outbox')")
    assert (mail, ("comment_id",) in columns) == (before, False)

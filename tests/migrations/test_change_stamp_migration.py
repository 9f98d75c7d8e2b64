"""Revision c7a2e95d41b8 (``comments.change_stamp``) with the real ``alembic`` command on a
throwaway SQLite file: every row kept both ways, existing rows stamped 0, the search index's
triggers and the table's AUTOINCREMENT still there (no batch copy of ``comments``). (MariaDB
runs every revision up and down in tests/mysql/test_migrations_mariadb.py.)"""

import pytest

from tests.support.databases import column_names, execute_each, sqlite_ddl
from tests.support.in_process import alembic_ok

BEFORE = "b41e7d0c9f25"
REVISION = "c7a2e95d41b8"
COMMENTS = "SELECT id, content, html, commenter_id, parent_id, thread_id, path, reply_count FROM comments ORDER BY id"
KEPT = [(1, "hi", "<p>hi</p>", 1, None, None, None, 1), (2, "ho", "<p>ho</p>", 1, 1, 1, "0000000002", 0)]
TRIGGERS = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'comments' ORDER BY name"


@pytest.fixture
def seeded(database_url, seeded_at):
    return seeded_at(
        database_url,
        BEFORE,
        "INSERT INTO users (id, username, password_hash, session_secret, role) VALUES (1, 'bob', 'h', 's1', 'admin')",
        "INSERT INTO comments (id, content, html, html_version, commenter_id, reply_count) VALUES (1, 'hi', '<p>hi</p>', 1, 1, 1)",
        "INSERT INTO comments (id, content, html, html_version, commenter_id, parent_id, thread_id, path, reply_count)"
        " VALUES (2, 'ho', '<p>ho</p>', 1, 1, 1, 1, '0000000002', 0)",
    )


def test_upgrade_keeps_every_row_and_stamps_the_old_ones_zero(seeded):
    triggers = execute_each(seeded, TRIGGERS)[0]
    alembic_ok("upgrade", REVISION)
    comments, stamped, after = execute_each(
        seeded, COMMENTS, "SELECT change_stamp FROM comments ORDER BY id", TRIGGERS
    )
    assert (comments, stamped, after, "AUTOINCREMENT" in sqlite_ddl(seeded, "comments")) == (
        KEPT,
        [(0,), (0,)],
        triggers,
        True,
    )
    assert len(triggers) == 3


def test_downgrade_keeps_every_row_and_drops_the_stamp(seeded):
    alembic_ok("upgrade", REVISION)
    execute_each(seeded, "UPDATE comments SET change_stamp = 12345 WHERE id = 2")
    alembic_ok("downgrade", BEFORE)
    assert (
        execute_each(seeded, COMMENTS)[0],
        "change_stamp" in column_names(seeded, "comments"),
        len(execute_each(seeded, TRIGGERS)[0]),
        "AUTOINCREMENT" in sqlite_ddl(seeded, "comments"),
    ) == (KEPT, False, 3, True)


def test_upgrade_works_again_after_the_downgrade(seeded, round_trip):
    round_trip(BEFORE, REVISION)
    assert execute_each(seeded, COMMENTS)[0] == KEPT

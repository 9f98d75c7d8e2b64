"""Revision d3b8f1a6c925 (``thread_stamps`` and the triggers that keep it) with the real
``alembic`` command on a throwaway SQLite file: every row kept both ways, every root there is
stamped, the triggers made and dropped, ``comments`` not copied (its search triggers and
AUTOINCREMENT still there). MariaDB runs every revision up and down in
tests/mysql/test_migrations_mariadb.py, and the triggers' work on both backends is in
tests/unit/models/test_thread_stamp.py."""

import pytest

from tests.support.databases import execute_each, sqlite_ddl, table_names
from tests.support.in_process import alembic_ok

BEFORE = "c5a9e2f17b3d"
REVISION = "d3b8f1a6c925"
COMMENTS = (
    "SELECT id, content, commenter_id, parent_id, thread_id, path, reply_count FROM comments ORDER BY id"
)
USERS = "SELECT id, username FROM users ORDER BY id"
KEPT = [
    (1, "hi", 1, None, None, None, 1),
    (2, "ho", 1, 1, 1, "0000000002", 0),
    (3, "new", 1, None, None, None, 0),
]
TRIGGERS = "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
STAMP_TRIGGERS = [
    "thread_stamps_after_insert",
    "thread_stamps_after_rename",
    "thread_stamps_after_reply_delete",
    "thread_stamps_after_root_delete",
    "thread_stamps_after_update",
    "thread_stamps_before_user_delete",
]


#: Bob's two threads, the first with a reply.
BOBS_THREADS = (
    "INSERT INTO users (id, username, password_hash, session_secret, role) VALUES (1, 'bob', 'h', 's1', 'admin')",
    "INSERT INTO comments (id, content, commenter_id, parent_id, thread_id, path, reply_count) VALUES "
    "(1, 'hi', 1, NULL, NULL, NULL, 1), (2, 'ho', 1, 1, 1, '0000000002', 0), (3, 'new', 1, NULL, NULL, NULL, 0)",
)


@pytest.fixture
def seeded(database_url, seeded_at):
    return seeded_at(database_url, BEFORE, *BOBS_THREADS)


def test_upgrade_keeps_every_row_and_stamps_every_root(seeded):
    before = execute_each(seeded, TRIGGERS)[0]
    alembic_ok("upgrade", REVISION)
    comments, users, roots, triggers = execute_each(
        seeded, COMMENTS, USERS, "SELECT root_id FROM thread_stamps ORDER BY root_id", TRIGGERS
    )
    added = sorted({name for (name,) in triggers} - {name for (name,) in before})
    assert (comments, users, roots, added, "AUTOINCREMENT" in sqlite_ddl(seeded, "comments")) == (
        KEPT,
        [(1, "bob")],
        [(1,), (3,)],
        STAMP_TRIGGERS,
        True,
    )


def test_the_triggers_stamp_a_thread_anew_on_every_write(seeded):
    alembic_ok("upgrade", REVISION)
    stamp = "SELECT stamp FROM thread_stamps WHERE root_id = 1"
    writes = [
        "UPDATE comments SET html = '<p>changed</p>' WHERE id = 2",  # a reply, around the app
        "UPDATE users SET username = 'robert' WHERE id = 1",
        "DELETE FROM comments WHERE id = 2",
    ]
    stamps = [execute_each(seeded, stamp)[0]]
    for write in writes:
        stamps.append(execute_each(seeded, write, stamp)[1])
    assert len({tuple(found) for found in stamps}) == len(writes) + 1
    execute_each(
        seeded, "UPDATE comments SET reply_count = 0 WHERE id = 1", "DELETE FROM comments WHERE id = 1"
    )
    assert execute_each(seeded, "SELECT root_id FROM thread_stamps ORDER BY root_id")[0] == [(3,)]


def test_downgrade_keeps_every_row_and_drops_the_table_and_its_triggers(seeded):
    before = execute_each(seeded, TRIGGERS)[0]
    alembic_ok("upgrade", REVISION)
    alembic_ok("downgrade", BEFORE)
    assert (
        execute_each(seeded, COMMENTS, USERS, TRIGGERS),
        "thread_stamps" in table_names(seeded),
        "AUTOINCREMENT" in sqlite_ddl(seeded, "comments"),
    ) == ([KEPT, [(1, "bob")], before], False, True)


def test_upgrade_works_again_after_the_downgrade(seeded, round_trip):
    round_trip(BEFORE, REVISION)
    assert execute_each(seeded, COMMENTS, "SELECT count(*) FROM thread_stamps")[0:2] == [KEPT, [(2,)]]

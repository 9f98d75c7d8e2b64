"""Revision 3b7d9e2f4a61 (threads, issue 14) on a database that already holds comments, on a
throwaway SQLite file and on the run's throwaway MariaDB: every existing comment becomes a
root, every row is kept on the way up and on the way down (replies included)."""

import pytest
import sqlalchemy as sa

from tests.support import databases
from tests.support.databases import column_names, connected
from tests.support.in_process import alembic_ok

BEFORE = "7c2d4e6f8a10"
REVISION = "3b7d9e2f4a61"
COMMENTS = [(1, "hi *there*", 1), (2, "Caf\N{LATIN SMALL LETTER E WITH ACUTE} \N{GRINNING FACE}", None)]


def execute_all(url, *statements):
    """Each (SQL, parameters) of ``statements`` on ``url``, in one transaction."""
    with connected(url) as connection:
        for sql, params in statements:
            connection.execute(sa.text(sql), params)


@pytest.fixture
def seeded(empty_database_url, seeded_at):
    """A database at the revision before (SQLite and MariaDB), holding a user and two comments."""
    url = seeded_at(empty_database_url, BEFORE)
    execute_all(
        url,
        ("INSERT INTO users (id, username, password_hash, session_secret) VALUES (1, 'bob', 'h', 's')", {}),
        *[
            ("INSERT INTO comments (id, content, commenter_id) VALUES (:i, :c, :u)", dict(i=i, c=c, u=u))
            for i, c, u in COMMENTS
        ],
    )
    return url


def test_upgrade_makes_every_existing_comment_a_root(seeded):
    alembic_ok("upgrade", REVISION, database_url=seeded)
    kept = databases.execute(
        seeded,
        "SELECT id, content, commenter_id, parent_id, thread_id, path, reply_count, deleted_at"
        " FROM comments ORDER BY id",
    )
    assert kept == [(*comment, None, None, None, 0, None) for comment in COMMENTS]


def test_downgrade_keeps_every_comment_replies_included(seeded):
    alembic_ok("upgrade", REVISION, database_url=seeded)
    execute_all(
        seeded,
        ("UPDATE comments SET reply_count = 1 WHERE id = 1", {}),
        (
            "INSERT INTO comments (id, content, commenter_id, parent_id, thread_id, path)"
            " VALUES (3, 'an answer', 1, 1, 1, '0000000003')",
            {},
        ),
    )
    alembic_ok("downgrade", BEFORE, database_url=seeded)
    columns = column_names(seeded, "comments")
    kept = databases.execute(seeded, "SELECT id, content, commenter_id FROM comments ORDER BY id")
    assert (
        kept,
        columns & {"parent_id", "thread_id", "path", "reply_count", "deleted_at", "deleted_by"},
    ) == (
        [*COMMENTS, (3, "an answer", 1)],
        set(),
    )
    # And up again: the rows still there, as roots.
    alembic_ok("upgrade", REVISION, database_url=seeded)
    assert [
        row[0]
        for row in databases.execute(seeded, "SELECT id FROM comments WHERE parent_id IS NULL ORDER BY id")
    ] == [1, 2, 3]

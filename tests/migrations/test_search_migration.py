"""Revision 8a3f6c2d9e41 (full-text search) on a throwaway SQLite file that already holds
comments: the FTS5 index built from them, kept by triggers whoever writes, every row kept on
the way up and on the way down. (MariaDB: tests/mysql/test_search_migration_mariadb.py.)"""

import pytest

from tests.support.databases import execute
from tests.support.in_process import alembic_ok

BEFORE = "3b7d9e2f4a61"
REVISION = "8a3f6c2d9e41"
COMMENTS = [(1, "Un café crème", 1), (2, "東京タワー 🙂", None), (3, "plain words", 1)]
TRIGGERS = {"comments_fts_after_insert", "comments_fts_after_delete", "comments_fts_after_update"}


def matches(url, query):
    return [
        row[0] for row in execute(url, "SELECT rowid FROM comments_fts WHERE comments_fts MATCH :q", q=query)
    ]


def triggers(url):
    return {name for (name,) in execute(url, "SELECT name FROM sqlite_master WHERE type = 'trigger'")}


@pytest.fixture
def seeded(database_url, seeded_at):
    """A database at the revision before, holding a user and three comments."""
    url = seeded_at(database_url, BEFORE)
    execute(
        url, "INSERT INTO users (id, username, password_hash, session_secret) VALUES (1, 'bob', 'h', 's')"
    )
    for comment_id, content, commenter_id in COMMENTS:
        execute(
            url,
            "INSERT INTO comments (id, content, commenter_id) VALUES (:i, :c, :u)",
            i=comment_id,
            c=content,
            u=commenter_id,
        )
    return url


def test_upgrade_keeps_every_comment_and_indexes_them_all(seeded):
    alembic_ok("upgrade", REVISION)
    assert execute(seeded, "SELECT id, content, commenter_id FROM comments ORDER BY id") == COMMENTS
    assert (matches(seeded, "cafe"), matches(seeded, '"東京"*'), matches(seeded, "words")) == ([1], [2], [3])
    execute(
        seeded, "INSERT INTO comments_fts (comments_fts) VALUES ('integrity-check')"
    )  # raises if out of step


def test_writes_from_any_connection_keep_the_index_in_step(seeded):
    alembic_ok("upgrade", REVISION)
    # Plain SQL, as the sqlite3 shell or a script would write: the triggers do the rest.
    execute(seeded, "INSERT INTO comments (id, content) VALUES (4, 'inserted later')")
    execute(seeded, "UPDATE comments SET content = 'changed words' WHERE id = 3")
    execute(seeded, "DELETE FROM comments WHERE id = 1")
    assert (
        matches(seeded, "later"),
        matches(seeded, "plain"),
        matches(seeded, "changed"),
        matches(seeded, "cafe"),
    ) == (
        [4],
        [],
        [3],
        [],
    )
    execute(seeded, "INSERT INTO comments_fts (comments_fts) VALUES ('integrity-check')")


def test_downgrade_keeps_every_comment_and_drops_the_index(seeded):
    alembic_ok("upgrade", REVISION)
    alembic_ok("downgrade", BEFORE)
    tables = {
        name for (name,) in execute(seeded, "SELECT name FROM sqlite_master WHERE name LIKE 'comments_fts%'")
    }
    assert execute(seeded, "SELECT id, content, commenter_id FROM comments ORDER BY id") == COMMENTS
    assert (tables, triggers(seeded)) == (set(), set())
    alembic_ok("upgrade", REVISION)  # and up again
    assert matches(seeded, "crème") == [1]


def test_the_head_revision_keeps_the_triggers(tmp_path, monkeypatch):
    """A later revision that recreates ``comments`` on SQLite (batch mode) drops its
    triggers with the old table; it must make them again, or the index falls behind."""
    url = f"sqlite:///{tmp_path / 'head.sqlite'}"
    monkeypatch.setenv("SCRATCHPAD_DATABASE_URL", url)
    alembic_ok("upgrade", "head")
    assert triggers(url) >= TRIGGERS

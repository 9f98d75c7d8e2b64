"""Full-text search over the comments' text: an FTS5 index on SQLite, FULLTEXT on MariaDB.

Revision ID: 8a3f6c2d9e41
Revises: 3b7d9e2f4a61
Create Date: 2026-12-04 19:45:00

SQLite: ``comments_fts`` is an FTS5 table with external content (it stores the index only,
reading the text from ``comments``), kept in step by triggers, so every write to
``comments`` updates it, whoever makes it: the app, ``scratchpad-admin``, a Core bulk insert
or the sqlite3 shell. ``unicode61 remove_diacritics 2`` folds case and accents (café finds
cafe). Not ``trigram``: on SQLite before 3.45 it cannot fold accents, it matches inside words
(cat would find concatenate, unlike MariaDB), it cannot use the index for a query shorter
than three characters (most Chinese and Japanese words are two), and its index is several
times larger.

MariaDB: a FULLTEXT index on ``comments.content``, which InnoDB keeps itself.

Both are built from the rows already there. A later revision that recreates ``comments`` on
SQLite (alembic's batch mode copies the table and drops the old one, and its triggers with
it) must create the triggers again: tests/migrations/test_search_migration.py checks that the
head revision has them.
"""

from alembic import op

revision = "8a3f6c2d9e41"
down_revision = "3b7d9e2f4a61"
branch_labels = None
depends_on = None

SQLITE_UPGRADE = (
    "CREATE VIRTUAL TABLE comments_fts USING fts5(content, content='comments', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER comments_fts_after_insert AFTER INSERT ON comments BEGIN "
    "INSERT INTO comments_fts (rowid, content) VALUES (new.id, new.content); END",
    "CREATE TRIGGER comments_fts_after_delete AFTER DELETE ON comments BEGIN "
    "INSERT INTO comments_fts (comments_fts, rowid, content) VALUES ('delete', old.id, old.content); END",
    "CREATE TRIGGER comments_fts_after_update AFTER UPDATE OF id, content ON comments BEGIN "
    "INSERT INTO comments_fts (comments_fts, rowid, content) VALUES ('delete', old.id, old.content); "
    "INSERT INTO comments_fts (rowid, content) VALUES (new.id, new.content); END",
    # The rows already there.
    "INSERT INTO comments_fts (comments_fts) VALUES ('rebuild')",
)
SQLITE_DOWNGRADE = (
    "DROP TRIGGER comments_fts_after_update",
    "DROP TRIGGER comments_fts_after_delete",
    "DROP TRIGGER comments_fts_after_insert",
    "DROP TABLE comments_fts",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_UPGRADE:
            op.execute(statement)
    else:
        op.create_index("ft_comments_content", "comments", ["content"], mysql_prefix="FULLTEXT")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_DOWNGRADE:
            op.execute(statement)
    else:
        op.drop_index("ft_comments_content", table_name="comments")

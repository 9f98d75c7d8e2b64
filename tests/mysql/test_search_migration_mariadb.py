"""Revision 8a3f6c2d9e41 (full-text search) on a real MariaDB holding comments: the FULLTEXT
index built from them, every row kept on the way up and on the way down."""

import pytest

from tests.support.in_process import alembic

pytestmark = pytest.mark.mysql

BEFORE = "3b7d9e2f4a61"
REVISION = "8a3f6c2d9e41"
COMMENTS = [(1, "Un café crème"), (2, "東京タワー"), (3, "plain words")]


def matches(server, database, against):
    return server.rows(
        database,
        f"SELECT id FROM comments WHERE MATCH (content) AGAINST ('{against}' IN BOOLEAN MODE) ORDER BY id",
    )


def fulltext_indexes(server, database):
    return server.rows(
        database,
        "SELECT INDEX_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() "
        "AND TABLE_NAME = 'comments' AND INDEX_TYPE = 'FULLTEXT'",
    )


def test_the_search_revision_indexes_existing_rows_and_keeps_them_both_ways(mariadb_server, database_at):
    database = "search_migration_test"
    url = database_at(
        database,
        BEFORE,
        *[
            f"INSERT INTO comments (id, content) VALUES ({comment_id}, '{content}')"
            for comment_id, content in COMMENTS
        ],
    )
    upgraded = alembic("upgrade", REVISION, database_url=url)
    found = [matches(mariadb_server, database, words) for words in ("+cafe", "+東京*", '+"plain words"')]
    index_after_upgrade = fulltext_indexes(mariadb_server, database)
    downgraded = alembic("downgrade", BEFORE, database_url=url)
    kept = mariadb_server.rows(database, "SELECT id, content FROM comments ORDER BY id")
    assert (upgraded.returncode, downgraded.returncode) == (0, 0), upgraded.stderr + downgraded.stderr
    assert (found, index_after_upgrade) == ([[(1,)], [(2,)], [(3,)]], [("ft_comments_content",)])
    assert (kept, fulltext_indexes(mariadb_server, database)) == (COMMENTS, [])

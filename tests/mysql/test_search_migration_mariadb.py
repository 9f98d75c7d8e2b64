"""Revision 8a3f6c2d9e41 (full-text search) on a real MariaDB holding comments: the FULLTEXT
index built from them, every row kept on the way up and on the way down."""

import pytest

from tests.support.commands import alembic

pytestmark = pytest.mark.mysql

BEFORE = "3b7d9e2f4a61"
REVISION = "8a3f6c2d9e41"
COMMENTS = [(1, "Un café crème"), (2, "東京タワー"), (3, "plain words")]


def query(server, database, sql):
    with server.connect(database=database) as connection:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            found = cursor.fetchall()
        connection.commit()
    return [tuple(row) for row in found]


def matches(server, database, against):
    return query(
        server,
        database,
        f"SELECT id FROM comments WHERE MATCH (content) AGAINST ('{against}' IN BOOLEAN MODE) ORDER BY id",
    )


def fulltext_indexes(server, database):
    return query(
        server,
        database,
        "SELECT INDEX_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() "
        "AND TABLE_NAME = 'comments' AND INDEX_TYPE = 'FULLTEXT'",
    )


def test_the_search_revision_indexes_existing_rows_and_keeps_them_both_ways(mariadb_server):
    database = "search_migration_test"
    mariadb_server.create_database(database)
    url = mariadb_server.url(database)
    assert alembic("upgrade", BEFORE, database_url=url).returncode == 0
    for comment_id, content in COMMENTS:
        query(
            mariadb_server, database, f"INSERT INTO comments (id, content) VALUES ({comment_id}, '{content}')"
        )
    upgraded = alembic("upgrade", REVISION, database_url=url)
    found = [matches(mariadb_server, database, words) for words in ("+cafe", "+東京*", '+"plain words"')]
    index_after_upgrade = fulltext_indexes(mariadb_server, database)
    downgraded = alembic("downgrade", BEFORE, database_url=url)
    kept = query(mariadb_server, database, "SELECT id, content FROM comments ORDER BY id")
    assert (upgraded.returncode, downgraded.returncode) == (0, 0), upgraded.stderr + downgraded.stderr
    assert (found, index_after_upgrade) == ([[(1,)], [(2,)], [(3,)]], [("ft_comments_content",)])
    assert (kept, fulltext_indexes(mariadb_server, database)) == (COMMENTS, [])

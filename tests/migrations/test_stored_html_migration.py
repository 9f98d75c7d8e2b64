"""Revision 5e1f0c9a7b3d (stored HTML) on a throwaway SQLite file that already holds comments:
every row kept on the way up and on the way down. (MariaDB: tests/mysql.)"""

import pytest
import sqlalchemy as sa

from tests.support.databases import column_names, connected, execute
from tests.support.in_process import alembic_ok

BEFORE = "5f3a9c1e7b20"
REVISION = "5e1f0c9a7b3d"
COMMENTS = [(1, "hi *there*", 1), (2, "Caf\N{LATIN SMALL LETTER E WITH ACUTE} \N{GRINNING FACE}", None)]


@pytest.fixture
def seeded(database_url, seeded_at):
    """A database at the revision before, holding a user and two comments."""
    url = seeded_at(database_url, BEFORE)
    with connected(url) as connection:
        connection.execute(
            sa.text(
                "INSERT INTO users (id, username, password_hash, session_secret) VALUES (1, 'bob', 'h', 's')"
            )
        )
        for comment_id, content, commenter_id in COMMENTS:
            connection.execute(
                sa.text("INSERT INTO comments (id, content, commenter_id) VALUES (:i, :c, :u)"),
                dict(i=comment_id, c=content, u=commenter_id),
            )
    return url


def test_upgrade_keeps_every_comment_with_no_html_yet(seeded):
    alembic_ok("upgrade", REVISION)
    assert execute(
        seeded, "SELECT id, content, commenter_id, html, html_version FROM comments ORDER BY id"
    ) == [(*comment, None, None) for comment in COMMENTS]


def test_downgrade_keeps_every_comment_and_drops_the_columns(seeded):
    alembic_ok("upgrade", REVISION)
    alembic_ok("downgrade", BEFORE)
    columns = column_names(seeded, "comments")
    kept = execute(seeded, "SELECT id, content, commenter_id FROM comments ORDER BY id")
    assert (kept, columns & {"html", "html_version"}) == (COMMENTS, set())

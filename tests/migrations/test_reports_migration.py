"""Revision b4c8e1a2d7f9 (reports, comments.waiting_since; issue 15, lines 3 and 4) on a
throwaway SQLite file and on the run's throwaway MariaDB: every comment kept both ways, none
waiting after the upgrade, one open report per member and comment, and SQLite's search
triggers still there after the downgrade (no batch copy of ``comments``)."""

import pytest
import sqlalchemy as sa

from tests.support import databases
from tests.support.databases import column_names, connected
from tests.support.in_process import alembic_ok

BEFORE = "b7d41e9c2a58"
REVISION = "b4c8e1a2d7f9"
COMMENTS = [
    (1, "hi *there*", 1, None),
    (2, "Caf\N{LATIN SMALL LETTER E WITH ACUTE} \N{GRINNING FACE}", None, 1),
]
REPORT = (
    "INSERT INTO reports (comment_id, reporter_id, reason, details, reported_at, is_open)"
    " VALUES (1, 2, 'spam', '', '2026-12-04 10:00:00', :is_open)"
)


def execute_all(url, *statements):
    """Each (SQL, parameters) of ``statements`` on ``url``, in one transaction."""
    with connected(url) as connection:
        for sql, params in statements:
            connection.execute(sa.text(sql), params)


def seed_before(seeded_at, url):
    """The empty database at ``url`` brought to the revision before, holding two users, a
    comment and a reply to it."""
    seeded_at(url, BEFORE)
    execute_all(
        url,
        (
            "INSERT INTO users (id, username, password_hash, session_secret)"
            " VALUES (1, 'bob', 'h', 's'), (2, 'carol', 'h', 't')",
            {},
        ),
        *[
            (
                "INSERT INTO comments (id, content, commenter_id, parent_id, thread_id, path, reply_count)"
                " VALUES (:i, :c, :u, :p, :p, :path, :count)",
                dict(i=i, c=c, u=1, p=p, path=None if p is None else f"{i:010d}", count=0 if p else 1),
            )
            for i, c, _, p in COMMENTS
        ],
    )
    return url


@pytest.fixture
def seeded(empty_database_url, seeded_at):
    """``seed_before`` on a throwaway SQLite file, or on a new database of the run's MariaDB."""
    return seed_before(seeded_at, empty_database_url)


def kept_comments(url):
    return databases.execute(
        url, "SELECT id, content, commenter_id, parent_id, reply_count FROM comments ORDER BY id"
    )


EXPECTED = [(1, "hi *there*", 1, None, 1), (2, COMMENTS[1][1], 1, 1, 0)]


def test_upgrade_keeps_every_comment_and_none_waits(seeded):
    alembic_ok("upgrade", REVISION, database_url=seeded)
    assert kept_comments(seeded) == EXPECTED
    assert databases.execute(seeded, "SELECT waiting_since FROM comments") == [(None,), (None,)]


def test_one_open_report_per_member_and_comment_any_number_resolved(seeded):
    alembic_ok("upgrade", REVISION, database_url=seeded)
    execute_all(seeded, (REPORT, {"is_open": True}))
    with pytest.raises(sa.exc.IntegrityError):
        execute_all(seeded, (REPORT, {"is_open": True}))
    execute_all(seeded, (REPORT, {"is_open": None}), (REPORT, {"is_open": None}))
    assert databases.execute(seeded, "SELECT COUNT(*) FROM reports") == [(3,)]


def test_a_report_outlives_its_comment_and_goes_with_its_reporter(seeded):
    alembic_ok("upgrade", REVISION, database_url=seeded)
    execute_all(seeded, (REPORT.replace("VALUES (1,", "VALUES (2,"), {"is_open": True}))
    with connected(seeded) as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.execute(sa.text("UPDATE comments SET reply_count = 0 WHERE id = 1"))
        connection.execute(sa.text("DELETE FROM comments WHERE id = 2"))
    assert databases.execute(seeded, "SELECT comment_id, reporter_id FROM reports") == [(None, 2)]
    with connected(seeded) as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.execute(sa.text("DELETE FROM users WHERE id = 2"))
    assert databases.execute(seeded, "SELECT COUNT(*) FROM reports") == [(0,)]


def test_downgrade_keeps_every_comment_and_drops_the_new_parts(seeded):
    alembic_ok("upgrade", REVISION, database_url=seeded)
    execute_all(
        seeded,
        (REPORT, {"is_open": True}),
        ("UPDATE comments SET waiting_since = '2026-12-04 10:00:00' WHERE id = 2", {}),
    )
    alembic_ok("downgrade", BEFORE, database_url=seeded)
    with connected(seeded) as connection:
        tables = set(sa.inspect(connection).get_table_names())
    assert (
        kept_comments(seeded),
        "reports" in tables,
        "waiting_since" in column_names(seeded, "comments"),
    ) == (
        EXPECTED,
        False,
        False,
    )
    alembic_ok("upgrade", REVISION, database_url=seeded)
    assert kept_comments(seeded) == EXPECTED


def test_sqlite_search_still_follows_the_comments_after_the_downgrade(tmp_path, seeded_at):
    # SQLite only: MariaDB's FULLTEXT index is part of the table, which no revision copies.
    seeded = seed_before(seeded_at, f"sqlite:///{tmp_path / 'reports.sqlite'}")
    alembic_ok("upgrade", REVISION, database_url=seeded)
    alembic_ok("downgrade", BEFORE, database_url=seeded)
    execute_all(seeded, ("UPDATE comments SET content = 'needle' WHERE id = 1", {}))
    found = databases.execute(seeded, "SELECT rowid FROM comments_fts WHERE comments_fts MATCH 'needle'")
    assert found == [(1,)]

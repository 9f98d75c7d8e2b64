"""Revision 3b7d9e2f4a61 (threads, issue 14) on a database that already holds comments, on a
throwaway SQLite file and on the run's throwaway MariaDB: every existing comment becomes a
root, every row is kept on the way up and on the way down (replies included)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
ALEMBIC = Path(sys.executable).parent / "alembic"
BEFORE = "7c2d4e6f8a10"
REVISION = "3b7d9e2f4a61"
COMMENTS = [(1, "hi *there*", 1), (2, "Caf\N{LATIN SMALL LETTER E WITH ACUTE} \N{GRINNING FACE}", None)]


def alembic_ok(url, *args):
    result = subprocess.run(
        [str(ALEMBIC), "-c", "testing.ini", *args],
        cwd=ROOT,
        env={**os.environ, "SCRATCHPAD_DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def rows(url, sql):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(sa.text(sql))]
    finally:
        engine.dispose()


def execute(url, *statements):
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            for sql, params in statements:
                connection.execute(sa.text(sql), params)
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("mariadb", marks=pytest.mark.mysql)])
def seeded(request, tmp_path):
    """A database at the revision before, holding a user and two comments."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'threads.sqlite'}"
    else:
        server = request.getfixturevalue("mariadb_server")
        name = f"threads_migration_{secrets.token_hex(4)}"  # a database per test
        server.create_database(name)
        url = server.url(name)
    alembic_ok(url, "upgrade", BEFORE)
    execute(
        url,
        ("INSERT INTO users (id, username, password_hash, session_secret) VALUES (1, 'bob', 'h', 's')", {}),
        *[
            ("INSERT INTO comments (id, content, commenter_id) VALUES (:i, :c, :u)", dict(i=i, c=c, u=u))
            for i, c, u in COMMENTS
        ],
    )
    yield url
    alembic_ok(url, "downgrade", "base")


def test_upgrade_makes_every_existing_comment_a_root(seeded):
    alembic_ok(seeded, "upgrade", REVISION)
    kept = rows(
        seeded,
        "SELECT id, content, commenter_id, parent_id, thread_id, path, reply_count, deleted_at"
        " FROM comments ORDER BY id",
    )
    assert kept == [(*comment, None, None, None, 0, None) for comment in COMMENTS]


def test_downgrade_keeps_every_comment_replies_included(seeded):
    alembic_ok(seeded, "upgrade", REVISION)
    execute(
        seeded,
        ("UPDATE comments SET reply_count = 1 WHERE id = 1", {}),
        (
            "INSERT INTO comments (id, content, commenter_id, parent_id, thread_id, path)"
            " VALUES (3, 'an answer', 1, 1, 1, '0000000003')",
            {},
        ),
    )
    alembic_ok(seeded, "downgrade", BEFORE)
    engine = sa.create_engine(seeded)
    try:
        columns = {column["name"] for column in sa.inspect(engine).get_columns("comments")}
    finally:
        engine.dispose()
    kept = rows(seeded, "SELECT id, content, commenter_id FROM comments ORDER BY id")
    assert (
        kept,
        columns & {"parent_id", "thread_id", "path", "reply_count", "deleted_at", "deleted_by"},
    ) == (
        [*COMMENTS, (3, "an answer", 1)],
        set(),
    )
    # And up again: the rows still there, as roots.
    alembic_ok(seeded, "upgrade", REVISION)
    assert [
        row[0] for row in rows(seeded, "SELECT id FROM comments WHERE parent_id IS NULL ORDER BY id")
    ] == [1, 2, 3]

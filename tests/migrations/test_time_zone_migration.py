"""Revision c5a9e2f17b3d (users.time_zone) with the real ``alembic`` command, on a throwaway
SQLite file and on the run's MariaDB: every row kept both ways, nobody given a zone by the
upgrade, ids still never reused after SQLite copies the users table."""

import pytest

from tests.support.databases import execute_each
from tests.support.in_process import alembic, alembic_ok

BEFORE = "c5d2a9e7f013"
REVISION = "c5a9e2f17b3d"

SEED = (
    "INSERT INTO users (id, username, password_hash, session_secret, role, email) VALUES "
    "(1, 'bob', 'h', 's1', 'admin', 'bob@example.org'), (3, 'carol', 'h', 's3', 'member', NULL)",
    "INSERT INTO comments (id, content, commenter_id) VALUES (1, 'hi', 1), (2, 'ho', 3)",
)
USERS = "SELECT id, username, password_hash, session_secret, role, email FROM users ORDER BY id"
COMMENTS = "SELECT id, content, commenter_id FROM comments ORDER BY id"
KEPT_USERS = [(1, "bob", "h", "s1", "admin", "bob@example.org"), (3, "carol", "h", "s3", "member", None)]
KEPT_COMMENTS = [(1, "hi", 1), (2, "ho", 3)]
CAROL_IN_TOKYO = "UPDATE users SET time_zone = 'Asia/Tokyo' WHERE id = 3"


@pytest.fixture
def seeded(database_url, seeded_at):
    return seeded_at(database_url, BEFORE, *SEED)


def test_upgrade_keeps_every_row_and_gives_nobody_a_zone(seeded):
    alembic_ok("upgrade", REVISION)
    users, comments, zones = execute_each(seeded, USERS, COMMENTS, "SELECT time_zone FROM users")
    assert (users, comments, zones) == (KEPT_USERS, KEPT_COMMENTS, [(None,), (None,)])


def test_after_the_upgrade_a_zone_is_kept(seeded):
    alembic_ok("upgrade", REVISION)
    execute_each(seeded, CAROL_IN_TOKYO)
    assert execute_each(seeded, "SELECT id, time_zone FROM users ORDER BY id")[0] == [
        (1, None),
        (3, "Asia/Tokyo"),
    ]


def test_downgrade_keeps_every_row_and_drops_the_column(seeded, after_downgrade):
    left = after_downgrade(seeded, BEFORE, REVISION, CAROL_IN_TOKYO)
    users, comments = execute_each(seeded, USERS, COMMENTS)
    assert (users, comments, "time_zone" in left.user_columns, left.autoincrement) == (
        KEPT_USERS,
        KEPT_COMMENTS,
        False,
        True,
    )


def test_upgrade_works_again_after_the_downgrade(seeded, round_trip):
    round_trip(BEFORE, REVISION)
    assert execute_each(seeded, USERS, "SELECT time_zone FROM users") == [KEPT_USERS, [(None,), (None,)]]


@pytest.mark.mysql
def test_the_revision_keeps_every_row_both_ways_on_mariadb(mariadb_server):
    database = "time_zone_migration_test"
    mariadb_server.create_database(database)
    url = mariadb_server.url(database)
    assert alembic("upgrade", BEFORE, database_url=url).returncode == 0
    for statement in SEED:
        mariadb_server.rows(database, statement)
    upgraded = alembic("upgrade", REVISION, database_url=url)
    mariadb_server.rows(database, CAROL_IN_TOKYO)
    after_upgrade = mariadb_server.rows(database, "SELECT username, time_zone FROM users ORDER BY id")
    downgraded = alembic("downgrade", BEFORE, database_url=url)
    assert (upgraded.returncode, downgraded.returncode) == (0, 0), upgraded.stderr + downgraded.stderr
    assert (
        after_upgrade,
        mariadb_server.rows(database, USERS),
        mariadb_server.rows(database, COMMENTS),
        "time_zone" in [row[0] for row in mariadb_server.rows(database, "SHOW COLUMNS FROM users")],
    ) == ([("bob", None), ("carol", "Asia/Tokyo")], KEPT_USERS, KEPT_COMMENTS, False)

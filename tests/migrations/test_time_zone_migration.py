"""Revision c5a9e2f17b3d (users.time_zone) with the real ``alembic`` command, on a throwaway
SQLite file and on the run's MariaDB: every row kept both ways, nobody given a zone by the
upgrade, ids still never reused after SQLite copies the users table."""

import pytest

from tests.support.databases import execute_each
from tests.support.in_process import alembic_ok
from tests.support.migration_rows import (
    COMMENTS,
    KEPT_COMMENTS,
    KEPT_USERS,
    PEOPLE,
    USERS,
    on_mariadb_both_ways,
)

BEFORE = "c5d2a9e7f013"
REVISION = "c5a9e2f17b3d"
CAROL_IN_TOKYO = "UPDATE users SET time_zone = 'Asia/Tokyo' WHERE id = 3"


@pytest.fixture
def seeded(database_url, seeded_at):
    return seeded_at(database_url, BEFORE, *PEOPLE)


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
    (after_upgrade,) = on_mariadb_both_ways(
        mariadb_server,
        database,
        BEFORE,
        REVISION,
        PEOPLE,
        [CAROL_IN_TOKYO],
        ["SELECT username, time_zone FROM users ORDER BY id"],
    )
    assert (
        after_upgrade,
        mariadb_server.rows(database, USERS),
        mariadb_server.rows(database, COMMENTS),
        "time_zone" in [row[0] for row in mariadb_server.rows(database, "SHOW COLUMNS FROM users")],
    ) == ([("bob", None), ("carol", "Asia/Tokyo")], KEPT_USERS, KEPT_COMMENTS, False)

"""Revision c5d2a9e7f013 (users.language) with the real ``alembic`` command on a throwaway
SQLite file: every row kept both ways, nobody given a language by the upgrade, ids still
never reused after the downgrade copies the users table."""

import pytest

from tests.support.databases import execute_each
from tests.support.in_process import alembic_ok
from tests.support.migration_rows import COMMENTS, KEPT_COMMENTS, KEPT_USERS, PEOPLE, USERS

BEFORE = "c7a2e95d41b8"
REVISION = "c5d2a9e7f013"


@pytest.fixture
def seeded(database_url, seeded_at):
    return seeded_at(database_url, BEFORE, *PEOPLE)


def test_upgrade_keeps_every_row_and_chooses_no_language(seeded):
    alembic_ok("upgrade", REVISION)
    users, comments, languages, ddl = execute_each(
        seeded,
        USERS,
        COMMENTS,
        "SELECT language FROM users",
        "SELECT sql FROM sqlite_master WHERE name = 'users'",
    )
    assert (users, comments, languages, "AUTOINCREMENT" in ddl[0][0]) == (
        KEPT_USERS,
        KEPT_COMMENTS,
        [(None,), (None,)],
        True,
    )


def test_a_chosen_language_is_stored(seeded):
    alembic_ok("upgrade", REVISION)
    execute_each(seeded, "UPDATE users SET language = 'ar' WHERE id = 3")
    assert execute_each(seeded, "SELECT id, language FROM users ORDER BY id")[0] == [(1, None), (3, "ar")]


def test_downgrade_keeps_every_row_and_drops_the_column(seeded, after_downgrade):
    left = after_downgrade(seeded, BEFORE, REVISION, "UPDATE users SET language = 'de' WHERE id = 1")
    users, comments = execute_each(seeded, USERS, COMMENTS)
    assert (users, comments, "language" in left.user_columns, left.autoincrement) == (
        KEPT_USERS,
        KEPT_COMMENTS,
        False,
        True,
    )


def test_upgrade_downgrade_upgrade_keeps_every_row(seeded, round_trip):
    round_trip(BEFORE, REVISION, seeded)
    assert execute_each(seeded, USERS, "SELECT language FROM users") == [KEPT_USERS, [(None,), (None,)]]

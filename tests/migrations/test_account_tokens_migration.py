"""Revision 7c2d4e6f8a10 (account_tokens, users.email) with the real ``alembic`` command on a
throwaway SQLite file: every row kept both ways, ids still never reused after the downgrade
copies the users table."""

import pytest
import sqlalchemy as sa

from tests.support.databases import connected, execute_each
from tests.support.in_process import alembic_ok

BEFORE = "5e1f0c9a7b3d"
REVISION = "7c2d4e6f8a10"


@pytest.fixture
def seeded(database_url, seeded_at):
    return seeded_at(
        database_url,
        BEFORE,
        "INSERT INTO users (id, username, password_hash, session_secret, role) VALUES (1, 'bob', 'h', 's1', 'admin'), (3, 'carol', 'h', 's3', 'member')",
        "INSERT INTO comments (id, content, commenter_id) VALUES (1, 'hi', 1), (2, 'ho', 3)",
    )


USERS = "SELECT id, username, password_hash, session_secret, role FROM users ORDER BY id"
COMMENTS = "SELECT id, content, commenter_id FROM comments ORDER BY id"


def test_upgrade_keeps_every_user_and_comment_with_no_email_or_last_login(seeded):
    alembic_ok("upgrade", REVISION)
    users, comments, emails = execute_each(
        seeded, USERS, COMMENTS, "SELECT email, email_confirmed_at, last_login_at FROM users"
    )
    assert (users, comments, emails) == (
        [(1, "bob", "h", "s1", "admin"), (3, "carol", "h", "s3", "member")],
        [(1, "hi", 1), (2, "ho", 3)],
        [(None, None, None), (None, None, None)],
    )


def test_tokens_are_stored_and_go_with_their_user(seeded):
    alembic_ok("upgrade", REVISION)
    execute_each(
        seeded,
        "INSERT INTO account_tokens (kind, token_hash, username, role, user_id, created_by, created_at, expires_at)"
        " VALUES ('reset', 'a', 'carol', 'member', 3, 'command line', '2026-12-04 10:00:00', '2026-12-05 10:00:00'),"
        " ('invitation', 'b', 'dave', 'member', NULL, 'bob', '2026-12-04 10:00:00', '2026-12-11 10:00:00')",
    )
    with connected(seeded) as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.execute(sa.text("UPDATE comments SET commenter_id = NULL WHERE commenter_id = 3"))
        connection.execute(sa.text("DELETE FROM users WHERE id = 3"))
    assert execute_each(seeded, "SELECT kind, username FROM account_tokens")[0] == [("invitation", "dave")]


def test_the_same_token_hash_cannot_be_stored_twice(seeded):
    alembic_ok("upgrade", REVISION)
    insert = (
        "INSERT INTO account_tokens (kind, token_hash, username, role, created_by, created_at, expires_at)"
        " VALUES ('invitation', 'same', 'x', 'member', 'bob', '2026-12-04 10:00:00', '2026-12-11 10:00:00')"
    )
    execute_each(seeded, insert)
    with pytest.raises(sa.exc.IntegrityError):
        execute_each(seeded, insert)


def test_downgrade_keeps_every_user_and_comment_and_drops_the_new_parts(seeded, after_downgrade):
    left = after_downgrade(
        seeded, BEFORE, REVISION, "UPDATE users SET email = 'bob@example.org' WHERE id = 1"
    )
    users, comments = execute_each(seeded, USERS, COMMENTS)
    assert (
        users,
        comments,
        "account_tokens" in left.tables,
        left.user_columns & {"email", "email_confirmed_at", "last_login_at"},
        left.autoincrement,
    ) == (
        [(1, "bob", "h", "s1", "admin"), (3, "carol", "h", "s3", "member")],
        [(1, "hi", 1), (2, "ho", 3)],
        False,
        set(),
        True,
    )


def test_upgrade_works_again_after_the_downgrade(seeded, round_trip):
    round_trip(BEFORE, REVISION)
    assert execute_each(seeded, "SELECT COUNT(*) FROM users")[0] == [(2,)]

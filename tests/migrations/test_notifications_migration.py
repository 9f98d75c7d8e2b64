"""Revision 4c8e2a7d1f35 (notifications, notification_feeds, an index for users' pages) with
the real ``alembic`` command, on SQLite and MariaDB: every row kept both ways, the new tables'
rows go with their user or comment, and the upgrade runs again after the downgrade."""

import pytest
import sqlalchemy as sa

from tests.support.databases import connected, execute
from tests.support.in_process import alembic_ok

BEFORE = "b4c8e1a2d7f9"
REVISION = "4c8e2a7d1f35"
USERS = "SELECT id, username, password_hash, session_secret, role FROM users ORDER BY id"
COMMENTS = "SELECT id, content, commenter_id, parent_id, thread_id FROM comments ORDER BY id"


@pytest.fixture
def seeded(empty_database_url, seeded_at):
    return seeded_at(
        empty_database_url,
        BEFORE,
        "INSERT INTO users (id, username, password_hash, session_secret, role)"
        " VALUES (1, 'bob', 'h', 's1', 'admin'), (3, 'carol', 'h', 's3', 'member')",
        "INSERT INTO comments (id, content, commenter_id, reply_count) VALUES (1, 'hi @carol', 1, 1)",
        "INSERT INTO comments (id, content, commenter_id, parent_id, thread_id, path, reply_count)"
        " VALUES (2, 'ho', 3, 1, 1, '0000000002', 0)",
    )


def kept(url):
    return execute(url, USERS), execute(url, COMMENTS)


SEEDED = (
    [(1, "bob", "h", "s1", "admin"), (3, "carol", "h", "s3", "member")],
    [(1, "hi @carol", 1, None, None), (2, "ho", 3, 1, 1)],
)


def tables_and_indexes(url):
    with connected(url) as connection:
        inspector = sa.inspect(connection)
        return (
            set(inspector.get_table_names()),
            {index["name"] for index in inspector.get_indexes("comments")},
        )


def test_upgrade_keeps_every_row_and_adds_the_tables_and_index(seeded):
    alembic_ok("upgrade", REVISION, database_url=seeded)
    tables, indexes = tables_and_indexes(seeded)
    assert (
        kept(seeded),
        {"notifications", "notification_feeds"} <= tables,
        "ix_comments_commenter_id_id" in indexes,
        execute(seeded, "SELECT COUNT(*) FROM notifications"),
    ) == (SEEDED, True, True, [(0,)])


def test_notifications_go_with_their_comment_and_feeds_with_their_user(seeded):
    alembic_ok("upgrade", REVISION, database_url=seeded)
    execute(
        seeded,
        "INSERT INTO notifications (recipient_id, comment_id, kind, created_at)"
        " VALUES (3, 1, 'mention', '2026-12-04 10:00:00'), (1, 2, 'reply', '2026-12-04 10:00:00')",
    )
    execute(
        seeded,
        "INSERT INTO notification_feeds (user_id, token_hash, created_at) VALUES (3, 'x', '2026-12-04 10:00:00')",
    )
    with connected(seeded) as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.execute(sa.text("DELETE FROM comments WHERE id = 2"))
        connection.execute(sa.text("UPDATE comments SET reply_count = 0, commenter_id = NULL WHERE id = 1"))
        connection.execute(sa.text("DELETE FROM users WHERE id = 3"))
    assert (
        execute(seeded, "SELECT recipient_id, comment_id, kind FROM notifications"),
        execute(seeded, "SELECT COUNT(*) FROM notification_feeds"),
    ) == ([], [(0,)])


def test_one_notification_per_recipient_and_comment(seeded):
    alembic_ok("upgrade", REVISION, database_url=seeded)
    insert = (
        "INSERT INTO notifications (recipient_id, comment_id, kind, created_at)"
        " VALUES (3, 1, 'mention', '2026-12-04 10:00:00')"
    )
    execute(seeded, insert)
    with pytest.raises(sa.exc.IntegrityError):
        execute(seeded, insert)


def test_downgrade_keeps_every_row_and_drops_the_new_parts(seeded):
    alembic_ok("upgrade", REVISION, database_url=seeded)
    execute(
        seeded,
        "INSERT INTO notifications (recipient_id, comment_id, kind, created_at)"
        " VALUES (3, 1, 'mention', '2026-12-04 10:00:00')",
    )
    alembic_ok("downgrade", BEFORE, database_url=seeded)
    tables, indexes = tables_and_indexes(seeded)
    assert (
        kept(seeded),
        tables & {"notifications", "notification_feeds"},
        "ix_comments_commenter_id_id" in indexes,
    ) == (SEEDED, set(), False)


def test_upgrade_works_again_after_the_downgrade(seeded, round_trip):
    round_trip(BEFORE, REVISION, seeded)
    assert kept(seeded) == SEEDED

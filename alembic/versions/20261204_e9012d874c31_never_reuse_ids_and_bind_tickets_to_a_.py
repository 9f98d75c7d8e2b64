"""Never reuse ids on SQLite, and bind auth tickets to a random per-user secret.

SQLite gives a deleted row's id to the next row unless the table is AUTOINCREMENT, so a
deleted user's saved cookie could log in as the next new user, and a deleted comment's
permalink, feed entry and log entries pointed at the next comment. SQLite cannot alter that
property, so users, comments and moderation_actions are copied into new tables (every row
kept, ids included). Their next ids start above every id used so far that the database still
knows of: comments also above every comment the moderation log names. InnoDB (MariaDB,
MySQL) never reuses AUTO_INCREMENT values and keeps its counter across restarts, so there
only the users table changes.

``users.session_generation`` (a counter starting at 0 for everyone) becomes
``users.session_secret``: random per user, so that a ticket can never match another user.
Every existing user gets a fresh secret, which ends every session: everyone logs in again
once after this upgrade, and again after a downgrade (the counters start over at 0).

Revision ID: e9012d874c31
Revises: cd820f7573a3
Create Date: 2026-12-04 16:30:00

"""

import secrets
from typing import Any

import sqlalchemy as sa

from alembic import op

revision = "e9012d874c31"
down_revision = "cd820f7573a3"
branch_labels = None
depends_on = None

#: Tables whose ids are seen or kept outside the row: in tickets, URLs, feeds and the log.
NEVER_REUSED = ("users", "comments", "moderation_actions")
users = sa.table("users", sa.column("id", sa.Integer), sa.column("session_secret", sa.String))


def is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def recreate_on_sqlite(table: str, autoincrement: bool) -> dict[str, Any]:
    """Batch options that copy ``table`` on SQLite with or without AUTOINCREMENT, and leave
    other backends to plain ALTERs."""
    if not is_sqlite():
        return {}
    return dict(recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement})


def upgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("session_secret", sa.String(length=64), nullable=True))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(users.c.id)).all():
        connection.execute(
            users.update().where(users.c.id == user_id).values(session_secret="s" + secrets.token_urlsafe(32))
        )
    with op.batch_alter_table("users", **recreate_on_sqlite("users", True)) as batch_op:
        batch_op.alter_column("session_secret", existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column("session_generation")
    if not is_sqlite():
        return
    for table in NEVER_REUSED[1:]:
        with op.batch_alter_table(table, **recreate_on_sqlite(table, True)):
            pass
    # A comment that is gone may still be named by the log: its id stays taken.
    highest = connection.scalar(
        sa.text(
            "SELECT max(id) FROM (SELECT max(id) AS id FROM comments "
            "UNION ALL SELECT max(comment_id) FROM moderation_actions)"
        )
    )
    if highest is not None:
        connection.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = 'comments'"))
        connection.execute(
            sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES ('comments', :seq)"), dict(seq=highest)
        )


def downgrade() -> None:
    with op.batch_alter_table("users", **recreate_on_sqlite("users", False)) as batch_op:
        batch_op.add_column(sa.Column("session_generation", sa.Integer(), server_default="0", nullable=False))
        batch_op.drop_column("session_secret")
    if is_sqlite():
        for table in NEVER_REUSED[1:]:
            with op.batch_alter_table(table, **recreate_on_sqlite(table, False)):
                pass

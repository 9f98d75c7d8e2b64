"""Suspensions (``users.suspended_until``) and admins' acts on users in the moderation log
(``moderation_actions.user_name`` and ``detail``; ``comment_id`` may be empty, for an entry
about a user rather than a comment).

Revision ID: b7d41e9c2a58
Revises: 8a3f6c2d9e41
Create Date: 2026-12-04 22:45:00

The upgrade only adds: every row is kept, nobody is suspended. The downgrade keeps every user
(their suspension lifted) and every entry about a comment; the entries about users have no
place in the older table (no comment to name) and go, the audit log still holding each act.
"""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from alembic import op

revision = "b7d41e9c2a58"
down_revision = "8a3f6c2d9e41"
branch_labels = None
depends_on = None

utc_datetime = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def keep_autoincrement() -> dict[str, Any]:
    """SQLite alters a table by copying it: keep its AUTOINCREMENT (ids never reused)."""
    if op.get_bind().dialect.name == "sqlite":
        return {"table_kwargs": {"sqlite_autoincrement": True}}
    return {}


def upgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("suspended_until", utc_datetime, nullable=True))
    with op.batch_alter_table("moderation_actions", **keep_autoincrement()) as batch_op:
        batch_op.add_column(sa.Column("user_name", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("detail", sa.String(length=64), nullable=True))
        batch_op.alter_column("comment_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM moderation_actions WHERE comment_id IS NULL")
    with op.batch_alter_table("moderation_actions", **keep_autoincrement()) as batch_op:
        batch_op.alter_column("comment_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("detail")
        batch_op.drop_column("user_name")
    with op.batch_alter_table("users", **keep_autoincrement()) as batch_op:
        batch_op.drop_column("suspended_until")

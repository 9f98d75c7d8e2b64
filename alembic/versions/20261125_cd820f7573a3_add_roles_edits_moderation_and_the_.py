"""Add user roles, comment edits and hiding, the moderation log, and the board revision.

Revision ID: cd820f7573a3
Revises: ff979404b286
Create Date: 2026-11-25 15:32:36

"""

import secrets
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from alembic import op

revision = "cd820f7573a3"
down_revision = "ff979404b286"
branch_labels = None
depends_on = None

utc_datetime = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
TABLE_OPTIONS: dict[str, Any] = dict(mysql_charset="utf8mb4", mysql_collate="utf8mb4_unicode_ci")


def upgrade() -> None:
    board_state = op.create_table(
        "board_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_state")),
        **TABLE_OPTIONS,
    )
    op.bulk_insert(board_state, [{"id": 1, "revision": secrets.randbits(62)}])
    op.create_table(
        "moderation_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("acted_at", utc_datetime, nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("moderator_id", sa.Integer(), nullable=True),
        sa.Column("moderator_name", sa.String(length=128), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("comment_author", sa.String(length=128), nullable=True),
        sa.Column("comment_excerpt", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["moderator_id"],
            ["users.id"],
            name=op.f("fk_moderation_actions_moderator_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_actions")),
        **TABLE_OPTIONS,
    )
    op.create_index("ix_moderation_actions_acted_at", "moderation_actions", ["acted_at"])
    with op.batch_alter_table("comments") as batch_op:
        batch_op.add_column(sa.Column("edited_at", utc_datetime, nullable=True))
        batch_op.add_column(sa.Column("hidden_at", utc_datetime, nullable=True))
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("role", sa.String(length=16), server_default="member", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("role")
    with op.batch_alter_table("comments") as batch_op:
        batch_op.drop_column("hidden_at")
        batch_op.drop_column("edited_at")
    op.drop_index("ix_moderation_actions_acted_at", table_name="moderation_actions")
    op.drop_table("moderation_actions")
    op.drop_table("board_state")

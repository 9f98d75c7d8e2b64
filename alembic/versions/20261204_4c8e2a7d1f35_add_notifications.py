"""Add notifications (replies and mentions a member is told about), notification_feeds (each
member's private feed address, its token stored as a sha256), and an index for a user's
comments page.

Revision ID: 4c8e2a7d1f35
Revises: b4c8e1a2d7f9
Create Date: 2026-12-04 22:40:00

Only adds: every existing row is kept, and nobody has notifications yet (comments written
before are not announced after the fact). The downgrade drops what was added, nothing else.
"""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from alembic import op

revision = "4c8e2a7d1f35"
down_revision = "b4c8e1a2d7f9"
branch_labels = None
depends_on = None

utc_datetime = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
TABLE_OPTIONS: dict[str, Any] = dict(
    mysql_charset="utf8mb4", mysql_collate="utf8mb4_unicode_ci", sqlite_autoincrement=True
)


def upgrade() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_at", utc_datetime, nullable=False),
        sa.Column("read_at", utc_datetime, nullable=True),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["users.id"],
            name=op.f("fk_notifications_recipient_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name=op.f("fk_notifications_comment_id_comments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("recipient_id", "comment_id", name="uq_notifications_recipient_id_comment_id"),
        **TABLE_OPTIONS,
    )
    op.create_index("ix_notifications_recipient_id_id", "notifications", ["recipient_id", "id"])
    op.create_index("ix_notifications_recipient_id_read_at", "notifications", ["recipient_id", "read_at"])
    op.create_index(op.f("ix_notifications_comment_id"), "notifications", ["comment_id"])
    op.create_table(
        "notification_feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", utc_datetime, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notification_feeds_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_feeds")),
        sa.UniqueConstraint("user_id", name=op.f("uq_notification_feeds_user_id")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_notification_feeds_token_hash")),
        **TABLE_OPTIONS,
    )
    op.create_index("ix_comments_commenter_id_id", "comments", ["commenter_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_comments_commenter_id_id", table_name="comments")
    op.drop_table("notification_feeds")
    op.drop_table("notifications")

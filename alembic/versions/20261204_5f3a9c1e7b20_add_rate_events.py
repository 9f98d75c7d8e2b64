"""Add rate_events: each user's posts, edits and deletions of the last minute.

Revision ID: 5f3a9c1e7b20
Revises: e9012d874c31
Create Date: 2026-12-04 16:45:00

"""

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from alembic import op

revision = "5f3a9c1e7b20"
down_revision = "e9012d874c31"
branch_labels = None
depends_on = None

utc_datetime = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade() -> None:
    op.create_table(
        "rate_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("at", utc_datetime, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_rate_events_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_events")),
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
    )
    op.create_index("ix_rate_events_user_id_action_at", "rate_events", ["user_id", "action", "at"])
    op.create_index("ix_rate_events_at", "rate_events", ["at"])


def downgrade() -> None:
    op.drop_table("rate_events")

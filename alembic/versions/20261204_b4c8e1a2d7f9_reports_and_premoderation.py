"""Reports of comments, and comments waiting for approval (issue 15, lines 3 and 4).

Revision ID: b4c8e1a2d7f9
Revises: b7d41e9c2a58
Create Date: 2026-12-04 22:40:00

``reports``: one row per member's report of a comment; ``comments.waiting_since``: set while
a newcomer's comment waits for an admin. Every existing comment is approved (NULL).

The column is added and dropped with plain ALTER TABLE on SQLite too (3.35 and later drop a
column in place), never batch mode: recreating ``comments`` would drop the search index's
triggers (20261204_8a3f6c2d9e41).
"""

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from alembic import op

revision = "b4c8e1a2d7f9"
down_revision = "b7d41e9c2a58"
branch_labels = None
depends_on = None

utc_datetime = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade() -> None:
    op.add_column("comments", sa.Column("waiting_since", utc_datetime, nullable=True))
    op.create_index("ix_comments_waiting_since", "comments", ["waiting_since"])
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=True),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("details", sa.String(500), nullable=False),
        sa.Column("reported_at", utc_datetime, nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=True),
        sa.Column("resolved_at", utc_datetime, nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolved_by", sa.String(128), nullable=True),
        sa.Column("resolution", sa.String(16), nullable=True),
        sa.ForeignKeyConstraint(
            ["comment_id"], ["comments.id"], name="fk_reports_comment_id_comments", ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"], ["users.id"], name="fk_reports_reporter_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"], ["users.id"], name="fk_reports_resolved_by_id_users", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_reports"),
        sa.UniqueConstraint(
            "comment_id", "reporter_id", "is_open", name="uq_reports_comment_id_reporter_id_is_open"
        ),
        sqlite_autoincrement=True,
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
    )
    op.create_index("ix_reports_is_open_id", "reports", ["is_open", "id"])
    op.create_index("ix_reports_reporter_id", "reports", ["reporter_id"])


def downgrade() -> None:
    op.drop_table("reports")
    op.drop_index("ix_comments_waiting_since", table_name="comments")
    op.drop_column("comments", "waiting_since")

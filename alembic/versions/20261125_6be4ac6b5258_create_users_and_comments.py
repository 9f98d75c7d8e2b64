"""Create users and comments.

Revision ID: 6be4ac6b5258
Revises:
Create Date: 2026-11-25 12:51:23

"""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from alembic import op

revision = "6be4ac6b5258"
down_revision = None
branch_labels = None
depends_on = None

# Every table in utf8mb4 on MySQL, whatever the database's default character set.
mysql_options: dict[str, Any] = {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci"}
# UTC, naive in the database; microseconds kept on MySQL, whose DATETIME drops them by default.
utc_datetime = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
# Usernames compare byte for byte on every backend; the app stores them in canonical form.
username = sa.String(length=128).with_variant(mysql.VARCHAR(128, collation="utf8mb4_bin"), "mysql", "mariadb")


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", username, nullable=False),
        sa.Column("password_hash", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
        **mysql_options,
    )
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content", sa.String(length=4096), nullable=False),
        sa.Column("posted_at", utc_datetime, nullable=True),
        sa.Column("commenter_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["commenter_id"], ["users.id"], name=op.f("fk_comments_commenter_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
        **mysql_options,
    )
    op.create_index(op.f("ix_comments_posted_at"), "comments", ["posted_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_comments_posted_at"), table_name="comments")
    op.drop_table("comments")
    op.drop_table("users")

"""Add account_tokens (invitation and password-reset links, stored as hashes), each user's
email for notifications (unconfirmed) and the time of their last login.

Revision ID: 7c2d4e6f8a10
Revises: 5e1f0c9a7b3d
Create Date: 2026-12-04 19:50:00

Both changes only add: every existing row is kept; existing users have no email and no
known last login.
"""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from alembic import op

revision = "7c2d4e6f8a10"
down_revision = "5e1f0c9a7b3d"
branch_labels = None
depends_on = None

utc_datetime = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
# As models/user.py's username_type: compared byte for byte on MySQL too.
username_type = sa.String(128).with_variant(mysql.VARCHAR(128, collation="utf8mb4_bin"), "mysql", "mariadb")


def upgrade() -> None:
    op.create_table(
        "account_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("username", username_type, nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", utc_datetime, nullable=False),
        sa.Column("expires_at", utc_datetime, nullable=False),
        sa.Column("used_at", utc_datetime, nullable=True),
        sa.Column("revoked_at", utc_datetime, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_account_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_account_tokens_token_hash")),
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
        sqlite_autoincrement=True,
    )
    op.create_index("ix_account_tokens_kind_username", "account_tokens", ["kind", "username"])
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("email_confirmed_at", utc_datetime, nullable=True))
        batch_op.add_column(sa.Column("last_login_at", utc_datetime, nullable=True))


def downgrade() -> None:
    # SQLite drops a column by copying the table: keep its AUTOINCREMENT (ids never reused).
    sqlite = op.get_bind().dialect.name == "sqlite"
    options: dict[str, Any] = {"table_kwargs": {"sqlite_autoincrement": True}} if sqlite else {}
    with op.batch_alter_table("users", **options) as batch_op:
        batch_op.drop_column("last_login_at")
        batch_op.drop_column("email_confirmed_at")
        batch_op.drop_column("email")
    op.drop_table("account_tokens")

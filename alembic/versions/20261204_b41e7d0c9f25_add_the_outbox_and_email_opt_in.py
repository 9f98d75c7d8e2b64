"""Add the outbox (mail waiting for ``scratchpad-admin CONFIG mail send``) and each user's
opt-in to notifications by email.

Revision ID: b41e7d0c9f25
Revises: 4c8e2a7d1f35
Create Date: 2026-12-04 22:40:00

Both changes only add: every existing row is kept; existing users have not opted in (off by
default, the issue's rule), and nothing is queued.
"""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from alembic import op

revision = "b41e7d0c9f25"
down_revision = "4c8e2a7d1f35"
branch_labels = None
depends_on = None

utc_datetime = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def sqlite_copy_options() -> dict[str, Any]:
    """What SQLite's copy of the users table needs to stay AUTOINCREMENT."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    return {"table_kwargs": {"sqlite_autoincrement": True}} if sqlite else {}


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column("unsubscribe_url", sa.String(length=1024), nullable=True),
        sa.Column("created_at", utc_datetime, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", utc_datetime, nullable=True),
        sa.Column("last_error", sa.String(length=255), nullable=True),
        sa.Column("sent_at", utc_datetime, nullable=True),
        sa.Column("given_up_at", utc_datetime, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_outbox_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
        sqlite_autoincrement=True,
    )
    op.create_index("ix_outbox_next_attempt_at", "outbox", ["next_attempt_at"])
    op.create_index(op.f("ix_outbox_user_id"), "outbox", ["user_id"])
    # SQLite adds a NOT NULL column by copying the table: keep its AUTOINCREMENT (ids never reused).
    with op.batch_alter_table("users", **sqlite_copy_options()) as batch_op:
        batch_op.add_column(
            sa.Column("email_notifications", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    # SQLite drops a column by copying the table: keep its AUTOINCREMENT (ids never reused).
    with op.batch_alter_table("users", **sqlite_copy_options()) as batch_op:
        batch_op.drop_column("email_notifications")
    # Its indexes go with it (MariaDB refuses to drop the foreign key's index on its own).
    op.drop_table("outbox")

"""Add each member's chosen language (users.language, NULL: as their browser asks).

Revision ID: c5d2a9e7f013
Revises: c7a2e95d41b8
Create Date: 2026-12-05 04:20:00

Only adds a nullable column: every row is kept, and every existing member goes on reading
the board in their browser's language until they choose one on their account page.
"""

from typing import Any

import sqlalchemy as sa

from alembic import op

revision = "c5d2a9e7f013"
down_revision = "c7a2e95d41b8"
branch_labels = None
depends_on = None


def sqlite_copy_options() -> dict[str, Any]:
    """What SQLite's copy of the users table needs to stay AUTOINCREMENT."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    return {"table_kwargs": {"sqlite_autoincrement": True}} if sqlite else {}


def upgrade() -> None:
    with op.batch_alter_table("users", **sqlite_copy_options()) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=16), nullable=True))


def downgrade() -> None:
    # SQLite drops a column by copying the table: keep its AUTOINCREMENT (ids never reused).
    with op.batch_alter_table("users", **sqlite_copy_options()) as batch_op:
        batch_op.drop_column("language")

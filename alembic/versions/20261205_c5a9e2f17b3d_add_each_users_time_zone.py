"""Add each user's time zone: the zone the pages show them times in (scratchpad/i18n/time_zones.py).

Revision ID: c5a9e2f17b3d
Revises: c5d2a9e7f013
Create Date: 2026-12-05 04:30:00

Only adds a nullable column: every row is kept, and nobody has chosen a zone yet (NULL: the
board's default, UTC, or the zone their browser's cookie names).
"""

from typing import Any

import sqlalchemy as sa

from alembic import op

revision = "c5a9e2f17b3d"
down_revision = "c5d2a9e7f013"
branch_labels = None
depends_on = None


def sqlite_copy_options() -> dict[str, Any]:
    """What SQLite's copy of the users table needs to stay AUTOINCREMENT."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    return {"table_kwargs": {"sqlite_autoincrement": True}} if sqlite else {}


def upgrade() -> None:
    with op.batch_alter_table("users", **sqlite_copy_options()) as batch_op:
        batch_op.add_column(sa.Column("time_zone", sa.String(64), nullable=True))


def downgrade() -> None:
    # SQLite drops a column by copying the table: keep its AUTOINCREMENT (ids never reused).
    with op.batch_alter_table("users", **sqlite_copy_options()) as batch_op:
        batch_op.drop_column("time_zone")

"""Add comments.submission_id, so one form submission stores at most one comment.

Revision ID: ff979404b286
Revises: a621b0034567
Create Date: 2026-11-25 13:55:00

"""

import sqlalchemy as sa

from alembic import op

revision = "ff979404b286"
down_revision = "a621b0034567"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Batch mode: SQLite adds a unique constraint by copying the table.
    with op.batch_alter_table("comments") as batch_op:
        batch_op.add_column(sa.Column("submission_id", sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint("uq_comments_submission_id", ["submission_id"])


def downgrade() -> None:
    with op.batch_alter_table("comments") as batch_op:
        batch_op.drop_constraint("uq_comments_submission_id", type_="unique")
        batch_op.drop_column("submission_id")

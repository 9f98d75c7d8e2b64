"""Tie each notification mail to the comment it quotes (outbox.comment_id).

Revision ID: e6b1c4d8a2f7
Revises: d3b8f1a6c925
Create Date: 2026-12-05 18:00:00

A mail quoting a comment that was hidden or deleted before it went is not sent
(mail/delivery.still_wanted), and one whose comment's row goes (erased) goes with it: the
mail no longer carries words the board has removed. Only adds a nullable column: mails
queued before it have none and go as they did.
"""

from typing import Any

import sqlalchemy as sa

from alembic import op

revision = "e6b1c4d8a2f7"
down_revision = "d3b8f1a6c925"
branch_labels = None
depends_on = None


def sqlite_copy_options() -> dict[str, Any]:
    """What SQLite's copy of the outbox table needs to stay AUTOINCREMENT."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    return {"table_kwargs": {"sqlite_autoincrement": True}} if sqlite else {}


def upgrade() -> None:
    with op.batch_alter_table("outbox", **sqlite_copy_options()) as batch_op:
        batch_op.add_column(sa.Column("comment_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_outbox_comment_id"), ["comment_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_comment_id_comments"),
            "comments",
            ["comment_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox", **sqlite_copy_options()) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_outbox_comment_id_comments"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_outbox_comment_id"))
        batch_op.drop_column("comment_id")

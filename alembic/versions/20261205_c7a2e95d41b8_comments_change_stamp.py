"""Give each comment a change stamp: a number every write of its row draws anew.

Revision ID: c7a2e95d41b8
Revises: b41e7d0c9f25
Create Date: 2026-12-05 04:30:00

A page of threads keeps each comment's drawn HTML under the row it was drawn from
(board/drawing.py). Reading every comment's HTML and text only to compare it with the kept
one cost the board of threads more than the rest of the page; with the stamp, the page reads
the stamp instead, and the HTML only of comments whose drawing is not kept
(board/threads.py). Existing rows get 0: every later write gives the row a random stamp
(``models.comment.new_change_stamp``), never 0.

Added and dropped with plain ALTER TABLE on SQLite too (3.35 and later drop a column in
place), never batch mode: recreating ``comments`` would drop the search index's triggers
(20261204_8a3f6c2d9e41). Every row is kept both ways.
"""

import sqlalchemy as sa

from alembic import op

revision = "c7a2e95d41b8"
down_revision = "b41e7d0c9f25"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "comments", sa.Column("change_stamp", sa.BigInteger(), server_default=sa.text("0"), nullable=False)
    )


def downgrade() -> None:
    op.drop_column("comments", "change_stamp")

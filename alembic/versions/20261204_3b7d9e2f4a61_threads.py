"""Replies: a comment's parent, thread and place in it; placeholders for deleted comments.

Revision ID: 3b7d9e2f4a61
Revises: 7c2d4e6f8a10
Create Date: 2026-12-04 19:50:00

Every existing comment becomes the root of a thread of its own: the new columns are NULL
(``reply_count`` 0), which is what a root holds, so no row is rewritten. The downgrade drops
the columns, which keeps every row: a reply becomes a comment of its own on the flat board,
and a deleted comment's placeholder an empty comment (the ``deleted`` columns go with it).
"""

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from alembic import op

revision = "3b7d9e2f4a61"
down_revision = "7c2d4e6f8a10"
branch_labels = None
depends_on = None

PATH_LENGTH = 100  # models/comment.py: PATH_SEGMENT_LENGTH * MAX_REPLY_DEPTH
#: SQLite's batch mode copies the table to add foreign keys; the copy keeps AUTOINCREMENT
#: (ids never reused: models/comment.py) only when told.
KEEP_AUTOINCREMENT = {"sqlite_autoincrement": True}
# As models/types.py's UTCDateTime stores it.
utc_datetime = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade() -> None:
    with op.batch_alter_table("comments", table_kwargs=KEEP_AUTOINCREMENT) as batch_op:
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("thread_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("path", sa.String(PATH_LENGTH), nullable=True))
        batch_op.add_column(sa.Column("reply_count", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("deleted_at", utc_datetime, nullable=True))
        batch_op.add_column(sa.Column("deleted_by", sa.String(16), nullable=True))
        batch_op.create_index("ix_comments_parent_id", ["parent_id"])
        batch_op.create_index("ix_comments_thread_id_path", ["thread_id", "path"])
        batch_op.create_foreign_key("fk_comments_parent_id_comments", "comments", ["parent_id"], ["id"])
        batch_op.create_foreign_key("fk_comments_thread_id_comments", "comments", ["thread_id"], ["id"])
    with op.batch_alter_table("moderation_actions") as batch_op:
        batch_op.add_column(sa.Column("comment_parent_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("moderation_actions") as batch_op:
        batch_op.drop_column("comment_parent_id")
    with op.batch_alter_table("comments", table_kwargs=KEEP_AUTOINCREMENT) as batch_op:
        batch_op.drop_constraint("fk_comments_thread_id_comments", type_="foreignkey")
        batch_op.drop_constraint("fk_comments_parent_id_comments", type_="foreignkey")
        batch_op.drop_index("ix_comments_thread_id_path")
        batch_op.drop_index("ix_comments_parent_id")
        batch_op.drop_column("deleted_by")
        batch_op.drop_column("deleted_at")
        batch_op.drop_column("reply_count")
        batch_op.drop_column("path")
        batch_op.drop_column("thread_id")
        batch_op.drop_column("parent_id")

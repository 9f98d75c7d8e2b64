"""Store each comment's HTML, and the version of the formatting rules it was made under.

Revision ID: 5e1f0c9a7b3d
Revises: 5f3a9c1e7b20
Create Date: 2026-12-04 16:40:00

Existing rows get NULL: ``initialize_scratchpad_db`` renders them after migrating (and a row
read before that is rendered when it is read), so this revision stays fast on a large board.
"""

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from alembic import op

revision = "5e1f0c9a7b3d"
down_revision = "5f3a9c1e7b20"
branch_labels = None
depends_on = None

# As models/comment.py's HTML_TYPE: MySQL's TEXT holds only 64 KiB.
html_type = sa.Text().with_variant(mysql.MEDIUMTEXT(), "mysql", "mariadb")


def upgrade() -> None:
    with op.batch_alter_table("comments") as batch_op:
        batch_op.add_column(sa.Column("html", html_type, nullable=True))
        batch_op.add_column(sa.Column("html_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("comments") as batch_op:
        batch_op.drop_column("html_version")
        batch_op.drop_column("html")

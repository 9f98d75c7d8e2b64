"""Add login throttling and session generations.

Revision ID: 23b41f0ae7f2
Revises: 6be4ac6b5258
Create Date: 2026-11-25 13:11:51

"""

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from alembic import op

revision = "23b41f0ae7f2"
down_revision = "6be4ac6b5258"
branch_labels = None
depends_on = None

utc_datetime = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
# Canonical usernames, compared byte for byte as in users.username.
username = sa.String(length=128).with_variant(mysql.VARCHAR(128, collation="utf8mb4_bin"), "mysql", "mariadb")
COMMENTER_FK = "fk_comments_commenter_id_users"


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", username, nullable=False),
        sa.Column("client_addr", sa.String(length=45), nullable=False),
        sa.Column("failed_at", utc_datetime, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
    )
    op.create_index("ix_login_failures_username_failed_at", "login_failures", ["username", "failed_at"])
    op.create_index("ix_login_failures_client_addr_failed_at", "login_failures", ["client_addr", "failed_at"])
    op.create_index("ix_comments_commenter_id_posted_at", "comments", ["commenter_id", "posted_at"])
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column("session_generation", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("session_generation")
        batch_op.drop_column("is_active")
    if op.get_bind().dialect.name in ("mysql", "mariadb"):
        # MySQL dropped the foreign key's own index when this one could serve it, and refuses
        # to drop this one while the key needs it: recreate the key, which brings its index back.
        op.drop_constraint(COMMENTER_FK, "comments", type_="foreignkey")
        op.drop_index("ix_comments_commenter_id_posted_at", table_name="comments")
        op.create_foreign_key(COMMENTER_FK, "comments", "users", ["commenter_id"], ["id"])
    else:
        op.drop_index("ix_comments_commenter_id_posted_at", table_name="comments")
    op.drop_index("ix_login_failures_client_addr_failed_at", table_name="login_failures")
    op.drop_index("ix_login_failures_username_failed_at", table_name="login_failures")
    op.drop_table("login_failures")

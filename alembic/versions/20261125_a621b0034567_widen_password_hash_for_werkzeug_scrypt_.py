"""Widen password_hash for werkzeug scrypt hashes.

Users adopted from the Flask tutorial keep their werkzeug hash until their next login; an
scrypt one (werkzeug 3's default) is about 162 characters, more than the 128 we had.

Revision ID: a621b0034567
Revises: 23b41f0ae7f2
Create Date: 2026-11-25 13:22:36

"""

import sqlalchemy as sa

from alembic import op

revision = "a621b0034567"
down_revision = "23b41f0ae7f2"
branch_labels = None
depends_on = None

OLD_LENGTH = 128
NEW_LENGTH = 255


def upgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.alter_column(
            "password_hash",
            existing_type=sa.String(length=OLD_LENGTH),
            type_=sa.String(length=NEW_LENGTH),
            existing_nullable=False,
        )


def downgrade() -> None:
    # Refuse rather than truncate (or, on MySQL, fail half way with "Data too long"): a
    # shortened hash would lock its user out for good.
    too_long = (
        op.get_bind()
        .execute(
            sa.text("SELECT username FROM users WHERE LENGTH(password_hash) > :length"),
            {"length": OLD_LENGTH},
        )
        .scalars()
        .all()
    )
    if too_long:
        raise RuntimeError(
            f"Cannot downgrade: the password hashes of {', '.join(sorted(too_long))} are longer "
            f"than {OLD_LENGTH} characters (werkzeug hashes from the tutorial not yet replaced "
            "at a login). Have them log in once, or set new passwords with "
            "`scratchpad-admin CONFIG_URI users passwd NAME`, then downgrade."
        )
    with op.batch_alter_table("users") as batch_op:
        batch_op.alter_column(
            "password_hash",
            existing_type=sa.String(length=NEW_LENGTH),
            type_=sa.String(length=OLD_LENGTH),
            existing_nullable=False,
        )

"""Give each thread a stamp that every write of its comments draws anew, kept by triggers.

Revision ID: d3b8f1a6c925
Revises: c5a9e2f17b3d
Create Date: 2026-12-05 10:30:00

A board page drawn for anonymous readers keeps each thread's drawing under the thread's stamp
(board/stamped.py, models/thread_stamp.py): the page reads one short row per thread instead
of every comment it shows. The stamps are kept by the database itself, so that no writer can
forget one: every INSERT, UPDATE or DELETE of a comment gives its thread (``thread_id``, or
its own id for a root) a new random stamp; deleting a root deletes its row; renaming or
deleting a user gives every thread with a comment of theirs a new stamp (each shows their
name). Every root there is gets a stamp now. MariaDB: a trigger cannot write the table it is
on, hence a table of its own rather than a column of the root's; creating a trigger needs the
TRIGGER privilege (``ALL PRIVILEGES`` on the database has it), and, where binary logging is
on, ``log_bin_trust_function_creators`` for a user without SUPER (docs/deploying.md).

Downgrade drops the triggers and the table; no comment or user is touched either way.
"""

import sqlalchemy as sa

from alembic import op

revision = "d3b8f1a6c925"
down_revision = "c5a9e2f17b3d"
branch_labels = None
depends_on = None

#: The stamps are random: SQLite's random() is a signed 64-bit integer; MariaDB's RAND() times
#: 2**62 (times 2**63 could round up past a BIGINT). Literal SQL throughout: nothing here
#: comes from outside.
SQLITE_TRIGGERS = (
    "CREATE TRIGGER thread_stamps_after_insert AFTER INSERT ON comments BEGIN "
    "INSERT OR REPLACE INTO thread_stamps (root_id, stamp) VALUES (coalesce(new.thread_id, new.id), random()); "
    "END",
    "CREATE TRIGGER thread_stamps_after_update AFTER UPDATE ON comments BEGIN "
    "INSERT OR REPLACE INTO thread_stamps (root_id, stamp) VALUES (coalesce(new.thread_id, new.id), random()); "
    "END",
    "CREATE TRIGGER thread_stamps_after_reply_delete AFTER DELETE ON comments WHEN old.thread_id IS NOT NULL "
    "BEGIN INSERT OR REPLACE INTO thread_stamps (root_id, stamp) VALUES (old.thread_id, random()); END",
    "CREATE TRIGGER thread_stamps_after_root_delete AFTER DELETE ON comments WHEN old.thread_id IS NULL "
    "BEGIN DELETE FROM thread_stamps WHERE root_id = old.id; END",
    "CREATE TRIGGER thread_stamps_after_rename AFTER UPDATE OF username ON users "
    "WHEN old.username IS NOT new.username BEGIN "
    "UPDATE thread_stamps SET stamp = random() WHERE root_id IN "
    "(SELECT coalesce(thread_id, id) FROM comments WHERE commenter_id = new.id); END",
    "CREATE TRIGGER thread_stamps_before_user_delete BEFORE DELETE ON users BEGIN "
    "UPDATE thread_stamps SET stamp = random() WHERE root_id IN "
    "(SELECT coalesce(thread_id, id) FROM comments WHERE commenter_id = old.id); END",
)
MARIADB_TRIGGERS = (
    "CREATE TRIGGER thread_stamps_after_insert AFTER INSERT ON comments FOR EACH ROW "
    "INSERT INTO thread_stamps (root_id, stamp) "
    "VALUES (COALESCE(NEW.thread_id, NEW.id), FLOOR(RAND() * 4611686018427387904)) "
    "ON DUPLICATE KEY UPDATE stamp = FLOOR(RAND() * 4611686018427387904)",
    "CREATE TRIGGER thread_stamps_after_update AFTER UPDATE ON comments FOR EACH ROW "
    "INSERT INTO thread_stamps (root_id, stamp) "
    "VALUES (COALESCE(NEW.thread_id, NEW.id), FLOOR(RAND() * 4611686018427387904)) "
    "ON DUPLICATE KEY UPDATE stamp = FLOOR(RAND() * 4611686018427387904)",
    "CREATE TRIGGER thread_stamps_after_delete AFTER DELETE ON comments FOR EACH ROW BEGIN "
    "IF OLD.thread_id IS NULL THEN DELETE FROM thread_stamps WHERE root_id = OLD.id; "
    "ELSE INSERT INTO thread_stamps (root_id, stamp) VALUES (OLD.thread_id, FLOOR(RAND() * 4611686018427387904)) "
    "ON DUPLICATE KEY UPDATE stamp = FLOOR(RAND() * 4611686018427387904); END IF; END",
    "CREATE TRIGGER thread_stamps_after_rename AFTER UPDATE ON users FOR EACH ROW BEGIN "
    "IF NOT (OLD.username <=> NEW.username) THEN "
    "UPDATE thread_stamps SET stamp = FLOOR(RAND() * 4611686018427387904) WHERE root_id IN "
    "(SELECT COALESCE(thread_id, id) FROM comments WHERE commenter_id = NEW.id); END IF; END",
    "CREATE TRIGGER thread_stamps_before_user_delete BEFORE DELETE ON users FOR EACH ROW "
    "UPDATE thread_stamps SET stamp = FLOOR(RAND() * 4611686018427387904) WHERE root_id IN "
    "(SELECT COALESCE(thread_id, id) FROM comments WHERE commenter_id = OLD.id)",
)
#: The stamps of the roots already there.
BACKFILL = {
    "sqlite": "INSERT INTO thread_stamps (root_id, stamp) SELECT id, random() FROM comments WHERE thread_id IS NULL",
    "mysql": "INSERT INTO thread_stamps (root_id, stamp) "
    "SELECT id, FLOOR(RAND() * 4611686018427387904) FROM comments WHERE thread_id IS NULL",
}
TRIGGER_NAMES = {
    "sqlite": [statement.split()[2] for statement in SQLITE_TRIGGERS],
    "mysql": [statement.split()[2] for statement in MARIADB_TRIGGERS],
}


def upgrade() -> None:
    dialect = "sqlite" if op.get_bind().dialect.name == "sqlite" else "mysql"
    op.create_table(
        "thread_stamps",
        sa.Column("root_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("stamp", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("root_id", name=op.f("pk_thread_stamps")),
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
    )
    op.execute(BACKFILL[dialect])
    for statement in SQLITE_TRIGGERS if dialect == "sqlite" else MARIADB_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    dialect = "sqlite" if op.get_bind().dialect.name == "sqlite" else "mysql"
    for name in TRIGGER_NAMES[dialect]:
        op.execute(f"DROP TRIGGER {name}")
    op.drop_table("thread_stamps")

"""What the newest migration makes: its revision, and the tables a database at it holds."""

from alembic.config import Config
from alembic.script import ScriptDirectory

from tests.support.paths import ROOT

#: Every table of a database at head, alembic's own included.
TABLES_AT_HEAD = {
    "alembic_version",
    "users",
    "comments",
    "login_failures",
    "moderation_actions",
    "board_state",
    "rate_events",
    "account_tokens",
    "reports",
    "notifications",
    "notification_feeds",
    "outbox",
    "thread_stamps",
}
#: SQLite's search index: an FTS5 table and its shadow tables (MariaDB's is an index).
SQLITE_SEARCH_TABLES = {
    "comments_fts",
    "comments_fts_config",
    "comments_fts_data",
    "comments_fts_docsize",
    "comments_fts_idx",
}


def head_revision():
    """The head revision of alembic/versions, as testing.ini's script location finds it."""
    return ScriptDirectory.from_config(Config(str(ROOT / "testing.ini"))).get_current_head()

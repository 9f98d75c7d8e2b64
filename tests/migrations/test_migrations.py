"""The alembic migrations, run with the real ``alembic`` command on a throwaway SQLite file: in
this process (tests/support/in_process.py), and as the installed command once (development.ini)."""

import os
import re
import shutil

import pytest
import sqlalchemy as sa

from tests.support import commands
from tests.support.databases import connected, execute
from tests.support.in_process import alembic, alembic_ok
from tests.support.schema import SQLITE_SEARCH_TABLES, TABLES_AT_HEAD, head_revision
from tests.support.servers import ROOT


def table_names(url):
    with connected(url) as connection:
        return set(sa.inspect(connection).get_table_names())


def stored_revisions(url):
    with connected(url) as connection:
        return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all()


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    """The reflected schema of one database migrated to head, shared by the read-only tests."""
    url = f"sqlite:///{tmp_path_factory.mktemp('schema') / 'schema.sqlite'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SCRATCHPAD_DATABASE_URL", url)
        alembic_ok("upgrade", "head")
        check = alembic("check")
    with connected(url) as connection:
        inspector = sa.inspect(connection)
        reflected = {
            "tables": set(inspector.get_table_names()),
            "check": check,
            "url": url,
        }
        reflected["sql"] = dict(connection.execute(sa.text("SELECT name, sql FROM sqlite_master")).all())
        for table in ("users", "comments"):
            reflected[table] = {
                "columns": {column["name"]: column for column in inspector.get_columns(table)},
                "pk": inspector.get_pk_constraint(table),
                "unique": inspector.get_unique_constraints(table),
                "fks": inspector.get_foreign_keys(table),
                "indexes": inspector.get_indexes(table),
            }
    return reflected


def test_upgrade_head_creates_users_and_comments(schema):
    assert schema["tables"] == TABLES_AT_HEAD | SQLITE_SEARCH_TABLES


def test_upgrade_head_records_the_head_revision(schema):
    assert stored_revisions(schema["url"]) == [head_revision()]


@pytest.mark.parametrize(
    "table, column, length, nullable",
    [
        ("users", "username", 128, False),
        ("users", "password_hash", 255, False),
        ("comments", "content", 4096, False),
    ],
)
def test_string_column_has_model_length_and_nullability(schema, table, column, length, nullable):
    reflected = schema[table]["columns"][column]
    assert (
        isinstance(reflected["type"], sa.String),
        reflected["type"].length,
        reflected["nullable"],
    ) == (True, length, nullable)


def test_posted_at_is_a_nullable_datetime(schema):
    reflected = schema["comments"]["columns"]["posted_at"]
    assert (isinstance(reflected["type"], sa.DateTime), reflected["nullable"]) == (True, True)


def test_commenter_id_is_a_nullable_integer(schema):
    reflected = schema["comments"]["columns"]["commenter_id"]
    assert (isinstance(reflected["type"], sa.Integer), reflected["nullable"]) == (True, True)


@pytest.mark.parametrize("table", ["users", "comments"])
def test_primary_key_is_id(schema, table):
    # SQLite declares an AUTOINCREMENT key inline, without a constraint name.
    assert schema[table]["pk"]["constrained_columns"] == ["id"]


@pytest.mark.parametrize("table", ["users", "comments", "moderation_actions"])
def test_ids_that_leave_the_row_are_never_reused_on_sqlite(schema, table):
    assert "id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT" in schema["sql"][table]


def test_username_is_unique_with_conventional_name(schema):
    assert schema["users"]["unique"] == [{"name": "uq_users_username", "column_names": ["username"]}]


def test_comment_foreign_keys_have_conventional_names(schema):
    fks = {
        (fk["name"], tuple(fk["constrained_columns"]), fk["referred_table"], tuple(fk["referred_columns"]))
        for fk in schema["comments"]["fks"]
    }
    assert fks == {
        ("fk_comments_commenter_id_users", ("commenter_id",), "users", ("id",)),
        # Replies (issue 14): the comment answered, and the thread's root.
        ("fk_comments_parent_id_comments", ("parent_id",), "comments", ("id",)),
        ("fk_comments_thread_id_comments", ("thread_id",), "comments", ("id",)),
    }


def test_comments_indexes_serve_newest_first_and_the_posting_limit(schema):
    indexes = {
        (index["name"], tuple(index["column_names"]), bool(index["unique"]))
        for index in schema["comments"]["indexes"]
    }
    assert indexes == {
        ("ix_comments_posted_at", ("posted_at",), False),
        ("ix_comments_commenter_id_posted_at", ("commenter_id", "posted_at"), False),
        # The board's roots (parent_id NULL, newest first) and a thread's replies in order.
        ("ix_comments_parent_id", ("parent_id",), False),
        ("ix_comments_thread_id_path", ("thread_id", "path"), False),
        # The inbox's comments waiting for approval, and the navbar's count of them.
        ("ix_comments_waiting_since", ("waiting_since",), False),
        # A user's comments page, newest first (issue 14, mentions).
        ("ix_comments_commenter_id_id", ("commenter_id", "id"), False),
    }


def test_alembic_check_finds_models_and_migrations_in_step(schema):
    check = schema["check"]
    assert (check.returncode, "No new upgrade operations detected" in check.stdout + check.stderr) == (
        0,
        True,
    ), check.stdout + check.stderr


def test_downgrade_base_removes_every_table_but_alembic_version(database_url, seeded_at):
    seeded_at(database_url, "head")
    alembic_ok("downgrade", "base")
    assert table_names(database_url) <= {"alembic_version"}


def test_downgrade_base_clears_the_recorded_revision(database_url, seeded_at):
    seeded_at(database_url, "head")
    alembic_ok("downgrade", "base")
    assert stored_revisions(database_url) == []


def test_upgrade_head_works_again_after_downgrade_base(database_url, seeded_at):
    seeded_at(database_url, "head")
    alembic_ok("downgrade", "base")
    alembic_ok("upgrade", "head")
    assert (table_names(database_url), stored_revisions(database_url)) == (
        TABLES_AT_HEAD | SQLITE_SEARCH_TABLES,
        [head_revision()],
    )


def test_existing_rows_survive_upgrade_head_rerun(database_url, seeded_at):
    seeded_at(
        database_url,
        "head",
        "INSERT INTO users (id, username, password_hash, session_secret) VALUES (1, 'bob', 'h', 's')",
        "INSERT INTO comments (id, content, posted_at, commenter_id) VALUES (1, 'hi', NULL, 1)",
    )
    alembic_ok("upgrade", "head")
    with connected(database_url) as connection:
        rows = connection.execute(
            sa.text("SELECT c.content, u.username FROM comments c JOIN users u ON u.id = c.commenter_id")
        ).all()
    assert [tuple(row) for row in rows] == [("hi", "bob")]


def test_development_ini_migrates_the_database_from_the_environment(database_url, tmp_path):
    # A byte-identical copy of development.ini next to a link to alembic/: its %(here)s is
    # tmp_path, so the ini's own SQLite file would appear there if the override were ignored,
    # and the project's scratchpad.sqlite stays out of reach.
    project = tmp_path / "project"
    project.mkdir()
    shutil.copyfile(ROOT / "development.ini", project / "development.ini")
    os.symlink(ROOT / "alembic", project / "alembic")
    commands.alembic_ok("upgrade", "head", ini=project / "development.ini")
    assert (stored_revisions(database_url), (project / "scratchpad.sqlite").exists()) == (
        [head_revision()],
        False,
    )


# Revision cd820f7573a3 (roles, edits, hiding, the moderation log, the board revision) on a
# database that already holds users and comments.

BEFORE_MODERATION = "ff979404b286"


@pytest.fixture
def seeded_before_the_revision(database_url, seeded_at):
    return seeded_at(
        database_url,
        BEFORE_MODERATION,
        "INSERT INTO users (id, username, password_hash) VALUES (1, 'bob', 'h')",
        "INSERT INTO comments (id, content, commenter_id) VALUES (1, 'hi', 1)",
    )


def test_existing_users_become_members_and_comments_stay_shown(database_url, seeded_before_the_revision):
    alembic_ok("upgrade", "head")
    assert execute(database_url, "SELECT username, role FROM users") == [("bob", "member")]
    assert execute(database_url, "SELECT content, edited_at, hidden_at FROM comments") == [("hi", None, None)]


def test_the_board_gets_exactly_one_revision_row(database_url, seeded_before_the_revision):
    alembic_ok("upgrade", "head")
    [(row_id, revision)] = execute(database_url, "SELECT id, revision FROM board_state")
    assert (row_id, isinstance(revision, int)) == (1, True)


def test_downgrade_keeps_users_and_comments(database_url, seeded_before_the_revision):
    alembic_ok("upgrade", "head")
    alembic_ok("downgrade", BEFORE_MODERATION)
    assert execute(
        database_url, "SELECT c.content, u.username FROM comments c JOIN users u ON u.id = c.commenter_id"
    ) == [("hi", "bob")]
    with connected(database_url) as connection:
        inspector = sa.inspect(connection)
        assert "role" not in {column["name"] for column in inspector.get_columns("users")}
        assert {"moderation_actions", "board_state"} & set(inspector.get_table_names()) == set()


def test_the_log_keeps_its_rows_when_a_moderator_is_deleted(database_url, seeded_at):
    seeded_at(database_url, "head")
    with connected(database_url) as connection:
        connection.execute(sa.text("PRAGMA foreign_keys=ON"))
        connection.execute(
            sa.text(
                "INSERT INTO users (id, username, password_hash, session_secret) VALUES (1, 'root', 'h', 's')"
            )
        )
        connection.execute(
            sa.text(
                "INSERT INTO moderation_actions (acted_at, action, moderator_id, moderator_name, comment_id, "
                "comment_excerpt) VALUES ('2026-11-25 10:00:00', 'hide', 1, 'root', 5, 'spam')"
            )
        )
        connection.execute(sa.text("DELETE FROM users"))
    assert execute(database_url, "SELECT moderator_id, moderator_name FROM moderation_actions") == [
        (None, "root")
    ]


# Revision e9012d874c31 (ids never reused on SQLite, a random session secret per user) on a
# database that already holds users, comments and a moderation log.

BEFORE_SECRETS = "cd820f7573a3"
SECRETS = "e9012d874c31"


@pytest.fixture
def seeded_before_the_secrets(database_url, seeded_at):
    return seeded_at(
        database_url,
        BEFORE_SECRETS,
        "INSERT INTO users (id, username, password_hash) VALUES (1, 'bob', 'h'), (2, 'carol', 'h')",
        "INSERT INTO comments (id, content, commenter_id) VALUES (1, 'hi', 1), (2, 'ho', 2)",
        # The log names comment 7, deleted since: its id must stay taken.
        "INSERT INTO moderation_actions (acted_at, action, moderator_id, moderator_name, comment_id, "
        "comment_excerpt) VALUES ('2026-11-25 10:00:00', 'delete', 1, 'bob', 7, 'spam')",
    )


def test_the_secrets_revision_keeps_every_row(database_url, seeded_before_the_secrets):
    alembic_ok("upgrade", SECRETS)
    assert (
        execute(database_url, "SELECT id, username, role FROM users ORDER BY id"),
        execute(database_url, "SELECT id, content, commenter_id FROM comments ORDER BY id"),
        execute(database_url, "SELECT comment_id, moderator_id FROM moderation_actions"),
    ) == ([(1, "bob", "member"), (2, "carol", "member")], [(1, "hi", 1), (2, "ho", 2)], [(7, 1)])


def test_every_user_gets_a_distinct_random_ticket_safe_secret(database_url, seeded_before_the_secrets):
    alembic_ok("upgrade", SECRETS)
    secrets = [secret for (secret,) in execute(database_url, "SELECT session_secret FROM users")]
    assert (len(set(secrets)), all(re.fullmatch(r"[A-Za-z][A-Za-z0-9+_-]{40,}", s) for s in secrets)) == (
        2,
        True,
    )


def test_after_the_secrets_revision_new_ids_go_above_every_id_used(database_url, seeded_before_the_secrets):
    alembic_ok("upgrade", SECRETS)
    with connected(database_url) as connection:
        connection.execute(sa.text("DELETE FROM comments WHERE id = 2"))
        connection.execute(sa.text("DELETE FROM users WHERE id = 2"))
        connection.execute(sa.text("INSERT INTO comments (content) VALUES ('new')"))
        connection.execute(
            sa.text("INSERT INTO users (username, password_hash, session_secret) VALUES ('dave', 'h', 's')")
        )
    assert (
        execute(database_url, "SELECT id FROM comments WHERE content = 'new'"),
        execute(database_url, "SELECT id FROM users WHERE username = 'dave'"),
    ) == ([(8,)], [(3,)])


def test_the_secrets_revision_downgrades_keeping_every_row(database_url, seeded_before_the_secrets):
    alembic_ok("upgrade", SECRETS)
    alembic_ok("downgrade", BEFORE_SECRETS)
    with connected(database_url) as connection:
        columns = {column["name"] for column in sa.inspect(connection).get_columns("users")}
    assert (
        execute(database_url, "SELECT id, username, session_generation FROM users ORDER BY id"),
        execute(database_url, "SELECT id, content FROM comments ORDER BY id"),
        execute(database_url, "SELECT comment_id FROM moderation_actions"),
        "session_secret" in columns,
        "AUTOINCREMENT"
        in execute(database_url, "SELECT sql FROM sqlite_master WHERE name = 'comments'")[0][0],
    ) == ([(1, "bob", 0), (2, "carol", 0)], [(1, "hi"), (2, "ho")], [(7,)], False, False)


BEFORE_RATE_EVENTS = "e9012d874c31"


def test_rate_events_come_and_go_keeping_every_other_row(database_url, seeded_at):
    seeded_at(
        database_url,
        BEFORE_RATE_EVENTS,
        "INSERT INTO users (id, username, password_hash, session_secret) VALUES (1, 'bob', 'h', 's')",
        "INSERT INTO comments (id, content, commenter_id) VALUES (1, 'hi', 1)",
    )
    alembic_ok("upgrade", "head")
    with connected(database_url) as connection:
        connection.execute(
            sa.text("INSERT INTO rate_events (user_id, action, at) VALUES (1, 'post', '2026-12-04 10:00:00')")
        )
    assert execute(database_url, "SELECT user_id, action FROM rate_events") == [(1, "post")]
    alembic_ok("downgrade", BEFORE_RATE_EVENTS)
    assert "rate_events" not in table_names(database_url)
    assert execute(
        database_url, "SELECT c.content, u.username FROM comments c JOIN users u ON u.id = c.commenter_id"
    ) == [("hi", "bob")]

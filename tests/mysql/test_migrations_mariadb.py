"""The alembic migrations on a real MariaDB, run with the real ``alembic`` command: up, all the
way down, up again; then the schema is what the models say, in utf8mb4 throughout."""

from urllib.parse import urlsplit

import pytest
from pyramid.paster import get_appsettings

from scratchpad.models import get_engine
from scratchpad.settings import load_settings
from tests.support.in_process import alembic

pytestmark = pytest.mark.mysql

DATABASE = "migrations_test"
APP_TABLES = {
    "users",
    "comments",
    "login_failures",
    "moderation_actions",
    "board_state",
    "account_tokens",
    "reports",
}
# alembic makes its own bookkeeping table; every other table is the app's.
ALEMBIC_TABLES = {"alembic_version"}


def information_schema(server, database, query, *more):
    """The rows ``query`` (with ``%s`` for the schema name, then for each of ``more``) finds
    in information_schema."""
    with server.connect(database="information_schema") as connection, connection.cursor() as cursor:
        cursor.execute(query, (server.name(database), *more))
        return cursor.fetchall()


def tables_in(server, database):
    rows = information_schema(server, database, "SELECT TABLE_NAME FROM TABLES WHERE TABLE_SCHEMA = %s")
    return {name for (name,) in rows}


@pytest.fixture(scope="module")
def migrated(mariadb_server):
    """The database after upgrade head, downgrade base, upgrade head: each step's process and
    the tables it left, then ``alembic check``'s process."""
    mariadb_server.create_database(DATABASE)
    url = mariadb_server.url(DATABASE)
    steps = {}
    for name, args in [
        ("first upgrade", ("upgrade", "head")),
        ("downgrade", ("downgrade", "base")),
        ("second upgrade", ("upgrade", "head")),
    ]:
        process = alembic(*args, database_url=url)
        steps[name] = dict(process=process, tables=tables_in(mariadb_server, DATABASE))
    return dict(url=url, steps=steps, check=alembic("check", database_url=url))


@pytest.mark.parametrize("step", ["first upgrade", "downgrade", "second upgrade"])
def test_migration_step_succeeds(migrated, step):
    process = migrated["steps"][step]["process"]
    assert process.returncode == 0, process.stderr


def test_upgrade_head_creates_the_app_tables(migrated):
    assert migrated["steps"]["first upgrade"]["tables"] >= APP_TABLES


def test_downgrade_base_leaves_only_alembics_own_table(migrated):
    assert migrated["steps"]["downgrade"]["tables"] == ALEMBIC_TABLES


def test_upgrade_after_downgrade_creates_the_same_tables_again(migrated):
    steps = migrated["steps"]
    assert steps["second upgrade"]["tables"] == steps["first upgrade"]["tables"]


def test_models_and_migrations_agree(migrated):
    process = migrated["check"]
    assert process.returncode == 0, process.stdout + process.stderr


def test_app_tables_default_to_utf8mb4(migrated, mariadb_server):
    rows = information_schema(
        mariadb_server,
        DATABASE,
        "SELECT TABLE_NAME, TABLE_COLLATION FROM TABLES WHERE TABLE_SCHEMA = %s",
    )
    charsets = {name: collation.split("_")[0] for name, collation in rows if name not in ALEMBIC_TABLES}
    assert (charsets.keys() >= APP_TABLES, set(charsets.values())) == (True, {"utf8mb4"})


def text_column_charsets(server, database):
    """The character sets of the app's text columns in ``database``."""
    rows = information_schema(
        server,
        database,
        "SELECT TABLE_NAME, COLUMN_NAME, CHARACTER_SET_NAME FROM COLUMNS"
        " WHERE TABLE_SCHEMA = %s AND CHARACTER_SET_NAME IS NOT NULL",
    )
    return {charset for table, column, charset in rows if table not in ALEMBIC_TABLES}


def test_every_text_column_is_utf8mb4(migrated, mariadb_server):
    assert text_column_charsets(mariadb_server, DATABASE) == {"utf8mb4"}


@pytest.mark.parametrize(
    "what, table, column, expected",
    [
        pytest.param(
            "COLLATION_NAME", "users", "username", "utf8mb4_bin", id="username-compares-byte-for-byte"
        ),
        pytest.param(
            "COLUMN_TYPE", "comments", "posted_at", "datetime(6)", id="posted-at-keeps-microseconds"
        ),
    ],
)
def test_a_column_is_made_as_the_model_needs(migrated, mariadb_server, what, table, column, expected):
    rows = information_schema(
        mariadb_server,
        DATABASE,
        f"SELECT {what} FROM COLUMNS WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s AND COLUMN_NAME = %s",
        table,
        column,
    )
    assert rows == ((expected,),)


def app_engine(ini_file, url):
    settings = dict(get_appsettings(ini_file))
    settings["sqlalchemy.url"] = url
    return get_engine(load_settings(settings, environ={}))


def connection_charset(ini_file, url):
    """What the app's own engine (``get_engine``) says its connection speaks."""
    engine = app_engine(ini_file, url)
    try:
        with engine.connect() as connection:
            return connection.exec_driver_sql(
                "SELECT @@character_set_connection, @@character_set_client, @@character_set_results"
            ).one()
    finally:
        engine.dispose()


def test_app_engine_talks_utf8mb4(migrated, ini_file):
    assert tuple(connection_charset(ini_file, migrated["url"])) == ("utf8mb4",) * 3


def test_app_engine_talks_utf8mb4_even_without_charset_in_the_url(migrated, ini_file):
    url = urlsplit(migrated["url"])._replace(query="").geturl()
    assert tuple(connection_charset(ini_file, url)) == ("utf8mb4",) * 3


@pytest.fixture(scope="module")
def latin1_database(mariadb_server):
    """A database made by a bare ``CREATE DATABASE`` on a server whose default character set
    is latin1 (MariaDB 10's compiled-in default; Debian's packages set utf8mb4 in a config
    file), migrated to head."""
    name = mariadb_server.name("migrations_latin1")
    with mariadb_server.connect() as connection, connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name}")
        cursor.execute(f"CREATE DATABASE {name} CHARACTER SET latin1")
    migration = alembic("upgrade", "head", database_url=mariadb_server.url("migrations_latin1"))
    assert migration.returncode == 0, migration.stderr
    return "migrations_latin1"


def test_app_tables_are_utf8mb4_even_in_a_latin1_database(latin1_database, mariadb_server):
    assert text_column_charsets(mariadb_server, latin1_database) == {"utf8mb4"}


# Revision e9012d874c31 (a random session secret per user) on a MariaDB that holds rows.


def test_the_secrets_revision_keeps_every_row_both_ways(mariadb_server, database_at):
    database = "secrets_test"
    url = database_at(
        database,
        "cd820f7573a3",
        "INSERT INTO users (id, username, password_hash) VALUES (1, 'bob', 'h'), (2, 'carol', 'h')",
        "INSERT INTO comments (id, content, commenter_id) VALUES (1, 'hi', 1), (5, 'ho', 2)",
        "DELETE FROM comments WHERE id = 5",
    )
    upgraded = alembic("upgrade", "e9012d874c31", database_url=url)
    secrets = mariadb_server.rows(database, "SELECT DISTINCT session_secret FROM users")
    after_upgrade = mariadb_server.rows(database, "SELECT id, username FROM users ORDER BY id")
    # InnoDB keeps its counter through the ALTERs: the deleted comment's id stays taken.
    mariadb_server.rows(database, "INSERT INTO comments (content) VALUES ('new')")
    new_id = mariadb_server.rows(database, "SELECT id FROM comments WHERE content = 'new'")
    downgraded = alembic("downgrade", "cd820f7573a3", database_url=url)
    after_downgrade = mariadb_server.rows(
        database, "SELECT id, username, session_generation FROM users ORDER BY id"
    )
    assert (upgraded.returncode, downgraded.returncode) == (0, 0), upgraded.stderr + downgraded.stderr
    assert (len(secrets), after_upgrade, new_id, after_downgrade) == (
        2,
        [(1, "bob"), (2, "carol")],
        [(6,)],
        [(1, "bob", 0), (2, "carol", 0)],
    )


# Revision 7c2d4e6f8a10 (account_tokens, users.email) on a MariaDB that holds rows.


def test_the_account_tokens_revision_keeps_every_row_both_ways(mariadb_server, database_at):
    database = "account_tokens_test"
    url = database_at(
        database,
        "5e1f0c9a7b3d",
        "INSERT INTO users (id, username, password_hash, session_secret) VALUES (1, 'bob', 'h', 's1'), (2, 'carol', 'h', 's2')",
        "INSERT INTO comments (id, content, commenter_id) VALUES (1, 'hi', 1), (2, 'ho', 2)",
    )
    upgraded = alembic("upgrade", "7c2d4e6f8a10", database_url=url)
    mariadb_server.rows(database, "UPDATE users SET email = 'bob@example.org' WHERE id = 1")
    mariadb_server.rows(
        database,
        "INSERT INTO account_tokens (kind, token_hash, username, role, user_id, created_by, created_at, expires_at)"
        " VALUES ('reset', 'a', 'carol', 'member', 2, 'command line', '2026-12-04 10:00:00', '2026-12-05 10:00:00')",
    )
    after_upgrade = mariadb_server.rows(database, "SELECT id, username, email FROM users ORDER BY id")
    downgraded = alembic("downgrade", "5e1f0c9a7b3d", database_url=url)
    after_downgrade = mariadb_server.rows(
        database, "SELECT id, username, session_secret FROM users ORDER BY id"
    )
    comments = mariadb_server.rows(database, "SELECT id, content, commenter_id FROM comments ORDER BY id")
    assert (upgraded.returncode, downgraded.returncode) == (0, 0), upgraded.stderr + downgraded.stderr
    assert (
        after_upgrade,
        after_downgrade,
        comments,
        "account_tokens" in tables_in(mariadb_server, database),
    ) == (
        [(1, "bob", "bob@example.org"), (2, "carol", None)],
        [(1, "bob", "s1"), (2, "carol", "s2")],
        [(1, "hi", 1), (2, "ho", 2)],
        False,
    )


# Revision c5d2a9e7f013 (users.language) on a MariaDB that holds rows.


def test_the_language_revision_keeps_every_row_both_ways(mariadb_server, database_at):
    database = "language_test"
    url = database_at(
        database,
        "b41e7d0c9f25",
        "INSERT INTO users (id, username, password_hash, session_secret) VALUES (1, 'bob', 'h', 's1'), (2, 'carol', 'h', 's2')",
        "INSERT INTO comments (id, content, commenter_id) VALUES (1, 'hi', 1), (2, 'ho', 2)",
    )
    upgraded = alembic("upgrade", "c5d2a9e7f013", database_url=url)
    mariadb_server.rows(database, "UPDATE users SET language = 'ar' WHERE id = 2")
    after_upgrade = mariadb_server.rows(database, "SELECT id, username, language FROM users ORDER BY id")
    downgraded = alembic("downgrade", "b41e7d0c9f25", database_url=url)
    after_downgrade = mariadb_server.rows(
        database, "SELECT id, username, session_secret FROM users ORDER BY id"
    )
    comments = mariadb_server.rows(database, "SELECT id, content, commenter_id FROM comments ORDER BY id")
    assert (upgraded.returncode, downgraded.returncode) == (0, 0), upgraded.stderr + downgraded.stderr
    assert (after_upgrade, after_downgrade, comments) == (
        [(1, "bob", None), (2, "carol", "ar")],
        [(1, "bob", "s1"), (2, "carol", "s2")],
        [(1, "hi", 1), (2, "ho", 2)],
    )

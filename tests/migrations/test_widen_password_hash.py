"""The migration that widens users.password_hash for werkzeug scrypt hashes, both ways, with the
real ``alembic`` command on SQLite and MariaDB: rows survive; a downgrade that would cut a hash
short is refused and changes nothing."""

import pytest
import sqlalchemy as sa

from tests.support.databases import connected, execute
from tests.support.in_process import alembic

BEFORE, WIDENED = "23b41f0ae7f2", "a621b0034567"
BCRYPT = "$2b$04$" + "a" * 53
SCRYPT = "scrypt:32768:8:1$tmVmSuqCXZOZsxe1$" + "0" * 128


def hash_column_length(url):
    with connected(url) as connection:
        columns = {column["name"]: column for column in sa.inspect(connection).get_columns("users")}
        return columns["password_hash"]["type"].length


@pytest.fixture
def before_widening(empty_database_url, seeded_at):
    """At the revision before, with bob (a bcrypt hash) and a comment of his."""
    url = seeded_at(empty_database_url, BEFORE)
    execute(url, "INSERT INTO users (id, username, password_hash) VALUES (1, 'bob', :h)", h=BCRYPT)
    execute(url, "INSERT INTO comments (id, content, commenter_id) VALUES (1, 'hi', 1)")
    return url


def test_upgrade_widens_password_hash_to_255_and_keeps_rows(before_widening):
    url = before_widening
    result = alembic("upgrade", WIDENED, database_url=url)
    assert (
        result.returncode,
        hash_column_length(url),
        execute(
            url,
            "SELECT u.username, u.password_hash, c.content"
            " FROM users u JOIN comments c ON c.commenter_id = u.id",
        ),
    ) == (0, 255, [("bob", BCRYPT, "hi")]), result.stderr


def test_widened_column_holds_a_werkzeug_scrypt_hash(before_widening):
    url = before_widening
    alembic("upgrade", WIDENED, database_url=url)
    execute(url, "INSERT INTO users (id, username, password_hash) VALUES (2, 'carol', :h)", h=SCRYPT)
    assert execute(url, "SELECT password_hash FROM users WHERE id = 2") == [(SCRYPT,)]


def test_downgrade_narrows_password_hash_again_and_keeps_rows(before_widening):
    url = before_widening
    alembic("upgrade", WIDENED, database_url=url)
    result = alembic("downgrade", BEFORE, database_url=url)
    assert (
        result.returncode,
        hash_column_length(url),
        execute(url, "SELECT username, password_hash FROM users"),
    ) == (
        0,
        128,
        [("bob", BCRYPT)],
    ), result.stderr


def test_downgrade_with_a_hash_too_long_for_128_is_refused_and_changes_nothing(before_widening):
    url = before_widening
    alembic("upgrade", WIDENED, database_url=url)
    execute(url, "INSERT INTO users (id, username, password_hash) VALUES (2, 'carol', :h)", h=SCRYPT)
    result = alembic("downgrade", BEFORE, database_url=url)
    assert (
        result.returncode != 0,
        "carol" in result.stderr,
        hash_column_length(url),
        execute(url, "SELECT version_num FROM alembic_version"),
        execute(url, "SELECT password_hash FROM users WHERE id = 2"),
    ) == (True, True, 255, [(WIDENED,)], [(SCRYPT,)])

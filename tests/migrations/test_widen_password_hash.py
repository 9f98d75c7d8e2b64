"""The migration that widens users.password_hash for werkzeug scrypt hashes, both ways, with the
real ``alembic`` command on SQLite and MariaDB: rows survive; a downgrade that would cut a hash
short is refused and changes nothing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
ALEMBIC = Path(sys.executable).parent / "alembic"
BEFORE, WIDENED = "23b41f0ae7f2", "a621b0034567"
BCRYPT = "$2b$04$" + "a" * 53
SCRYPT = "scrypt:32768:8:1$tmVmSuqCXZOZsxe1$" + "0" * 128


def alembic(url, *args):
    return subprocess.run(
        [str(ALEMBIC), "-c", "testing.ini", *args],
        cwd=ROOT,
        env={**os.environ, "SCRATCHPAD_DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
    )


def execute(url, statement, **params):
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            result = connection.execute(sa.text(statement), params)
            return [tuple(row) for row in result] if result.returns_rows else None
    finally:
        engine.dispose()


def hash_column_length(url):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            columns = {column["name"]: column for column in sa.inspect(connection).get_columns("users")}
            return columns["password_hash"]["type"].length
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("mariadb", marks=pytest.mark.mysql)])
def url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'widen.sqlite'}"
    server = request.getfixturevalue("mariadb_server")
    server.create_database("widen_test")
    return server.url("widen_test")


@pytest.fixture
def before_widening(url):
    """At the revision before, with bob (a bcrypt hash) and a comment of his."""
    assert alembic(url, "upgrade", BEFORE).returncode == 0
    execute(url, "INSERT INTO users (id, username, password_hash) VALUES (1, 'bob', :h)", h=BCRYPT)
    execute(url, "INSERT INTO comments (id, content, commenter_id) VALUES (1, 'hi', 1)")
    return url


def test_upgrade_widens_password_hash_to_255_and_keeps_rows(before_widening):
    url = before_widening
    result = alembic(url, "upgrade", WIDENED)
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
    alembic(url, "upgrade", WIDENED)
    execute(url, "INSERT INTO users (id, username, password_hash) VALUES (2, 'carol', :h)", h=SCRYPT)
    assert execute(url, "SELECT password_hash FROM users WHERE id = 2") == [(SCRYPT,)]


def test_downgrade_narrows_password_hash_again_and_keeps_rows(before_widening):
    url = before_widening
    alembic(url, "upgrade", WIDENED)
    result = alembic(url, "downgrade", BEFORE)
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
    alembic(url, "upgrade", WIDENED)
    execute(url, "INSERT INTO users (id, username, password_hash) VALUES (2, 'carol', :h)", h=SCRYPT)
    result = alembic(url, "downgrade", BEFORE)
    assert (
        result.returncode != 0,
        "carol" in result.stderr,
        hash_column_length(url),
        execute(url, "SELECT version_num FROM alembic_version"),
        execute(url, "SELECT password_hash FROM users WHERE id = 2"),
    ) == (True, True, 255, [(WIDENED,)], [(SCRYPT,)])

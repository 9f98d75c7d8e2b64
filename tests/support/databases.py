"""A database the test reads or writes directly, beside the app or script under test: a fresh
engine per use, disposed of at once, so no connection outlives the block (a MariaDB server
the test stops, or a SQLite file it deletes, is never held open)."""

import contextlib
import shutil
import sqlite3

import sqlalchemy as sa


@contextlib.contextmanager
def connected(url):
    """A connection to ``url`` in a transaction committed when the block ends."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            yield connection
    finally:
        engine.dispose()


def execute(url, statement, **params):
    """Run one SQL statement on ``url`` and commit it: its rows as tuples ([] for a statement
    that returns none)."""
    with connected(url) as connection:
        result = connection.execute(sa.text(statement), params)
        return [tuple(row) for row in result] if result.returns_rows else []


def execute_each(url, *statements):
    """Run each SQL statement on ``url``, all in one transaction committed at the end: the
    rows of each ([] for a statement that returns none)."""
    with connected(url) as connection:
        results = []
        for statement in statements:
            result = connection.execute(sa.text(statement))
            results.append([tuple(row) for row in result] if result.returns_rows else [])
        return results


def table_names(url):
    """The names of the tables on ``url``."""
    with connected(url) as connection:
        return set(sa.inspect(connection).get_table_names())


def sqlite_ddl(url, table):
    """The CREATE TABLE statement SQLite keeps for ``table`` (AUTOINCREMENT shows in it)."""
    [(ddl,)] = execute(url, "SELECT sql FROM sqlite_master WHERE name = :name", name=table)
    return ddl


def column_names(url, table):
    """The names of ``table``'s columns on ``url``, as the database itself reports them."""
    with connected(url) as connection:
        return {column["name"] for column in sa.inspect(connection).get_columns(table)}


@contextlib.contextmanager
def sqlite_file(path):
    """The standard library's own connection to the SQLite file ``path``, closed at the end
    (without SQLAlchemy: what a script left in the file, read as plainly as possible)."""
    with contextlib.closing(sqlite3.connect(path)) as connection:
        yield connection


def sqlite_copy(template, folder):
    """The URL of a copy of the SQLite file ``template`` in ``folder``, for one test to change."""
    path = folder / "scratchpad.sqlite"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"

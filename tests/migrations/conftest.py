"""What the migration tests share: a throwaway SQLite file that alembic (the real command, run
in this process by tests/support/in_process.py, reading SCRATCHPAD_DATABASE_URL) and the test
both reach, and databases brought to the revision before the one a test is about, holding the
rows it starts from.

The revision before is the start, not the subject: on SQLite it is a copy of a file that
``alembic upgrade REVISION`` made once for the whole run; MariaDB, which cannot copy a database,
runs the upgrade for each test."""

import shutil
from typing import NamedTuple

import pytest
import sqlalchemy as sa

from tests.support.databases import column_names, execute_each, sqlite_ddl, table_names
from tests.support.in_process import alembic_ok


@pytest.fixture
def database_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'migrations.sqlite'}"
    monkeypatch.setenv("SCRATCHPAD_DATABASE_URL", url)
    return url


@pytest.fixture(scope="session")
def sqlite_at(tmp_path_factory):
    """``sqlite_at(revision)``: the path of a SQLite file that ``alembic upgrade REVISION`` made
    from nothing, once per run and revision; tests change copies, never the file itself."""
    made = {}

    def template(revision):
        if revision not in made:
            path = tmp_path_factory.mktemp(f"at-{revision}") / "scratchpad.sqlite"
            alembic_ok("upgrade", revision, database_url=f"sqlite:///{path}")
            made[revision] = path
        return made[revision]

    return template


@pytest.fixture(scope="session")
def seeded_at(sqlite_at):
    """``seeded_at(url, revision, *statements)``: the empty database at ``url`` brought to
    ``revision`` (on SQLite a copy of ``sqlite_at(revision)``), then ``statements`` run on it in
    one transaction; returns ``url``."""

    def seed(url, revision, *statements):
        if url.startswith("sqlite:"):
            shutil.copyfile(sqlite_at(revision), sa.make_url(url).database)
        else:
            alembic_ok("upgrade", revision, database_url=url)
        execute_each(url, *statements)
        return url

    return seed


@pytest.fixture(scope="session")
def round_trip():
    """``round_trip(before, revision[, database_url])``: ``upgrade revision``, ``downgrade
    before``, ``upgrade revision`` again, as an operator who rolled a release back and then
    took it again does (the database: ``database_url``, or SCRATCHPAD_DATABASE_URL)."""

    def upgrade_down_and_up(before, revision, database_url=None):
        for command, target in (("upgrade", revision), ("downgrade", before), ("upgrade", revision)):
            alembic_ok(command, target, database_url=database_url)

    return upgrade_down_and_up


class Downgraded(NamedTuple):
    """What a downgrade left of the schema: its tables, the users table's columns, and whether
    that table still says AUTOINCREMENT (SQLite's batch copy must keep it: ids never reused)."""

    tables: set[str]
    user_columns: set[str]
    autoincrement: bool


@pytest.fixture(scope="session")
def after_downgrade():
    """``after_downgrade(url, before, revision, *statements)``: ``upgrade revision``, the
    ``statements`` (rows in what the revision adds), ``downgrade before``; a ``Downgraded``."""

    def downgraded(url, before, revision, *statements):
        alembic_ok("upgrade", revision, database_url=url)
        execute_each(url, *statements)
        alembic_ok("downgrade", before, database_url=url)
        return Downgraded(
            set(table_names(url)),
            set(column_names(url, "users")),
            "AUTOINCREMENT" in sqlite_ddl(url, "users"),
        )

    return downgraded

"""Helpers for the operator-facing tests: the console scripts run on throwaway databases, in
this process (tests/support/in_process.py: a second less per run than a subprocess), and the
boards they start from, made once per run and copied for each test.

The few tests about the installed process itself (a terminal's prompt, signals, a missing ini
file's exit status, what the interpreter prints) run it as a subprocess (tests/support/commands.py)."""

import shutil

import pytest
import sqlalchemy as sa

from tests.support import in_process
from tests.support.boards import seeded_sqlite
from tests.support.databases import sqlite_copy
from tests.support.locks import run_folder

#: The passwords of the users the shared boards hold.
BOB, CAROL = "pw-bob-123456", "pw-carol-123456"


@pytest.fixture(scope="session")
def run_script():
    """``run_script(name, database_url, *args, stdin="", **options)``: a console script with
    testing.ini on ``database_url``; stdin is piped (never a terminal); ``options`` as for
    ``in_process.run`` (``environ``, ``cwd``). Returns what it left (returncode, stdout, stderr)."""

    def run(name, database_url, *args, stdin="", **options):
        return in_process.run(name, "testing.ini", *args, database_url=database_url, stdin=stdin, **options)

    return run


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """A SQLite file migrated by ``initialize_scratchpad_db testing.ini``; tests change copies."""
    path = tmp_path_factory.mktemp("migrated") / "scratchpad.sqlite"
    in_process.run_ok("initialize_scratchpad_db", "testing.ini", database_url=f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def migrate(migrated_template):
    """``migrate(url)``: the empty database at ``url`` migrated as ``initialize_scratchpad_db``
    makes a new board (what tests.support.boards.migrate does, without its subprocess): on SQLite
    a copy of ``migrated_template``, elsewhere the script run on it in this process."""

    def run(url):
        if url.startswith("sqlite:"):
            shutil.copyfile(migrated_template, sa.make_url(url).database)
        else:
            in_process.run_ok("initialize_scratchpad_db", "testing.ini", database_url=url)
        return url

    return run


@pytest.fixture(scope="session")
def initialized(migrated_template, tmp_path_factory):
    """``initialized(*args, stdin="")``: the path of a SQLite file that ``initialize_scratchpad_db
    testing.ini ARGS`` made (with ``stdin`` piped in), once per run for each ``args``; tests
    change copies, never the file itself."""
    made = {}

    def template(*args, stdin=""):
        if (args, stdin) not in made:
            path = tmp_path_factory.mktemp("initialized") / "scratchpad.sqlite"
            shutil.copyfile(migrated_template, path)
            in_process.run_ok(
                "initialize_scratchpad_db",
                "testing.ini",
                *args,
                database_url=f"sqlite:///{path}",
                stdin=stdin,
            )
            made[args, stdin] = path
        return made[args, stdin]

    return template


@pytest.fixture
def database(tmp_path, initialized):
    """A board made by ``initialize_scratchpad_db`` with two members, bob and carol, copied for
    this test; its URL. (Test files that need another board define their own ``database``.)"""
    return sqlite_copy(initialized("--user", "bob", "--user", "carol", stdin=f"{BOB}\n{CAROL}\n"), tmp_path)


@pytest.fixture
def admin(run_script, database):
    """``admin(*args, stdin="", **options)``: scratchpad-admin testing.ini ARGS on this test's
    ``database``."""
    return lambda *args, stdin="", **options: run_script(
        "scratchpad-admin", database, *args, stdin=stdin, **options
    )


@pytest.fixture(scope="session")
def seeded_board(tmp_path_factory, worker_id):
    """``seeded_board(path, comments)``: the URL of ``path``, a SQLite board as ``migrate`` and
    ``seed`` of tests.support.boards make it, seeded once per run and copied (``seeded_sqlite``)."""
    folder = run_folder(tmp_path_factory, worker_id)
    return lambda path, comments: seeded_sqlite(path, comments, folder)

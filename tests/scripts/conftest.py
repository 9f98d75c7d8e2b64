"""Helpers for the operator-facing tests: the installed console scripts run as subprocesses on
throwaway databases, and a database they migrated, made once per test module."""

import pytest

from tests.support.boards import seeded_sqlite
from tests.support.commands import run_command, run_ok
from tests.support.locks import run_folder


@pytest.fixture(scope="session")
def run_script():
    """``run_script(name, database_url, *args, stdin="")``: an installed console script with
    testing.ini on ``database_url``; stdin is piped (never a terminal). Returns the process."""

    def run(name, database_url, *args, stdin=""):
        return run_command(name, "testing.ini", *args, database_url=database_url, stdin=stdin)

    return run


@pytest.fixture
def database(tmp_path, run_script):
    """A new board made by ``initialize_scratchpad_db`` with one member, bob; its URL. (Test
    files that need another board define their own ``database``.)"""
    url = f"sqlite:///{tmp_path / 'scratchpad.sqlite'}"
    created = run_script("initialize_scratchpad_db", url, "--user", "bob", stdin="pw-bob-123456\n")
    assert created.returncode == 0, created.stderr
    return url


@pytest.fixture(scope="module")
def migrated_template(tmp_path_factory):
    """A SQLite file migrated by ``initialize_scratchpad_db testing.ini``; tests change copies."""
    path = tmp_path_factory.mktemp("migrated") / "scratchpad.sqlite"
    run_ok("initialize_scratchpad_db", "testing.ini", database_url=f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def seeded_board(tmp_path_factory, worker_id):
    """``seeded_board(path, comments)``: the URL of ``path``, a SQLite board as ``migrate`` and
    ``seed`` of tests.support.boards make it, seeded once per run and copied (``seeded_sqlite``)."""
    folder = run_folder(tmp_path_factory, worker_id)
    return lambda path, comments: seeded_sqlite(path, comments, folder)

"""Helpers for the operator-facing tests: the installed console scripts run as subprocesses on
throwaway databases, and a database they migrated, made once per test module."""

import pytest

from tests.support.commands import run_command, run_ok


@pytest.fixture(scope="session")
def run_script():
    """``run_script(name, database_url, *args, stdin="")``: an installed console script with
    testing.ini on ``database_url``; stdin is piped (never a terminal). Returns the process."""

    def run(name, database_url, *args, stdin=""):
        return run_command(name, "testing.ini", *args, database_url=database_url, stdin=stdin)

    return run


@pytest.fixture(scope="module")
def migrated_template(tmp_path_factory):
    """A SQLite file migrated by ``initialize_scratchpad_db testing.ini``; tests change copies."""
    path = tmp_path_factory.mktemp("migrated") / "scratchpad.sqlite"
    run_ok("initialize_scratchpad_db", "testing.ini", database_url=f"sqlite:///{path}")
    return path

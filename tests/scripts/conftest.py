"""Helpers for the operator-facing tests: the installed console scripts run as subprocesses on
throwaway databases."""

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
TIMEOUT = 120


@pytest.fixture(scope="session")
def run_script():
    """``run_script(name, database_url, *args, stdin="")``: an installed console script with
    testing.ini on ``database_url``; stdin is piped (never a terminal). Returns the process."""

    def run(name, database_url, *args, stdin=""):
        return subprocess.run(
            [str(BIN / name), "testing.ini", *args],
            cwd=ROOT,
            env={**os.environ, "SCRATCHPAD_DATABASE_URL": database_url},
            input=stdin,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )

    return run


@contextlib.contextmanager
def connected(url):
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            yield connection
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def db_rows():
    """``db_rows(url, query, **params)``: the rows of one SQL query, as tuples."""

    def fetch(url, query, **params):
        with connected(url) as connection:
            return [tuple(row) for row in connection.execute(sa.text(query), params)]

    return fetch

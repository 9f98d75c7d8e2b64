"""Helpers for the operator-facing tests: the installed console scripts run as subprocesses on
throwaway databases, and the WSGI app built on such a database for logging in through WebTest."""

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
import webtest
from pyramid.paster import get_appsettings

from scratchpad import main
from scratchpad.models import get_engine
from scratchpad.settings import load_settings

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


class Browser(webtest.TestApp):
    def login(self, username, password, status=303):
        form = self.get("/login/").forms["login-form"]
        form["username"] = username
        form["password"] = password
        return form.submit(status=status)


@pytest.fixture(scope="session")
def app_on():
    """``with app_on(url) as browser:``, a WebTest browser on the whole app, committing to
    the database at ``url`` as the served app would."""
    return _app_on


@contextlib.contextmanager
def _app_on(url):
    settings = dict(get_appsettings(str(ROOT / "testing.ini")))
    settings["sqlalchemy.url"] = url
    settings = load_settings(settings, environ={})
    engine = get_engine(settings)
    try:
        yield Browser(main({}, **settings, dbengine=engine), extra_environ={"HTTP_HOST": "example.com"})
    finally:
        engine.dispose()

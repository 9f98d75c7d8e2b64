"""Fixtures for the utf8mb4, time zone, retry and MariaDB migration tests: the real ``alembic``
command, a logged-in visitor, and posting through the comment form the way a browser does."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ALEMBIC = Path(sys.executable).parent / "alembic"
ALEMBIC_TIMEOUT = 60
PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def run_alembic():
    """A function running ``alembic -c testing.ini ARGS`` from the repository root against
    ``database_url`` (through SCRATCHPAD_DATABASE_URL, as an operator would); returns the
    finished process."""

    def run(database_url, *args):
        return subprocess.run(
            [str(ALEMBIC), "-c", "testing.ini", *args],
            cwd=ROOT,
            env={**os.environ, "SCRATCHPAD_DATABASE_URL": database_url},
            capture_output=True,
            text=True,
            timeout=ALEMBIC_TIMEOUT,
        )

    return run


def comment_form(page):
    """The form on GET / that posts a comment."""
    return next(form for form in page.forms.values() if form.action == "/" and "contents" in form.fields)


@pytest.fixture
def post_comment():
    """A function posting ``text`` through the comment form on GET /, as a browser would.

    pyramid_retry makes every request body seekable, and WebOb copies one over 10 kB into a
    ``TemporaryFile`` nobody closes; closing it here keeps the ResourceWarning (an error under
    filterwarnings = error) from surfacing in whichever test the garbage collector picks.
    """

    def post(testapp, text, status=303):
        form = comment_form(testapp.get("/"))
        form["contents"] = text
        res = form.submit(status=status)
        res.request.environ["wsgi.input"].close()
        return res

    return post

"""A real browser against a served app: pserve on a copy of testing.ini with a migrated
temporary SQLite database, and Debian's chromium driven by Playwright.

Every tab records what could go wrong: requests to anywhere but the server, failed requests,
error responses nobody asked for, console errors, uncaught page errors and Content-Security-
Policy violations. ``open_tab`` fails the test at teardown if any of them happened.
"""

import os
import shutil
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from scratchpad.models import Comment, ModerationAction, User
from scratchpad.models.types import utcnow
from tests.support.browsing import (
    ADMIN,
    ADMIN_PASSWORD,
    DESKTOP,
    HIDDEN_COMMENT,
    LONG_URL,
    LONG_WORD,
    PASSWORDS,
    ROOT,
    SEEDED_COMMENTS,
    WIDE_MARKDOWN,
    Tab,
)
from tests.support.paths import BIN
from tests.support.servers import free_port, get_when_up, ini_listening_on, pserve
from tests.support.tools import unavailable

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
TIMEOUT = 30

CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root in a container
    "--disable-gpu",
    "--disable-dev-shm-usage",  # a container's /dev/shm is often tiny
    # Nothing of Chromium's own may phone home while the tests watch the network.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


# The server.


class LiveServer:
    def __init__(self, origin, database_url, oldest_seeded_id):
        self.origin = origin
        self.database_url = database_url
        self.oldest_seeded_id = oldest_seeded_id

    def add_comment(self, username, text):
        """A comment by ``username``, written straight to the database (its mentions
        linked, as the model renders them); its id."""
        engine = sa.create_engine(self.database_url)
        try:
            with Session(engine) as dbsession, dbsession.begin():
                author = dbsession.scalars(sa.select(User).where(User.username == username)).one()
                comment = Comment(content=text, commenter=author)
                dbsession.add(comment)
                dbsession.flush()
                return comment.id
        finally:
            engine.dispose()


def seed_comments(database_url):
    """Two pages' worth of older comments, some anonymous, one undated, three very wide; an
    admin, one comment they hid (logged), and a fresh comment by each user, still editable."""
    engine = sa.create_engine(database_url)
    start = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
    with Session(engine) as dbsession, dbsession.begin():
        alice = dbsession.scalars(sa.select(User).where(User.username == "alice")).one()
        comments = [
            Comment(
                content=f"Seeded comment {number}",
                # One from before timestamps existed (None would get the column default).
                posted_at=sa.null() if number == SEEDED_COMMENTS - 1 else start + timedelta(hours=number),
                commenter=None if number % 5 == 0 else alice,
            )
            for number in range(1, SEEDED_COMMENTS + 1)
        ]
        # The newest seeded ones, so they are on the first page.
        later = start + timedelta(days=30)
        comments.append(Comment(content=f"A long word: {LONG_WORD}", posted_at=later, commenter=alice))
        comments.append(Comment(content=f"A long address: {LONG_URL}", posted_at=later))
        comments.append(Comment(content=WIDE_MARKDOWN, posted_at=later, commenter=alice))
        admin = dbsession.scalars(sa.select(User).where(User.username == ADMIN)).one()
        hidden = Comment(content=HIDDEN_COMMENT, posted_at=later, commenter=alice, hidden_at=later)
        comments.append(hidden)
        for user in dbsession.scalars(sa.select(User).where(User.role == "member")):
            comments.append(
                Comment(content=f"Fresh *words* by {user.username}", posted_at=utcnow(), commenter=user)
            )
        dbsession.add_all(comments)
        dbsession.flush()
        dbsession.add(ModerationAction.record(admin, "hide", hidden))
        oldest_id = comments[0].id
    engine.dispose()
    return oldest_id


def wait_until_healthy(url, server, log_path):
    try:
        get_when_up(url, server, time.monotonic() + TIMEOUT)
    except (AssertionError, OSError) as error:
        raise AssertionError(f"pserve did not answer {url} ({error}): {log_path.read_text()}") from error


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """pserve on a copy of testing.ini (its cheap bcrypt rounds included), on 127.0.0.1 at a
    free port, with a migrated temporary SQLite database holding alice, bob, the admin carol and comments."""
    tmp_path = tmp_path_factory.mktemp("e2e")
    database_url = f"sqlite:///{tmp_path / 'scratchpad.sqlite'}"
    env = {**os.environ, "SCRATCHPAD_DATABASE_URL": database_url}
    env.pop("SCRATCHPAD_SECRET", None)  # testing.ini's own secret
    port = free_port()
    ini = ini_listening_on(ROOT / "testing.ini", tmp_path, port)

    users = [arg for name in PASSWORDS for arg in ("--user", name)] + ["--admin", ADMIN]
    created = subprocess.run(
        [str(BIN / "initialize_scratchpad_db"), str(ini), *users],
        input="".join(f"{password}\n" for password in [*PASSWORDS.values(), ADMIN_PASSWORD]),
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert created.returncode == 0, created.stderr
    oldest_seeded_id = seed_comments(database_url)

    log_path = tmp_path / "pserve.log"
    origin = f"http://127.0.0.1:{port}"
    with pserve(ini, env, log_path) as server:
        wait_until_healthy(f"{origin}/healthz", server, log_path)
        yield LiveServer(origin, database_url, oldest_seeded_id)


# The browser.


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        unavailable("no chromium on PATH; install it with `apt-get install chromium`")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright is not installed; `pip install -e '.[testing]'`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe_source():
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def open_tab(browser, live_server, axe_source):
    """``open_tab(size=DESKTOP, javascript=True)``: a new tab; at teardown, anything that went
    wrong in any of the test's tabs fails the test."""
    tabs = []

    def open_(size=DESKTOP, javascript=True):
        tab = Tab(browser, live_server, size, javascript, axe_source)
        tabs.append(tab)
        return tab

    yield open_
    problems = [tab.problems() for tab in tabs]
    for tab in tabs:
        tab.close()
    if any(problems):
        pytest.fail(f"the browser saw problems: {problems}", pytrace=False)

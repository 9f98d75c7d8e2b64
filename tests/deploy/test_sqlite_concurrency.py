"""SQLite fit for one box: eight clients posting at once through pserve lose nothing.

WAL lets readers go on while one writer writes; busy_timeout makes a writer wait for the lock
instead of failing; a "database is locked" that still happens is retried (scratchpad/web/retry.py).
"""

import os
import secrets
import sqlite3
import subprocess
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest

from tests.support.paths import BIN, ROOT
from tests.support.servers import production_ini

CLIENTS = 8
COMMENTS_EACH = 25


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """Overrides the MariaDB deployment of conftest.py: the same production.ini, on SQLite."""
    database = tmp_path_factory.mktemp("sqlite-deploy") / "scratchpad.sqlite"
    env = {
        **os.environ,
        "SCRATCHPAD_DATABASE_URL": f"sqlite:///{database}",
        "SCRATCHPAD_SECRET": secrets.token_urlsafe(36),
    }
    passwords = {f"client{number}": secrets.token_urlsafe(12) for number in range(CLIENTS)}
    subprocess.run(
        [str(BIN / "initialize_scratchpad_db"), production_ini(database.parent)]
        + [option for name in passwords for option in ("--user", name)],
        cwd=ROOT,
        env=env,
        input="".join(password + "\n" for password in passwords.values()),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return SimpleNamespace(env=env, passwords=passwords, database=database)


@pytest.fixture(scope="module")
def posted(deployment, launch, new_browser):
    # Well above what the eight clients post, so the per-user limit stays out of the way.
    app = launch("sqlite", app_options={"scratchpad.posts_per_minute": "1000"})

    def client(username):
        browser = new_browser(app)
        browser.login(username, deployment.passwords[username])
        token = browser.csrf_token()
        return [
            browser.post("/", {"contents": f"{username} #{number}", "csrf_token": token}).status
            for number in range(COMMENTS_EACH)
        ]

    with ThreadPoolExecutor(CLIENTS) as pool:
        statuses = [status for batch in pool.map(client, deployment.passwords) for status in batch]
    with sqlite3.connect(deployment.database) as db:
        texts = [text for (text,) in db.execute("SELECT content FROM comments")]
        pragmas = {name: db.execute(f"PRAGMA {name}").fetchone()[0] for name in ("journal_mode",)}
    return SimpleNamespace(statuses=statuses, texts=texts, pragmas=pragmas, log=app.log())


def test_every_post_is_answered_with_a_redirect(posted):
    assert set(posted.statuses) == {303}


def test_every_comment_is_stored_once(posted):
    expected = {f"client{c} #{n}" for c in range(CLIENTS) for n in range(COMMENTS_EACH)}
    assert (len(posted.texts), set(posted.texts)) == (CLIENTS * COMMENTS_EACH, expected)


def test_no_database_is_locked_error_reaches_the_log(posted):
    assert "database is locked" not in posted.log


def test_the_database_is_in_wal_mode(posted):
    assert posted.pragmas["journal_mode"] == "wal"

"""A login's password check holds no SQLite write lock, so posting goes on while bcrypt runs.

Every POST writes in an IMMEDIATE transaction (scratchpad/models/__init__.py); a login reads
what it needs through a session of its own, checks the password (~200 ms of bcrypt at the
production cost) with no transaction open, then writes. Shown on a real SQLite file: inside
bcrypt, another connection with busy_timeout 0 asks for the write lock.
"""

import sqlite3

import bcrypt
import pytest
import webtest
from pyramid.paster import get_appsettings
from sqlalchemy.orm import Session

from scratchpad import main
from scratchpad.models import LoginFailure, get_engine
from scratchpad.settings import load_settings
from tests.support.factories import PASSWORD
from tests.support.in_process import run_ok
from tests.support.paths import ROOT


@pytest.fixture
def database(tmp_path):
    """A SQLite file migrated and given the user alice by initialize_scratchpad_db."""
    path = tmp_path / "scratchpad.sqlite"
    run_ok(
        "initialize_scratchpad_db",
        "testing.ini",
        "--user",
        "alice",
        database_url=f"sqlite:///{path}",
        stdin=f"{PASSWORD}\n",
    )
    return path


@pytest.fixture
def browser_on(database):
    """``browser_on(**settings)``: a browser on the whole app over ``database``, which it commits to."""
    engines = []

    def make(**overrides):
        settings = dict(get_appsettings(str(ROOT / "testing.ini")))
        settings["sqlalchemy.url"] = f"sqlite:///{database}"
        settings = {**load_settings(settings, environ={}), **overrides}
        engines.append(get_engine(settings))
        app = main({}, **settings, dbengine=engines[-1])
        return webtest.TestApp(app, extra_environ={"HTTP_HOST": "example.com"})

    yield make
    for engine in engines:
        engine.dispose()


@pytest.fixture
def write_lock_during_bcrypt(monkeypatch, database):
    """What another connection got when it asked for the write lock inside each bcrypt call of
    the test: "free", or SQLite's error."""
    seen = []

    def try_to_write():
        other = sqlite3.connect(database, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            seen.append("free")
        except sqlite3.OperationalError as error:
            seen.append(str(error))
        finally:
            other.close()

    def pausing(real):
        def call(*args):
            try_to_write()
            return real(*args)

        return call

    monkeypatch.setattr(bcrypt, "checkpw", pausing(bcrypt.checkpw))
    monkeypatch.setattr(bcrypt, "hashpw", pausing(bcrypt.hashpw))
    return seen


def log_in(browser, password, status):
    form = browser.get("/login/").forms["login-form"]
    form["username"], form["password"] = "alice", password
    return form.submit(status=status)


def test_a_successful_login_holds_no_write_lock_during_bcrypt(browser_on, write_lock_during_bcrypt):
    log_in(browser_on(), PASSWORD, status=303)
    assert write_lock_during_bcrypt == ["free"]


def test_a_failed_login_holds_no_write_lock_during_bcrypt(browser_on, write_lock_during_bcrypt):
    log_in(browser_on(), "not the password", status=400)
    assert write_lock_during_bcrypt == ["free"]


def test_a_login_that_rehashes_holds_no_write_lock_during_either_bcrypt(browser_on, write_lock_during_bcrypt):
    # alice's hash is at cost 4; at cost 5 the login checks it, then stores a new one.
    log_in(browser_on(**{"scratchpad.bcrypt_rounds": 5}), PASSWORD, status=303)
    assert write_lock_during_bcrypt == ["free", "free"]


def test_guesses_recorded_while_bcrypt_ran_still_throttle_the_login(browser_on, database, monkeypatch):
    # The allowance is counted again in the write transaction: failures other requests
    # recorded meanwhile refuse this login, right password or not, as if it had come after.
    engine = get_engine({"sqlalchemy.url": f"sqlite:///{database}"})
    limit = load_settings(dict(get_appsettings(str(ROOT / "testing.ini"))), environ={})[
        "scratchpad.login_attempts_per_user"
    ]
    real_checkpw = bcrypt.checkpw

    def others_guess_meanwhile(*args):
        with Session(engine) as other, other.begin():
            other.add_all(LoginFailure(username="alice", client_addr="192.0.2.1") for _ in range(limit))
        return real_checkpw(*args)

    monkeypatch.setattr(bcrypt, "checkpw", others_guess_meanwhile)
    browser = browser_on()
    try:
        answer = log_in(browser, PASSWORD, status=429)
    finally:
        engine.dispose()
    assert ("Too many failed logins" in answer, "Log out" in browser.get("/")) == (True, False)

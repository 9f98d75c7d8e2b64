"""The audit log (logger ``scratchpad.audit``): who logged in or out, who was throttled, who
was created, from where, with what outcome; never a password, a hash or a cookie."""

import io
import logging

import pytest
import sqlalchemy as sa

from scratchpad import main
from scratchpad.models import User
from scratchpad.scripts import initialize_db
from tests.support.factories import PASSWORD
from tests.support.paths import ROOT

WRONG = "a wrong guess at it"
NEW_PASSWORD = "pw-bob-123456"
CLIENT = "192.0.2.10"
PROXY = "10.0.0.1"


@pytest.fixture
def scratchpad_records(caplog):
    """Every record of the ``scratchpad`` loggers, from DEBUG up, during the test."""
    caplog.set_level(logging.DEBUG, logger="scratchpad")
    return lambda: [record for record in caplog.records if record.name.startswith("scratchpad")]


@pytest.fixture
def audit_log(scratchpad_records):
    """A function returning the audit messages so far, formatted as they would be written."""
    return lambda: [r.getMessage() for r in scratchpad_records() if r.name == "scratchpad.audit"]


@pytest.fixture
def browser(browser):
    """The shared ``browser``, its requests coming from ``addr`` (CLIENT unless told)."""
    return lambda wsgi=None, addr=CLIENT: browser(wsgi, REMOTE_ADDR=addr)


def log_out(visitor):
    visitor.post("/logout/", {"csrf_token": visitor.get_csrf_token()}, status=303)


@pytest.fixture
def run_init_script(monkeypatch, tmp_path):
    """``initialize_scratchpad_db testing.ini ARGS`` in this process, on a new SQLite file.

    ``setup_logging`` is switched off: it would load testing.ini's logging configuration into
    this process, replacing pytest's capturing handler and the log levels for the rest of
    the run. The script's own records still reach caplog.
    """
    monkeypatch.setattr(initialize_db, "setup_logging", lambda config_uri: None)
    monkeypatch.setenv("SCRATCHPAD_DATABASE_URL", f"sqlite:///{tmp_path / 'scratchpad.sqlite'}")

    def run(*args, stdin=""):
        argv = ["initialize_scratchpad_db", str(ROOT / "testing.ini"), *args]
        status = initialize_db.main(argv, stdin=io.StringIO(stdin))
        assert status == 0
        return tmp_path / "scratchpad.sqlite"

    return run


# What is logged


def test_successful_login_is_logged(browser, alice, audit_log):
    browser().login("alice", PASSWORD)
    assert audit_log() == [f"login succeeded user='alice' addr={CLIENT}"]


def test_failed_login_is_logged(browser, alice, audit_log):
    browser().login("alice", WRONG, status=400)
    assert audit_log() == [f"login failed user='alice' addr={CLIENT}"]


def test_failed_login_for_an_unknown_user_is_logged(browser, audit_log):
    browser().login("nobody", WRONG, status=400)
    assert audit_log() == [f"login failed user='nobody' addr={CLIENT}"]


def test_logout_is_logged(browser, alice, audit_log):
    visitor = browser()
    visitor.login("alice", PASSWORD)
    log_out(visitor)
    assert audit_log()[-1] == f"logout succeeded user='alice' addr={CLIENT}"


def test_logout_of_nobody_logs_nothing(browser, audit_log):
    log_out(browser())
    assert audit_log() == []


def test_throttled_login_is_logged_with_the_limit_hit(browser, alice, audit_log):
    visitor = browser()
    for _ in range(5):
        visitor.login("alice", WRONG, status=400)
    visitor.login("alice", PASSWORD, status=429)
    assert audit_log()[-1] == f"login throttled user='alice' addr={CLIENT} limit='user'"


def test_throttling_by_address_is_logged_as_such(browser, app_settings, dbengine, alice, audit_log):
    wsgi = main({}, **{**app_settings, "scratchpad.login_attempts_per_address": 1}, dbengine=dbengine)
    visitor = browser(wsgi)
    visitor.login("somebody", WRONG, status=400)
    visitor.login("alice", PASSWORD, status=429)
    assert audit_log()[-1] == f"login throttled user='alice' addr={CLIENT} limit='address'"


def test_address_behind_a_trusted_proxy_is_the_forwarded_client(
    browser, app_settings, dbengine, alice, audit_log
):
    wsgi = main({}, **{**app_settings, "scratchpad.trusted_proxies": PROXY}, dbengine=dbengine)
    form = browser(wsgi, addr=PROXY).get("/login/").form
    form["username"], form["password"] = "alice", PASSWORD
    form.submit(status=303, headers={"X-Forwarded-For": f"203.0.113.7, {CLIENT}"})
    assert audit_log() == [f"login succeeded user='alice' addr={CLIENT}"]


def test_user_created_by_the_init_script_is_logged(run_init_script, audit_log):
    run_init_script("--user", "bob", stdin=NEW_PASSWORD + "\n")
    assert audit_log() == ["user created user='bob' addr=command line role='member'"]


def test_initial_admin_created_by_the_init_script_is_logged(run_init_script, audit_log):
    run_init_script("--initial-admin")
    assert audit_log() == ["user created user='admin' addr=command line initial_admin=True role='admin'"]


def test_newline_in_a_username_cannot_forge_a_second_log_line(browser, audit_log):
    browser().login("mallory\nlogin succeeded user='admin'", WRONG, status=400)
    assert [message.count("\n") for message in audit_log()] == [0]


# What is never logged


def everything_logged(records):
    """Each record's message, its raw arguments and its extra attributes, as one text."""
    return "\n".join(f"{record.getMessage()} {record.args!r} {vars(record)!r}" for record in records())


def test_no_password_hash_or_cookie_in_any_log_record(browser, dbsession, alice, scratchpad_records):
    visitor = browser()
    visitor.login("alice", WRONG, status=400)
    visitor.login("alice", PASSWORD)
    cookies = [visitor.cookies["auth_tkt"], visitor.cookies["scratchpad_session"]]
    visitor.post("/", {"contents": "Hi", "csrf_token": visitor.get_csrf_token()}, status=303)
    log_out(visitor)
    cookies.append(visitor.cookies["scratchpad_session"])
    password_hash = dbsession.scalar(sa.select(User.password_hash).where(User.username == "alice"))
    logged = everything_logged(scratchpad_records)
    leaked = [secret for secret in [PASSWORD, WRONG, password_hash, *cookies] if secret in logged]
    assert (leaked, "login succeeded" in logged) == ([], True)


def test_no_password_or_hash_in_the_init_scripts_log_records(run_init_script, scratchpad_records):
    database = run_init_script("--user", "bob", stdin=NEW_PASSWORD + "\n")
    engine = sa.create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        password_hash = connection.scalar(sa.text("SELECT password_hash FROM users"))
    engine.dispose()
    logged = everything_logged(scratchpad_records)
    leaked = [secret for secret in [NEW_PASSWORD, password_hash] if secret in logged]
    assert (leaked, "user created" in logged) == ([], True)


def test_no_generated_admin_password_in_the_log(run_init_script, scratchpad_records, capsys):
    run_init_script("--initial-admin")
    printed = capsys.readouterr().out
    admin_password = printed.split("with password: ")[1].split()[0]
    assert admin_password not in everything_logged(scratchpad_records)

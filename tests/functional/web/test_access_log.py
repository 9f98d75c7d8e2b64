"""The access log: one line per request on ``scratchpad.access`` (method, path, status, time,
user id or -), never a query string or cookie, never a database query of its own; and under
pserve, through testing.ini's logging sections, on stderr."""

import logging
import re
import sqlite3
import time

import pymysql
import pytest

from tests.support.factories import PASSWORD
from tests.support.servers import ROOT, free_port, get_when_up, ini_listening_on, migrated_env, pserve

LINE = re.compile(r"^(?P<method>\S+) (?P<path>\S+) (?P<status>\d{3}) (?P<ms>\d+\.\d)ms user=(?P<user>\S+)$")


@pytest.fixture
def access_log(caplog):
    """The access log lines written so far, as match objects of LINE (None for a malformed one)."""
    caplog.set_level(logging.INFO, logger="scratchpad.access")
    return lambda: [
        LINE.match(record.getMessage()) for record in caplog.records if record.name == "scratchpad.access"
    ]


def test_one_line_per_request(testapp, access_log):
    testapp.get("/")
    testapp.get("/login/")
    testapp.get("/healthz")
    assert [(line["method"], line["path"], line["status"]) for line in access_log()] == [
        ("GET", "/", "200"),
        ("GET", "/login/", "200"),
        ("GET", "/healthz", "200"),
    ]


def test_anonymous_visitor_is_a_dash(testapp, access_log):
    testapp.get("/")
    assert access_log()[0]["user"] == "-"


def test_logged_in_visitor_is_their_user_id(testapp, access_log, alice):
    testapp.login("alice", PASSWORD)
    testapp.get("/")
    assert access_log()[-1]["user"] == str(alice.id)


def test_error_pages_are_logged_with_their_status(testapp, access_log):
    testapp.get("/no-such-page", status=404)
    assert (access_log()[0]["path"], access_log()[0]["status"]) == ("/no-such-page", "404")


def test_redirects_are_logged_with_their_status(testapp, access_log, alice):
    testapp.login("alice", PASSWORD)
    line = access_log()[-1]
    assert (line["method"], line["path"], line["status"]) == ("POST", "/login/", "303")


def test_query_string_and_cookies_are_never_logged(testapp, access_log, caplog, alice):
    testapp.login("alice", PASSWORD)
    cookies = [cookie.value for cookie in testapp.cookiejar]
    testapp.get("/?before=123&token=s3cr3t-token")
    logged = "\n".join(record.getMessage() for record in caplog.records if record.name == "scratchpad.access")
    assert ("s3cr3t-token" in logged, "before=" in logged, any(value in logged for value in cookies)) == (
        False,
        False,
        False,
    )


def test_a_path_cannot_forge_a_log_line(testapp, access_log):
    testapp.get("/x%0AGET%20/admin%20200%200.1ms%20user=1", status=404)
    lines = access_log()
    assert (len(lines), lines[0] is not None, "\n" not in lines[0]["path"]) == (1, True, True)


def test_logging_a_request_that_never_looked_up_its_user_adds_no_query(
    testapp, access_log, statements, alice
):
    testapp.login("alice", PASSWORD)
    statements.clear()
    testapp.get("/static/scratchpad.css")
    # A static file never asks who the visitor is, and the access log does not either.
    assert (statements, access_log()[-1]["user"]) == ([], "-")


def test_logged_in_page_costs_no_more_queries_than_without_the_access_log(testapp, statements, alice, caplog):
    testapp.login("alice", PASSWORD)
    caplog.set_level(logging.WARNING, logger="scratchpad.access")
    statements.clear()
    testapp.get("/")
    without = len(statements)
    caplog.set_level(logging.INFO, logger="scratchpad.access")
    statements.clear()
    testapp.get("/")
    assert len(statements) == without


# Under pserve: the ini's logging sections send the lines to stderr.


@pytest.fixture(scope="module")
def pserve_stderr(tmp_path_factory):
    """stderr of ``pserve`` on a copy of testing.ini after GET / and GET /healthz?probe=..."""
    tmp_path = tmp_path_factory.mktemp("pserve")
    env = migrated_env(tmp_path)
    port = free_port()
    ini = ini_listening_on(ROOT / "testing.ini", tmp_path, port)
    log_path = tmp_path / "stderr.log"
    with pserve(ini, env, log_path, stdout_too=False) as server:
        answers = [
            get_when_up(f"http://127.0.0.1:{port}/", server, time.monotonic() + 30)[0],
            get_when_up(
                f"http://127.0.0.1:{port}/healthz?probe=not-for-the-log", server, time.monotonic() + 30
            )[0],
        ]
    assert answers == [200, 200], log_path.read_text()
    return log_path.read_text()


@pytest.mark.served
def test_pserve_writes_one_access_line_per_request_to_stderr(pserve_stderr):
    lines = [line.split("] ", 1)[1] for line in pserve_stderr.splitlines() if "[scratchpad.access:" in line]
    assert [LINE.match(line).group("method", "path", "status", "user") for line in lines] == [
        ("GET", "/", "200", "-"),
        ("GET", "/healthz", "200", "-"),
    ], pserve_stderr


@pytest.mark.served
def test_pserve_access_log_leaves_out_the_query_string(pserve_stderr):
    assert "not-for-the-log" not in pserve_stderr


@pytest.fixture
def deadlock_once(dbengine, monkeypatch):
    """The app's first INSERT INTO comments fails as a deadlock would: pyramid_retry runs the
    request again."""
    real_do_execute = dbengine.dialect.do_execute
    failed = []

    def do_execute(cursor, statement, parameters, context=None):
        real_do_execute(cursor, statement, parameters, context)
        if statement.lstrip().upper().startswith("INSERT INTO COMMENTS") and not failed:
            failed.append(statement)
            if dbengine.dialect.name == "sqlite":
                raise sqlite3.OperationalError("database is locked")
            raise pymysql.err.OperationalError(1213, "Deadlock found when trying to get lock")

    monkeypatch.setattr(dbengine.dialect, "do_execute", do_execute)
    return failed


def test_retried_request_is_logged_once_with_the_answer_sent(testapp, access_log, alice, deadlock_once):
    testapp.login("alice", PASSWORD)
    form = next(form for form in testapp.get("/").forms.values() if "contents" in form.fields)
    form["contents"] = "Posted through a deadlock"
    before = len(access_log())
    form.submit(status=303)
    posts = [(line["method"], line["path"], line["status"]) for line in access_log()[before:]]
    assert (len(deadlock_once), posts) == (1, [("POST", "/", "303")])


def test_a_path_that_is_not_utf8_is_logged_as_its_bytes(testapp, access_log):
    testapp.get("/caf%E9", status="*")
    assert access_log()[0]["path"] == "/caf%E9"

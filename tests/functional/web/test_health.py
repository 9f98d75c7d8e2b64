"""GET /healthz for monitoring: ``ok`` when the database answers, 503 when it does not; no login,
no throttling, no cookie."""

import http.client
import os
import time

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from tests.support.servers import ROOT, free_port, ini_listening_on, pserve, when_up


def test_healthz_answers_ok_when_the_database_answers(testapp):
    response = testapp.get("/healthz", status=200)
    assert (response.text, response.content_type) == ("ok", "text/plain")


def test_healthz_sets_no_cookie(testapp):
    assert "Set-Cookie" not in testapp.get("/healthz").headers


def test_healthz_needs_no_login(testapp):
    # Not a redirect to the login page: anonymous monitoring gets the answer itself.
    assert testapp.get("/healthz").status_int == 200


def test_healthz_is_not_throttled(testapp):
    statuses = {testapp.get("/healthz", status="*").status_int for _ in range(50)}
    assert statuses == {200}


@pytest.fixture
def database_down(monkeypatch):
    """Every statement the app sends fails as it would with the server gone."""

    def execute(self, *args, **kwargs):
        raise sa.exc.OperationalError("SELECT 1", {}, ConnectionRefusedError("the database is down"))

    monkeypatch.setattr(Session, "execute", execute)


def test_healthz_is_503_when_the_database_fails(testapp, database_down):
    response = testapp.get("/healthz", status=503)
    assert "ok" not in response.text


def test_healthz_sets_no_cookie_when_the_database_fails(testapp, database_down):
    assert "Set-Cookie" not in testapp.get("/healthz", status=503).headers


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("sqlite:////nonexistent-directory/scratchpad.sqlite", id="sqlite-unopenable"),
        pytest.param(
            f"mysql+pymysql://root@127.0.0.1:{free_port()}/scratchpad?charset=utf8mb4&connect_timeout=2",
            id="mariadb-not-listening",
        ),
    ],
)
def test_healthz_is_503_when_the_database_cannot_be_reached(app_on, url):
    with app_on(url) as browser:
        response = browser.get("/healthz", status="*")
    assert (response.status_int, "Set-Cookie" in response.headers) == (503, False)


# Quiet outages: one line per failed check, the traceback only at DEBUG.

UNOPENABLE = "sqlite:////nonexistent-directory/scratchpad.sqlite"


def health_records(caplog, level):
    return [
        record
        for record in caplog.records
        if record.name == "scratchpad.web.health" and record.levelname == level
    ]


def test_each_failed_check_is_one_warning_line_naming_the_error(testapp, database_down, caplog):
    caplog.set_level("DEBUG", logger="scratchpad")
    for _ in range(3):
        testapp.get("/healthz", status=503)
    warnings = health_records(caplog, "WARNING")
    assert [(record.getMessage(), record.exc_info) for record in warnings] == [
        ("Health check: the database did not answer: ConnectionRefusedError: the database is down", None)
    ] * 3


def test_the_traceback_of_a_failed_check_is_logged_at_debug_only(testapp, database_down, caplog):
    caplog.set_level("DEBUG", logger="scratchpad")
    testapp.get("/healthz", status=503)
    assert [record.exc_info[0] for record in health_records(caplog, "DEBUG")] == [sa.exc.OperationalError]


def test_a_503_page_is_logged_on_one_line_without_the_query_string(app_on, caplog):
    with app_on(UNOPENABLE) as browser:
        browser.get("/?before=1&token=not-for-the-log", status=503)
    lines = [record.getMessage() for record in caplog.records if record.name == "scratchpad.web.errors"]
    assert lines == ["Database unavailable on GET /: OperationalError: unable to open database file"]


def test_a_real_unreachable_database_is_one_line_per_check(app_on, caplog):
    with app_on(UNOPENABLE) as browser:
        for _ in range(3):
            browser.get("/healthz", status=503)
    messages = [record.getMessage() for record in health_records(caplog, "WARNING")]
    assert (len(messages), all("\n" not in message for message in messages), messages[0]) == (
        3,
        True,
        "Health check: the database did not answer: OperationalError: unable to open database file",
    )


@pytest.mark.served
def test_pserve_writes_no_traceback_during_an_outage(tmp_path):
    port = free_port()
    ini = ini_listening_on(ROOT / "testing.ini", tmp_path, port)
    env = {**os.environ, "SCRATCHPAD_DATABASE_URL": UNOPENABLE}
    log_path = tmp_path / "stderr.log"
    with pserve(ini, env, log_path, stdout_too=False) as server:
        statuses = [status_when_up(port, "/healthz?probe=secret", server) for _ in range(5)]
    log = log_path.read_text()
    health_lines = [line for line in log.splitlines() if "scratchpad.web.health" in line]
    assert (statuses, len(health_lines), "Traceback" in log, "secret" in log) == (
        [503] * 5,
        5,
        False,
        False,
    ), log


def status_when_up(port, path, server):
    """The status of GET ``path``, once the server answers (at most 30 s from now)."""

    def status():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", path)
            return connection.getresponse().status
        finally:
            connection.close()

    return when_up(status, server, time.monotonic() + 30)

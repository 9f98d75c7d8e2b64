"""GET /healthz for monitoring: ``ok`` when the database answers, 503 when it does not; no login,
no throttling, no cookie."""

import socket

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session


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


def unused_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("sqlite:////nonexistent-directory/scratchpad.sqlite", id="sqlite-unopenable"),
        pytest.param(
            f"mysql+pymysql://root@127.0.0.1:{unused_port()}/scratchpad?charset=utf8mb4&connect_timeout=2",
            id="mariadb-not-listening",
        ),
    ],
)
def test_healthz_is_503_when_the_database_cannot_be_reached(app_on, url):
    with app_on(url) as browser:
        response = browser.get("/healthz", status="*")
    assert (response.status_int, "Set-Cookie" in response.headers) == (503, False)

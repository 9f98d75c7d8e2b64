"""SIGTERM drains an app process (docs/deploying.md, step 4): the requests in flight get their
answers, new connections are refused, a kept-alive connection is answered once more with
``Connection: close``, and the process exits by itself, with status 0, within
``scratchpad.drain_seconds``. Under ``pserve production.ini`` (waitress, scratchpad/web/serving.py)
and under ``gunicorn --paste production.ini`` (gunicorn's own graceful stop), on SQLite.

The requests in flight are failed logins with production.ini's bcrypt cost: each takes a
good fraction of a second, so SIGTERM comes while they run.
"""

import http.client
import re
import signal
import socket
import threading
import time
import urllib.parse

import pytest

from tests.support import servers
from tests.support.servers import BIN, ROOT, free_port, ini_listening_on, migrated_env

#: How many slow requests are in flight when SIGTERM comes.
IN_FLIGHT = 3
SECRET = "drain-test-secret-drain-test-secret-0123456789"


def server_command(kind, ini, port):
    if kind == "pserve":
        return [BIN / "pserve", ini]
    return [BIN / "gunicorn", "--paste", ini, "-w", "1", "--threads", "4", "-b", f"127.0.0.1:{port}"]


@pytest.fixture(params=["pserve", "gunicorn"])
def app_server(request, tmp_path):
    """``(process, port, log_path)``: production.ini on SQLite with ``drain_seconds = 5``."""
    yield from serve(request.param, tmp_path)


@pytest.fixture
def pserve_server(tmp_path):
    """The same, under pserve only."""
    yield from serve("pserve", tmp_path)


def serve(kind, tmp_path):
    port = free_port()
    ini = ini_listening_on(ROOT / "production.ini", tmp_path, port)
    text = re.sub(r"(?m)^scratchpad.drain_seconds = .*$", "scratchpad.drain_seconds = 5", ini.read_text())
    ini.write_text(text)
    env = migrated_env(tmp_path, SCRATCHPAD_SECRET=SECRET)
    log_path = tmp_path / "server.log"
    with servers.served(server_command(kind, ini, port), env, log_path) as process:
        servers.get_when_up(f"http://127.0.0.1:{port}/healthz", process, time.monotonic() + 60)
        yield process, port, log_path


def login_form(port):
    """The cookie header and CSRF token a browser would send with the login form."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/login/")
    response = connection.getresponse()
    page = response.read().decode("utf-8")
    connection.close()
    cookie = "; ".join(header.split(";")[0] for header in response.headers.get_all("Set-Cookie"))
    return cookie, re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def failed_login(port, cookie, token, outcomes):
    """POST a wrong password and record the status, or the error the connection gave."""
    body = urllib.parse.urlencode({"username": "nobody", "password": "not-the-password", "csrf_token": token})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST", "/login/", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        outcomes.append(response.status)
    except OSError as error:
        outcomes.append(repr(error))
    finally:
        connection.close()


def test_sigterm_finishes_the_requests_in_flight_then_exits(app_server):
    process, port, log_path = app_server
    cookie, token = login_form(port)
    outcomes = []
    threads = [
        threading.Thread(target=failed_login, args=(port, cookie, token, outcomes)) for _ in range(IN_FLIGHT)
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.15)  # the requests are sent; bcrypt is still checking the passwords
    process.send_signal(signal.SIGTERM)
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes == [400] * IN_FLIGHT, log_path.read_text()
    assert process.wait(timeout=10) == 0, log_path.read_text()


def refused_within(port, seconds):
    """Whether a new connection to ``port`` is refused within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except ConnectionRefusedError:
            return True
        time.sleep(0.05)
    return False


def test_sigterm_refuses_new_connections(app_server):
    # gunicorn's worker stops listening when its loop next wakes up, within a second.
    process, port, _ = app_server
    busy = threading.Thread(target=failed_login, args=(port, *login_form(port), []))
    busy.start()
    time.sleep(0.15)
    process.send_signal(signal.SIGTERM)
    assert refused_within(port, 2)
    busy.join(timeout=30)
    assert process.wait(timeout=10) == 0


def test_a_kept_alive_connection_is_answered_with_connection_close(pserve_server):
    # pserve only: gunicorn handles its kept-alive connections in its own way.
    process, port, log_path = pserve_server
    kept = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    kept.request("GET", "/healthz")
    first = kept.getresponse()
    first.read()
    assert first.getheader("Connection") is None  # kept alive
    process.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    kept.request("GET", "/healthz")
    after = kept.getresponse()
    assert (after.status, after.read(), after.getheader("Connection")) == (200, b"ok", "close")
    kept.close()
    assert process.wait(timeout=10) == 0, log_path.read_text()


def test_an_idle_connection_is_closed_after_drain_seconds(pserve_server):
    # (Under gunicorn the bound is its own graceful_timeout.)
    process, port, log_path = pserve_server
    idle = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    idle.request("GET", "/healthz")
    idle.getresponse().read()
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=15) == 0, log_path.read_text()
    waited = time.monotonic() - started
    assert 4 < waited < 8, waited  # drain_seconds = 5: waited for the idle connection, then closed it
    assert "drain time over: closing 1 connection(s)" in log_path.read_text()
    idle.sock.settimeout(5)
    try:
        assert idle.sock.recv(1) == b""  # closed by the server
    finally:
        idle.close()

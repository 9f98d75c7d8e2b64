"""Behind the reverse proxy, one client cannot lock everyone out: production.ini as shipped,
served the two ways docs/administration.md shows (``pserve production.ini`` and
``gunicorn --paste production.ini``), on a copy listening on a free loopback port and a
temporary SQLite database. Every request comes from 127.0.0.1, as through nginx on this
machine, with the ``X-Forwarded-For`` nginx adds; no nginx runs here.

An attacker at A fails to log in past the per-address limit (20 in production.ini): A is
refused (429) even with the right password, while a visitor at B logs in (303)."""

import subprocess
import time
from types import SimpleNamespace

import pytest

from tests.support.servers import (
    BIN,
    ROOT,
    free_port,
    get_when_up,
    ini_listening_on,
    migrated_env,
    production_ini,
    served,
)

SECRET = "a-real-production-secret-of-more-than-32-characters"
PASSWORD = "alice-password-123"
ATTACKER, VISITOR = "198.51.100.66", "203.0.113.7"
PER_ADDRESS = 20  # production.ini's scratchpad.login_attempts_per_address
STARTUP = 60
TIMEOUT = 30


def log_in(browser, username, password):
    """The status a login through the real form was answered with (429 and 400 included)."""
    fields = {"username": username, "password": password, "csrf_token": browser.csrf_token("/login/")}
    return browser.post("/login/", fields).status


def server_commands(ini, port):
    return {
        "pserve": [BIN / "pserve", ini],
        "gunicorn": [BIN / "gunicorn", "--paste", ini, "--preload", "-w", "2", "-b", f"127.0.0.1:{port}"],
    }


@pytest.fixture(scope="module", params=["pserve", "gunicorn"])
def attacked(request, tmp_path_factory, new_browser):
    """What an attacker's failed logins, then the attacker's and a visitor's logins as alice,
    were answered with; and what the server logged."""
    tmp_path = tmp_path_factory.mktemp(request.param)
    env = migrated_env(tmp_path, SCRATCHPAD_SECRET=SECRET)
    added = subprocess.run(
        [str(BIN / "scratchpad-admin"), production_ini(tmp_path), "users", "add", "alice"],
        cwd=ROOT,
        env=env,
        input=f"{PASSWORD}\n",
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert added.returncode == 0, added.stderr
    port = free_port()
    ini = ini_listening_on(ROOT / "production.ini", tmp_path, port)
    log_path = tmp_path / "server.log"
    with served(server_commands(ini, port)[request.param], env, log_path) as server:
        try:
            get_when_up(f"http://127.0.0.1:{port}/healthz", server, time.monotonic() + STARTUP)
            # One browser behind the proxy per address: the X-Forwarded-For the proxy adds.
            app = SimpleNamespace(port=port)
            attacker = new_browser(app, headers={"X-Forwarded-For": ATTACKER})
            visitor = new_browser(app, headers={"X-Forwarded-For": VISITOR})
            # Four guesses at each of five names: under the per-user limit, at the per-address one.
            failures = [log_in(attacker, f"guess{number // 4}", "wrong") for number in range(PER_ADDRESS)]
            seen = {
                "failures": failures,
                "attacker": log_in(attacker, "alice", PASSWORD),
                "visitor": log_in(visitor, "alice", PASSWORD),
            }
        except Exception as error:
            raise AssertionError(f"{error}; the server wrote: {log_path.read_text()}") from error
    seen["log"] = log_path.read_text()
    seen["audit"] = (tmp_path / "audit.log").read_text()
    return seen


def test_the_attackers_guesses_fail(attacked):
    assert attacked["failures"] == [400] * PER_ADDRESS


def test_the_attacker_is_throttled_even_with_the_right_password(attacked):
    assert attacked["attacker"] == 429


def test_a_visitor_at_another_address_logs_in(attacked):
    assert attacked["visitor"] == 303


def test_the_app_and_the_admin_command_write_one_audit_log(attacked):
    # production.ini's [handler_audit] file, written by scratchpad-admin and by the server.
    lines = attacked["audit"].splitlines()
    created = [line for line in lines if "user created user='alice' addr=command line" in line]
    logged_in = [line for line in lines if f"login succeeded user='alice' addr={VISITOR}" in line]
    assert (len(created), len(logged_in)) == (1, 1), attacked["audit"]


def test_the_local_proxy_is_trusted_without_a_warning(attacked):
    assert "is not in scratchpad.trusted_proxies" not in attacked["log"]

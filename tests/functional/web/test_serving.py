"""Running the app as docs/administration.md says: ``pserve development.ini --reload``, and
production.ini under ``gunicorn --paste`` with two workers. Each server runs on a copy of the ini
listening on a free loopback port, on a temporary SQLite database, and is stopped at the end."""

import os
import signal
import subprocess
import time

import pytest

from tests.support.servers import BIN, ROOT, free_port, get_when_up, ini_listening_on, migrated_env, served

pytestmark = pytest.mark.served

SECRET = "a-real-production-secret-of-more-than-32-characters"
STARTUP = 60


def stop(server):
    """SIGTERM to the server's process group (it was started in a session of its own, so this
    reaches its reloader or workers too and nothing else); SIGKILL if it lingers."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)


def children(pid):
    with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as listing:
        return listing.read().split()


@pytest.fixture(scope="module")
def development_reload(tmp_path_factory):
    """GET / from ``pserve development.ini --reload`` (a copy on a free port), and its output."""
    tmp_path = tmp_path_factory.mktemp("reload")
    env = migrated_env(tmp_path)
    port = free_port()
    ini = ini_listening_on(ROOT / "development.ini", tmp_path, port)
    log_path = tmp_path / "pserve.log"
    with served([BIN / "pserve", ini, "--reload"], env, log_path) as server:
        try:
            answer = get_when_up(f"http://127.0.0.1:{port}/", server, time.monotonic() + STARTUP)
            still_running = server.poll() is None
        except Exception as error:
            raise AssertionError(f"{error}; pserve wrote: {log_path.read_text()}") from error
    return answer, still_running, log_path.read_text()


def test_pserve_development_ini_with_reload_serves_the_comment_page(development_reload):
    (status, body), still_running, output = development_reload
    assert (status, "Log in" in body, still_running) == (200, True, True), output


def test_pserve_development_ini_with_reload_runs_under_the_reloader(development_reload):
    *_, output = development_reload
    assert "Starting monitor for PID" in output or "file monitor" in output.lower(), output


@pytest.fixture(scope="module", params=[[], ["--preload"]], ids=["plain", "preload"])
def gunicorn(request, tmp_path_factory):
    """production.ini under ``gunicorn --paste ... -w 2`` (and with ``--preload``, as
    docs/administration.md advises): answers to a few requests, the number of worker
    processes, and what gunicorn and the app wrote."""
    tmp_path = tmp_path_factory.mktemp("gunicorn")
    env = migrated_env(tmp_path, SCRATCHPAD_SECRET=SECRET)
    port = free_port()
    ini = ini_listening_on(ROOT / "production.ini", tmp_path, port)
    log_path = tmp_path / "gunicorn.log"
    command = [BIN / "gunicorn", "--paste", ini, *request.param, "-w", "2", "-b", f"127.0.0.1:{port}"]
    with served(command, env, log_path) as server:
        try:
            deadline = time.monotonic() + STARTUP
            answers = [
                get_when_up(f"http://127.0.0.1:{port}{path}", server, deadline)
                for path in ["/", "/healthz", "/", "/login/"]
            ]
            while len(children(server.pid)) < 2 and time.monotonic() < deadline:
                time.sleep(0.2)
            workers = len(children(server.pid))
        except Exception as error:
            raise AssertionError(f"{error}; gunicorn wrote: {log_path.read_text()}") from error
    return answers, workers, log_path.read_text()


def test_gunicorn_serves_production_ini(gunicorn):
    answers, _, output = gunicorn
    assert [status for status, _ in answers] == [200, 200, 200, 200], output


def test_gunicorn_serves_the_comment_page_and_health_check(gunicorn):
    answers, _, _ = gunicorn
    assert ("Log in" in answers[0][1], answers[1][1]) == (True, "ok")


def test_gunicorn_runs_two_workers(gunicorn):
    _, workers, output = gunicorn
    assert workers == 2, output


def test_gunicorn_takes_the_logging_configuration_from_the_ini(gunicorn):
    # production.ini's access logger and format, not gunicorn's own.
    *_, output = gunicorn
    assert "[scratchpad.access:" in output, output
    assert "GET /healthz 200" in output, output


def test_gunicorn_with_preload_refuses_production_ini_without_a_secret(tmp_path):
    # Without --preload each worker would exit with the message and gunicorn would start
    # another, for ever; preloaded, the app is built once in the master, which stops.
    env = migrated_env(tmp_path)
    env.pop("SCRATCHPAD_SECRET", None)
    ini = ini_listening_on(ROOT / "production.ini", tmp_path, free_port())
    result = subprocess.run(
        [
            str(BIN / "gunicorn"),
            "--paste",
            str(ini),
            "--preload",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{free_port()}",
        ],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (result.returncode != 0, "SCRATCHPAD_SECRET" in result.stdout + result.stderr) == (True, True)

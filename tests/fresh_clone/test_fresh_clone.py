"""The README's two commands, on a fresh clone with no .venv and no database."""

import http.cookiejar
import os
import re
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.support.paths import BIN, ROOT

pytestmark = pytest.mark.slow


PORT = 6543  # what the README promises; development.ini's listen line

#: The nested ``make test``'s tests: SQLite and MariaDB through the WSGI stack (8 tests; the
#: board's 146 of test_comments.py showed nothing more about the clone, at ~14 CPU seconds), a
#: console script (7 runs of it; ``make run`` above ran it too), a server on a port of its own,
#: and the browser.
SMOKE = [
    "tests/functional/board/test_refused_edits.py",
    "tests/scripts/test_rerender.py",
    "tests/functional/web/test_health.py",
    "tests/e2e/test_community.py",
]


def port_is_free(port):
    with socket.socket() as probe:
        # As waitress does, so connections lingering in TIME_WAIT do not count.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def clean_environment():
    """The caller's environment minus anything that would point at this checkout's venv or DB."""
    environ = {
        key: value
        for key, value in os.environ.items()
        # COVERAGE_PROCESS_CONFIG: this run's coverage would measure the clone's processes too.
        if not key.startswith(("SCRATCHPAD_", "VIRTUAL_ENV", "PYTEST_", "PYTHONPATH", "COVERAGE_"))
    }
    venv_bin = str(BIN)
    environ["PATH"] = os.pathsep.join(
        part for part in environ.get("PATH", "").split(os.pathsep) if part != venv_bin
    )
    return environ


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    target = tmp_path_factory.mktemp("clone") / "scratchpad"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(target)], check=True, timeout=120)
    assert not (target / ".venv").exists()
    assert not (target / "scratchpad.sqlite").exists()
    return target


class Served:
    """``make run`` in the background until the site answers; stopped with its process group."""

    def __init__(self, clone, port):
        self.port = port
        self.log = clone / "make-run.log"
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                ["make", "run"],
                cwd=clone,
                env=clean_environment(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_until_serving(self, timeout=600):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"make run exited early:\n{self.output()}")
            try:
                with urllib.request.urlopen(f"http://localhost:{self.port}/", timeout=5) as response:
                    return response.read().decode()
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)
        pytest.fail(f"make run did not serve within {timeout} s:\n{self.output()}")

    def output(self):
        return self.log.read_text()

    def stop(self):
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)


def log_in_and_post(port, username, password, text):
    """Drive the site like a browser: cookies, the forms' CSRF tokens, 303 redirects."""
    base = f"http://localhost:{port}"
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def post(path, **fields):
        page = browser.open(base + path, timeout=10).read().decode()
        fields["csrf_token"] = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode(fields).encode()
        return browser.open(base + path, data=body, timeout=30).read().decode()

    post("/login/", username=username, password=password)
    return post("/", contents=text)


def test_make_run_twice_then_make_test(clone):
    port = PORT
    assert port_is_free(port), f"port {port} is taken: stop whatever serves there (make run?)"
    first = Served(clone, port)
    try:
        page = first.wait_until_serving()
        assert "My scratchpad" in page
        match = re.search(r"Created user admin with password: (\S+)", first.output())
        assert match, first.output()
        page = log_in_and_post(port, "admin", match.group(1), "Still here after a restart?")
        assert "by <bdi>admin</bdi>" in page
    finally:
        first.stop()
    assert (clone / ".venv" / "bin" / "pserve").exists()

    second = Served(clone, port)
    try:
        page = second.wait_until_serving()
    finally:
        second.stop()
    assert "password" not in second.output().lower()
    assert "Still here after a restart?" in page
    with sqlite3.connect(clone / "scratchpad.sqlite") as db:
        assert db.execute("SELECT username FROM users").fetchall() == [("admin",)]

    # The README's `make test` in the clone, on a smoke subset (the whole suite runs once, in the
    # run that got here): every kind of test in it, so SQLite, MariaDB, Chromium, the parallel
    # workers and coverage are all shown working in a fresh clone.
    result = subprocess.run(
        ["make", "test", f"PYTEST_ARGS=-q -p no:cacheprovider {' '.join(SMOKE)}"],
        cwd=clone,
        env=clean_environment(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=1500,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    assert re.search(r"\d+ passed", result.stdout), result.stdout[-2000:]
    # The README's command, as the whole suite runs it: in parallel, with coverage.
    assert "bringing up nodes" in result.stdout, result.stdout[-2000:]
    assert "TOTAL" in result.stdout, result.stdout[-2000:]

"""A deployment as docs/deploying.md describes it, on this machine's loopback: a MariaDB
server with a database and an app user of its own, migrated and given a first user by
``initialize_scratchpad_db production.ini``, and ``pserve`` processes on copies of
production.ini. Real HTTP through http.client; the database is checked directly.

Each test module gets its own MariaDB server (they start in well under a second): the fault
tests stop theirs, and nothing they do may leak into the scale-out tests.
"""

import http.client
import os
import re
import secrets
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support import servers
from tests.support.mariadb_server import MariaDBServer, find_server_binary
from tests.support.paths import BIN, ROOT
from tests.support.servers import free_port, ini_listening_on, production_ini, send
from tests.support.tools import unavailable

DATABASE = "scratchpad"
APP_USER = "scratchpad"
#: The board's users, created by initialize_scratchpad_db.
USERNAMES = ("alice", "bob")
#: Longest wait for a subprocess, a server to come up, or one HTTP exchange.
TIMEOUT = 30

CSRF_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')

#: (label, seconds) measured by the tests, shown at the end of the run.
_timings = []


def pytest_terminal_summary(terminalreporter):
    if _timings:
        terminalreporter.section("deploy: wall times")
        for label, seconds in _timings:
            terminalreporter.write_line(f"{label}: {seconds:.2f} s")


@pytest.fixture(scope="session")
def record_timing():
    """``record_timing(label, seconds)``: report a measured wall time after the run."""
    return lambda label, seconds: _timings.append((label, seconds))


@dataclass
class Browser:
    """Just enough of a browser: one cookie jar, form posts, no redirects followed.

    production.ini marks every cookie ``Secure``, and a browser would only send such cookies
    back over HTTPS. In production TLS ends at the reverse proxy and the app speaks plain HTTP
    behind it, so the browser does see HTTPS. These tests talk to pserve directly, as the proxy
    would, so this jar keeps and returns cookies whatever their Secure flag; ``secure_cookies``
    records which names arrived marked Secure, so the tests can check that production sets it.
    """

    app: "AppProcess"
    #: Sent with every request, e.g. what a reverse proxy adds.
    headers: dict = field(default_factory=dict)
    cookies: dict = field(default_factory=dict)
    secure_cookies: set = field(default_factory=set)

    def request(self, method, path, fields=None, app=None):
        app = app or self.app
        connection = http.client.HTTPConnection("127.0.0.1", app.port, timeout=TIMEOUT)
        response, secure = send(connection, method, path, self.headers, self.cookies, fields)
        self.secure_cookies |= secure
        return response

    def get(self, path, app=None):
        return self.request("GET", path, app=app)

    def post(self, path, fields, app=None):
        return self.request("POST", path, fields, app=app)

    def csrf_token(self, path="/", app=None):
        """The token from a form on ``path``, as a browser would submit it."""
        page = self.get(path, app=app)
        assert page.status == 200, f"GET {path}: {page.status}\n{page.text[:2000]}"
        found = CSRF_TOKEN.search(page.text)
        assert found, f"no csrf_token on {path}"
        return found.group(1)

    def login(self, username, password, app=None):
        token = self.csrf_token("/login/", app=app)
        fields = {"username": username, "password": password, "csrf_token": token, "next": "/"}
        response = self.post("/login/", fields, app=app)
        assert response.status == 303, f"login: {response.status}\n{response.text[:2000]}"
        return response


@dataclass
class AppProcess:
    """One ``pserve`` on its own copy of production.ini."""

    name: str
    port: int
    process: subprocess.Popen
    log_path: Path

    def log(self):
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self):
        if self.process.poll() is None:
            servers.stop(self.process)


@dataclass
class Deployment:
    server: MariaDBServer
    env: dict
    #: {username: password} of the users initialize_scratchpad_db created.
    passwords: dict

    def query(self, sql, *args):
        """Rows of ``sql`` on the app's database, read as root on a fresh connection."""
        with self.server.connect(DATABASE) as connection, connection.cursor() as cursor:
            cursor.execute(sql, args)
            return cursor.fetchall()

    def comment_texts(self):
        return [content for (content,) in self.query("SELECT content FROM comments")]


def run_checked(args, **kwargs):
    result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT, **kwargs)
    assert result.returncode == 0, f"{args[0]} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """The database side of docs/deploying.md, done as an operator would."""
    if find_server_binary() is None:
        unavailable("no MariaDB server installed (run .ci/install-mariadb)")
    server = MariaDBServer(tmp_path_factory.mktemp("deploy-mariadb"))
    server.start()
    try:
        app_password = secrets.token_hex(16)
        with server.connect() as connection, connection.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {DATABASE} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
            cursor.execute(f"CREATE USER '{APP_USER}'@'127.0.0.1' IDENTIFIED BY %s", (app_password,))
            cursor.execute(f"GRANT ALL PRIVILEGES ON {DATABASE}.* TO '{APP_USER}'@'127.0.0.1'")
        env = {
            **os.environ,
            "SCRATCHPAD_DATABASE_URL": (
                f"mysql+pymysql://{APP_USER}:{app_password}@{server.host}:{server.port}"
                f"/{DATABASE}?charset=utf8mb4"
            ),
            "SCRATCHPAD_SECRET": secrets.token_urlsafe(36),  # 48 characters
        }
        passwords = {name: secrets.token_urlsafe(12) for name in USERNAMES}
        run_checked(
            [str(BIN / "initialize_scratchpad_db"), production_ini(server.basedir)]
            + [option for name in USERNAMES for option in ("--user", name)],
            env=env,
            input="".join(password + "\n" for password in passwords.values()),
        )
        yield Deployment(server, env, passwords)
    finally:
        server.stop()


def wait_until_healthy(app, deadline):
    """Poll /healthz until it answers 200; fails if pserve exits or the deadline passes."""
    problem = "no answer"
    while time.monotonic() < deadline:
        if app.process.poll() is not None:
            raise AssertionError(
                f"pserve {app.name} exited with status {app.process.returncode}:\n{app.log()}"
            )
        try:
            response = Browser(app).get("/healthz")
            if response.status == 200:
                return
            problem = f"status {response.status}"
        except OSError as error:
            problem = repr(error)
        time.sleep(0.1)
    raise AssertionError(f"pserve {app.name} not healthy within {TIMEOUT} s ({problem}):\n{app.log()}")


def set_options(ini, section, options):
    """Set ``options`` ({key: value}) in ``[section]`` of the ini file ``ini``, in place."""
    text = ini.read_text(encoding="utf-8")
    for key, value in options.items():
        line = f"{key} = {value}"
        text, count = re.subn(rf"(?m)^{re.escape(key)} *=.*$", line, text)
        if count == 0:
            text, count = re.subn(rf"(?m)^\[{re.escape(section)}\]$", rf"\g<0>\n{line}", text)
        assert count == 1, f"cannot set {key} in [{section}] of {ini}"
    ini.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def launch(deployment, tmp_path_factory):
    """``launch(name, app_options={}, server_options={})``: start ``pserve`` on a fresh copy
    of production.ini, with those options changed, on a free port; stopped at the end."""
    started = []

    def launch(name, app_options=None, server_options=None):
        directory = tmp_path_factory.mktemp(f"pserve-{name}")
        port = free_port()
        ini = ini_listening_on(ROOT / "production.ini", directory, port)
        set_options(ini, "app:main", app_options or {})
        set_options(ini, "server:main", server_options or {})
        log_path = directory / "pserve.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                [str(BIN / "pserve"), str(ini)],
                cwd=ROOT,
                env=deployment.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        app = AppProcess(name, port, process, log_path)
        started.append(app)
        wait_until_healthy(app, time.monotonic() + TIMEOUT)
        return app

    yield launch
    for app in started:
        app.stop()


@pytest.fixture(scope="module")
def new_browser():
    """``new_browser(app)``: a Browser with an empty cookie jar that talks to ``app``."""
    return Browser

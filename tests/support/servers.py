"""Helpers for tests that run the app under a real server on this machine's loopback."""

import contextlib
import http.client
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.cookies import SimpleCookie

from tests.support.in_process import run_ok
from tests.support.paths import BIN, ROOT


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


#: Where production.ini writes the audit log; docs/deploying.md makes the folder.
AUDIT_LOG = "/var/log/scratchpad/audit.log"


def ini_copy(source, directory):
    """A copy of the ini file ``source`` in ``directory``, its audit log (if it writes one)
    in ``directory`` too, as ``audit.log``: tests write nothing to /var/log.

    Everything else is kept as written; ``%(here)s`` still means the project folder.
    """
    text = source.read_text(encoding="utf-8").replace("%(here)s", str(source.parent))
    copy = directory / source.name
    copy.write_text(text.replace(AUDIT_LOG, str(directory / "audit.log")), encoding="utf-8")
    return copy


def production_ini(directory):
    """production.ini as ``ini_copy`` copies it."""
    return ini_copy(ROOT / "production.ini", directory)


def ini_listening_on(source, directory, port):
    """``ini_copy`` of ``source``, serving on 127.0.0.1:``port``."""
    copy = ini_copy(source, directory)
    text, count = re.subn(r"(?m)^listen = .*$", f"listen = 127.0.0.1:{port}", copy.read_text("utf-8"))
    assert count == 1, f"{source.name} has no single 'listen =' line"
    copy.write_text(text, encoding="utf-8")
    return copy


def stop(process, timeout=10):
    """End a server process: politely, then for sure."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


@contextlib.contextmanager
def served(command, env, log_path, stdout_too=True):
    """``command`` (a server) run from the project folder in a session of its own, its stderr
    (and stdout, unless ``stdout_too`` is false) written to ``log_path``; stopped when the
    block ends, whatever happened in it."""
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(part) for part in command],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log if stdout_too else subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        stop(process)


def pserve(ini, env, log_path, stdout_too=True):
    """``pserve ini``, as ``served`` runs it."""
    return served([BIN / "pserve", ini], env, log_path, stdout_too)


#: The SQLite file ``migrated_env`` migrated first in this process, as the script left it.
_first_migrated = None


def migrated_env(tmp_path, **extra):
    """The environment for a server on a fresh SQLite file in ``tmp_path``, migrated by
    ``initialize_scratchpad_db``, with ``extra`` variables added.

    The script runs in this process (tests/support/in_process.py), once per process; later
    calls get a copy of the file it made, before any server opened it."""
    global _first_migrated
    database = tmp_path / "served.sqlite"
    env = {**os.environ, "SCRATCHPAD_DATABASE_URL": f"sqlite:///{database}", **extra}
    if _first_migrated is not None and _first_migrated.is_file():
        shutil.copyfile(_first_migrated, database)
        return env
    run_ok("initialize_scratchpad_db", "testing.ini", database_url=env["SCRATCHPAD_DATABASE_URL"])
    # The script closed the database: no write-ahead log is left to copy with it.
    assert not database.with_name(database.name + "-wal").exists()
    _first_migrated = tmp_path / "migrated-first.sqlite"
    shutil.copyfile(database, _first_migrated)
    return env


def when_up(attempt, server, deadline, pause=0.1):
    """What ``attempt()`` returns once it no longer raises ``OSError`` (a refused connection,
    an error status); fails if ``server`` (a process) exits first, or if ``attempt`` still
    fails at ``deadline`` (a ``time.monotonic()`` value)."""
    while True:
        if server.poll() is not None:
            raise AssertionError(f"the server exited with status {server.returncode}")
        try:
            return attempt()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(pause)


def get_when_up(url, server, deadline):
    """(status, body) of GET ``url`` once ``server`` answers it with a 2xx (see ``when_up``)."""

    def get():
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")

    return when_up(get, server, deadline)


@dataclass
class Response:
    """What a test's small HTTP client got back (no redirects followed)."""

    status: int
    headers: http.client.HTTPMessage
    text: str

    @property
    def location(self):
        return self.headers.get("Location", "")


def send(connection, method, path, headers, cookies, fields=None):
    """One request on ``connection`` (closed after it) with ``headers``, the jar ``cookies``
    and, when given, the form ``fields``; the jar is updated from the answer as a browser
    would. Returns (the Response, the names of the cookies it marked Secure)."""
    headers = dict(headers)
    body = None
    if cookies:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    if fields is not None:
        body = urllib.parse.urlencode(fields).encode("ascii")
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", errors="replace")
    finally:
        connection.close()
    secure = keep_cookies(cookies, response.headers.get_all("Set-Cookie") or [])
    return Response(response.status, response.headers, text), secure


def keep_cookies(cookies, set_cookie_headers):
    """Update the jar ``cookies`` (name -> value) from ``Set-Cookie`` headers as a browser
    would, dropping a cookie that is expired or emptied; returns the names marked Secure."""
    secure = set()
    for header in set_cookie_headers:
        jar = SimpleCookie()
        jar.load(header)
        for name, morsel in jar.items():
            if morsel["max-age"] == "0" or not morsel.value:
                cookies.pop(name, None)
                continue
            cookies[name] = morsel.value
            if morsel["secure"]:
                secure.add(name)
    return secure

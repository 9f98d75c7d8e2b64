"""The bench's copy of production.ini, and the server processes it measures.

The app is started the way operators start it: ``pserve`` on a copy of production.ini that
differs only where the bench must differ (see ``BENCH_SETTINGS``); the database and the
secret come from ``SCRATCHPAD_DATABASE_URL`` and ``SCRATCHPAD_SECRET``, as in production.
"""

import configparser
import http.client
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).absolute().parent.parent
PRODUCTION_INI = ROOT / "production.ini"

#: What the bench's copy of production.ini changes, and why. Everything else (no debug,
#: bcrypt cost 12, waitress and its thread count, secure cookies, HSTS, logging) stays.
#: Secure cookies stay on: the bench's client keeps the cookies itself and sends them over
#: plain HTTP, which the app does not check (a browser would refuse to, a proxy would not).
BENCH_SETTINGS = {
    # The per-user and per-address limits would turn the POST scenarios into 429s.
    "scratchpad.posts_per_minute": "1000000",
    "scratchpad.login_attempts_per_user": "1000000",
    "scratchpad.login_attempts_per_address": "1000000",
    # Every search of the bench comes from 127.0.0.1.
    "scratchpad.searches_per_minute": "1000000",
}

#: The same with the page cache off: every anonymous page drawn, as a logged-in page always
#: is, and as a page nobody asked for since the board last changed is.
#: The environment the service runs in besides its database and secret, as docs/deploying.md's
#: systemd unit (and administration.md's command for other supervisors) sets it for every
#: app process. With glibc's default of a malloc arena per thread, 16 waitress threads each
#: drawing pages in its own arena left ~19 MiB more of peak RSS on the crawl (138 against
#: 120 MiB, measured side by side). With its default mmap threshold, which rises to the size
#: of the largest block freed, a board of threads' pages (a 150 kB page is a 600 kB string of
#: 4-byte characters, and its copies) came to stay in the heap: 129 against 116-120 MiB.
SERVICE_ENVIRONMENT = {"MALLOC_ARENA_MAX": "2", "MALLOC_MMAP_THRESHOLD_": "131072"}
DRAWN_SETTINGS = dict(BENCH_SETTINGS, **{"scratchpad.page_cache_bytes": "0"})


def free_port():
    """A port nobody listens on now (as tests/support/servers.py's ``free_port``)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def bench_ini(directory, port, settings=BENCH_SETTINGS, source=PRODUCTION_INI):
    """A copy of ``source`` in ``directory`` serving on 127.0.0.1:``port``, with ``settings``.

    Like tests/support/servers.py's ``ini_listening_on``: ``%(here)s`` still means the project folder
    (the alembic scripts live there), the ``listen`` line is replaced, the audit log goes to
    ``directory`` instead of /var/log/scratchpad, the rest is kept as written.
    """
    text = source.read_text(encoding="utf-8").replace("%(here)s", str(source.parent))
    text = text.replace("/var/log/scratchpad/audit.log", str(Path(directory) / "audit.log"))
    text, count = re.subn(r"(?m)^listen = .*$", f"listen = 127.0.0.1:{port}", text)
    if count != 1:
        raise RuntimeError(f"{source.name} has no single 'listen =' line")
    for key, value in settings.items():
        text, count = re.subn(rf"(?m)^{re.escape(key)}\s*=.*$", f"{key} = {value}", text)
        if count == 0:
            text = text.replace("[app:main]\n", f"[app:main]\n{key} = {value}\n", 1)
    copy = Path(directory) / f"bench-{port}.ini"
    copy.write_text(text, encoding="utf-8")
    return copy


def server_threads(ini):
    """waitress's ``threads`` in the ini's ``[server:main]`` (waitress's default is 4)."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ini, encoding="utf-8")
    return parser.getint("server:main", "threads", fallback=4)


def app_setting(ini, key):
    """An integer setting of the ini's ``[app:main]``."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ini, encoding="utf-8")
    return parser.getint("app:main", key)


def read_memory(pid):
    """``{"VmRSS": MiB, "VmHWM": MiB}`` of a live process (VmHWM is its peak RSS so far)."""
    values = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            name, _, rest = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                values[name] = int(rest.split()[0]) / 1024  # kB -> MiB
    return values


class ServerProcess:
    """A server started in the background, ready once ``ready_path`` answers 200.

    ``command(port)`` is its command line to listen on ``port``. A port found free can be
    taken by someone else before the server binds it (a dozen servers start at once, on a
    machine that runs other tests too): then the server is started again on another port.
    """

    PORT_ATTEMPTS = 5

    def __init__(self, name, command, env, log_path, ready_path="/healthz"):
        self.name = name
        self.command_for = command
        self.port = None
        self.env = env
        self.log_path = Path(log_path)
        self.ready_path = ready_path
        self.process = None
        self.log_start = 0  # where this launch's output begins in the log

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()

    @property
    def pid(self):
        return self.process.pid

    def memory(self):
        return read_memory(self.pid)

    def start(self, timeout=60):
        return self.launch().wait_ready(timeout)

    def launch(self):
        """Start the process on a free port without waiting for it (``wait_ready`` does)."""
        self.port = free_port()
        command = [str(part) for part in self.command_for(self.port)]
        with open(self.log_path, "ab") as log:
            self.log_start = log.tell()
            self.process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, env=self.env, cwd=ROOT
            )
        return self

    def lost_port(self):
        """Whether the process exited because its port was taken meanwhile."""
        with open(self.log_path, "rb") as log:
            log.seek(self.log_start)
            return b"Address already in use" in log.read()

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        attempts = 1
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                if attempts < self.PORT_ATTEMPTS and self.lost_port():
                    attempts += 1
                    self.launch()
                    continue
                raise RuntimeError(f"{self.name} exited at start:\n{self.log_tail()}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", self.ready_path)
                if connection.getresponse().status == 200:
                    connection.close()
                    return self
                connection.close()
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer within {timeout}s:\n{self.log_tail()}")

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log_tail(self, lines=30):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"


def app_server(directory, env, log_path, settings=BENCH_SETTINGS):
    """``pserve`` of the venv running the bench, on a fresh bench ini and port, in ``env``
    and the service's environment (``SERVICE_ENVIRONMENT``)."""
    pserve = Path(sys.executable).parent / "pserve"

    def command(port):
        return [pserve, bench_ini(directory, port, settings)]

    return ServerProcess("app (pserve)", command, dict(env, **SERVICE_ENVIRONMENT), log_path)


def baseline_server(database_path, threads, env, log_path):
    """The raw WSGI baseline (bench/baseline.py) under waitress, ``threads`` threads."""

    def command(port):
        return [
            sys.executable, "-m", "bench.baseline",
            "--database", database_path, "--listen", f"127.0.0.1:{port}", "--threads", threads,
        ]  # fmt: skip

    return ServerProcess("baseline", command, env, log_path, ready_path="/")

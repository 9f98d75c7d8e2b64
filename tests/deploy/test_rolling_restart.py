"""A rolling restart loses nothing (docs/deploying.md, step 4, "To upgrade"): two ``pserve``
processes on copies of production.ini behind the nginx of docs/deploying.md
(tests/support/nginx_server.py), clients logging in, reading, posting comments (each with a
text of its own) and logging out through nginx over HTTPS, while each process in turn gets
SIGTERM, exits, is started again and is waited for as the guide says. No request may get a
5xx or lose its connection, and every comment whose POST got its 303 is stored exactly once."""

import itertools
import re
import secrets
import signal
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass

import pytest

from tests.support.nginx_server import HttpsBrowser, nginx_in_front
from tests.support.servers import BIN, ROOT, free_port, get_when_up, ini_listening_on, production_ini

pytestmark = pytest.mark.mysql

#: Anonymous readers next to the logged-in visitors (one per user: logging out ends every
#: session of that user), and the bounds of the load: requests in all, and seconds (room for both
#: restarts when make test runs other tests on every core beside this one).
READERS = 2
#: More users than the deployment's two, so that logins (bcrypt at production.ini's cost) are
#: nearly always in flight somewhere when SIGTERM comes: those are the requests that got 502.
MORE_USERS = ("carol", "dave", "erin", "frank")
#: Pauses (seconds) after a reader's two pages and a visitor's visit, so that the load stays
#: within its bounds across both restarts.
READER_PAUSE = 1.0
VISIT_PAUSE = 0.3
MAX_REQUESTS = 3000
MAX_SECONDS = 150
#: nginx's fail_timeout: after a process refused a connection, nginx sends it nothing for this
#: long, so the next restart waits that long after the last process is back (docs/deploying.md, step 4).
FAIL_TIMEOUT = 10
#: Limits raised so the load is not throttled; nothing else differs from production.ini.
UNTHROTTLED = {"scratchpad.posts_per_minute": "1000000", "scratchpad.login_attempts_per_user": "1000000"}
#: What the sed of docs/deploying.md, step 4 adds under `listen`.
TRUST_THE_PROXY = "trusted_proxy = 127.0.0.1\ntrusted_proxy_headers = x-forwarded-for x-forwarded-proto"


@dataclass
class Restartable:
    """One pserve on its own copy of production.ini, at a port that stays the same."""

    port: int
    ini: object
    env: dict
    log_path: object
    process: subprocess.Popen = None

    def start(self):
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [str(BIN / "pserve"), str(self.ini)],
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        get_when_up(f"http://127.0.0.1:{self.port}/healthz", self.process, time.monotonic() + 60)

    def log(self):
        return self.log_path.read_text(errors="replace")


def ini_copy(directory, port):
    ini = ini_listening_on(ROOT / "production.ini", directory, port)
    text = ini.read_text(encoding="utf-8")
    text = text.replace(f"listen = 127.0.0.1:{port}", f"listen = 127.0.0.1:{port}\n{TRUST_THE_PROXY}")
    for key, value in UNTHROTTLED.items():
        text, count = re.subn(rf"(?m)^{re.escape(key)} = .*$", f"{key} = {value}", text)
        assert count == 1
    ini.write_text(text, encoding="utf-8")
    return ini


@pytest.fixture(scope="module")
def passwords(deployment, tmp_path_factory):
    """{username: password} of the visitors: the deployment's users and MORE_USERS."""
    more = {name: secrets.token_urlsafe(12) for name in MORE_USERS}
    created = subprocess.run(
        [str(BIN / "initialize_scratchpad_db"), production_ini(tmp_path_factory.mktemp("users"))]
        + [option for name in more for option in ("--user", name)],
        cwd=ROOT,
        env=deployment.env,
        input="".join(password + "\n" for password in more.values()),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert created.returncode == 0, created.stderr
    return {**deployment.passwords, **more}


@pytest.fixture(scope="module")
def apps(deployment, tmp_path_factory):
    started = []
    for number in (1, 2):
        directory = tmp_path_factory.mktemp(f"restartable-{number}")
        port = free_port()
        app = Restartable(port, ini_copy(directory, port), deployment.env, directory / "pserve.log")
        app.start()
        started.append(app)
    yield started
    for app in started:
        if app.process.poll() is None:
            app.process.kill()
            app.process.wait()


class Load:
    """A thread per user and READERS more, through nginx, until stopped or out of bounds."""

    def __init__(self, nginx, passwords):
        self.nginx = nginx
        self.passwords = list(passwords.items())
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.requests = itertools.count()
        self.deadline = time.monotonic() + MAX_SECONDS
        #: (what, status or the error) of every request.
        self.outcomes = []
        #: {comment text: status of its POST}
        self.comments = {}

    def go_on(self):
        return not self.stop.is_set() and time.monotonic() < self.deadline

    def note(self, what, call):
        if next(self.requests) >= MAX_REQUESTS:
            self.stop.set()
        try:
            response = call()
        except Exception as error:  # a lost connection is what this test looks for
            with self.lock:
                self.outcomes.append((what, repr(error)))
            return None
        with self.lock:
            self.outcomes.append((what, response.status))
        return response

    def reader(self):
        browser = HttpsBrowser(self.nginx)
        while self.go_on():
            self.note("GET /", lambda: browser.request("GET", "/"))
            self.note("GET /login/", lambda: browser.request("GET", "/login/"))
            time.sleep(READER_PAUSE)

    def visitor(self, number):
        username, password = self.passwords[number]
        browser = HttpsBrowser(self.nginx)
        for visit in itertools.count():
            if not self.go_on():
                return
            self.note("POST /login/", lambda: browser.login(username, password))
            for post in range(2):
                self.note("GET /", lambda: browser.request("GET", "/"))
                text = f"rolling restart: visitor {number}, visit {visit}, post {post}"
                response = self.note("POST /", lambda text=text: browser.post_comment(text))
                with self.lock:
                    self.comments[text] = response.status if response else None
            self.note("POST /logout/", browser.logout)
            time.sleep(VISIT_PAUSE)

    def __enter__(self):
        self.threads = [
            threading.Thread(target=self.visitor, args=(number,)) for number in range(len(self.passwords))
        ] + [threading.Thread(target=self.reader) for _ in range(READERS)]
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=MAX_SECONDS)


@pytest.fixture(scope="module")
def rolling_restart(deployment, passwords, apps, tmp_path_factory, record_timing):
    """The load through nginx while each process is restarted in turn; what everyone saw."""
    directory = tmp_path_factory.mktemp("nginx-restart")
    exits = []
    with nginx_in_front(directory, [app.port for app in apps], free_port(), free_port()) as nginx:
        began = time.monotonic()
        with Load(nginx, passwords) as load:
            time.sleep(2)
            for app in apps:
                restart_began = time.monotonic()
                app.process.send_signal(signal.SIGTERM)
                exits.append((app.process.wait(timeout=45), time.monotonic() - restart_began))
                app.start()  # returns once /healthz answers
                time.sleep(FAIL_TIMEOUT + 1)
            # Neither bound was reached: the load ran across both restarts.
            still_running = load.go_on()
        posted = sum(status == 303 for status in load.comments.values())
        record_timing(
            f"rolling restart of 2 processes under {len(load.outcomes)} requests ({posted} comments posted)",
            time.monotonic() - began,
        )
    assert still_running, f"the load stopped early, after {len(load.outcomes)} requests"
    return load, exits, deployment.comment_texts(), nginx


def test_each_process_drains_and_exits_by_itself(rolling_restart, apps):
    _, exits, _, _ = rolling_restart
    assert [status for status, _ in exits] == [0, 0], [app.log()[-3000:] for app in apps]
    assert all(seconds < 30 for _, seconds in exits), exits


def test_no_request_fails_during_a_rolling_restart(rolling_restart):
    load, _, _, nginx = rolling_restart
    failed = [
        (what, status) for what, status in load.outcomes if not isinstance(status, int) or status >= 500
    ]
    errors = [line for line in nginx.log().splitlines() if "[error]" in line]
    assert failed == [], "\n".join(errors[:10])


def test_every_posted_comment_is_stored_exactly_once(rolling_restart):
    load, _, texts, _ = rolling_restart
    stored = Counter(texts)
    posted = [text for text, status in load.comments.items() if status == 303]
    assert len(posted) >= 10
    assert {text: stored[text] for text in posted if stored[text] != 1} == {}

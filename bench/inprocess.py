"""What a request costs inside the app, with no server and no load generator: the WSGI app
built from the bench's copy of production.ini, called directly, many times in a row.

    python -m bench.inprocess                       # min-of-repeats microseconds per request
    python -m bench.inprocess --profile logged-in   # cProfile of one kind, top functions
    python -m bench.inprocess --size 100000 --threaded 100000 --only drawn,threads,deep
                                                    # make bench's threads rows, in-process

On a machine shared with other work, ``make bench``'s ratios swing by tens of percent; the
CPU time of the same requests in one thread, the minimum over repeats, much less so: a
change's saving is measured here (before and after, in microseconds a request), and the
ratio there.
The access log and the rest of production.ini's logging are set up as pserve sets them up,
into a file of the work folder (``--log``), so their cost is counted too.
"""

import argparse
import cProfile
import io
import logging.config
import os
import pstats
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

if __package__ in (None, ""):  # run as `python bench/inprocess.py`
    sys.path.insert(0, str(Path(__file__).absolute().parent.parent))

from bench import baseline, seed, servers

PASSWORDS = {"bench1": secrets.token_urlsafe(12), "bench2": secrets.token_urlsafe(12)}


class Client:
    """Calls a WSGI app as a server would, keeping the cookies it sets."""

    def __init__(self, app):
        self.app = app
        self.cookies = {}

    def call(self, method, path, form=None):
        path, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": method,
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "6543",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1:6543",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "wsgi.version": (1, 0),
        }
        if self.cookies:
            environ["HTTP_COOKIE"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if form is not None:
            body = urlencode(form).encode()
            environ.update(
                CONTENT_TYPE="application/x-www-form-urlencoded",
                CONTENT_LENGTH=str(len(body)),
            )
            environ["wsgi.input"] = io.BytesIO(body)
        answer = {}

        def start_response(status, headers, exc_info=None):
            answer["status"], answer["headers"] = status, headers

        chunks = self.app(environ, start_response)
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        for name, value in answer["headers"]:
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                cookie, _, cookie_value = pair.partition("=")
                if cookie_value in ("", '""') or "Max-Age=0" in value:
                    self.cookies.pop(cookie, None)
                else:
                    self.cookies[cookie] = cookie_value
        return int(answer["status"].split()[0]), body

    def log_in(self, username):
        token = token_in(self.call("GET", "/login/")[1])
        status, _ = self.call(
            "POST", "/login/", dict(csrf_token=token, username=username, password=PASSWORDS[username])
        )
        if status != 303:
            raise RuntimeError(f"login as {username}: {status}")


def token_in(body):
    marker = b'name="csrf_token" value="'
    start = body.index(marker) + len(marker)
    return body[start : body.index(b'"', start)].decode()


def build(workdir, size, notifications):
    """Seed a board of ``size`` comments, ``notifications`` of them telling bench1; the app."""
    database = workdir / "board.sqlite"
    url = f"sqlite:///{database}"
    os.environ.update(SCRATCHPAD_DATABASE_URL=url, SCRATCHPAD_SECRET=secrets.token_urlsafe(48))
    ini = servers.bench_ini(workdir, servers.free_port())
    seed.seed(ini, dict(os.environ), url, size, PASSWORDS)
    if notifications:
        seed.add_notifications(url, "bench1", notifications)
    from pyramid.paster import get_app, setup_logging

    setup_logging(str(ini))
    log = logging.FileHandler(workdir / "app.log")
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(log)
    return get_app(str(ini), "main")


def build_threaded(workdir, size):
    """A second board of ``size`` comments in threads, as ``make bench``'s threads rows seed
    it (``run.THREAD_COUNT`` threads of which the newest is ``run.DEEP_THREAD_LENGTH`` long,
    scaled to ``size``); its app drawn (page cache off), and the path of its deep thread
    page (``run.DEEP_THREAD_PAGE``, or the last page of a shorter thread)."""
    from pyramid.paster import get_app

    from bench import run

    url = f"sqlite:///{workdir / 'threaded.sqlite'}"
    env = dict(os.environ, SCRATCHPAD_DATABASE_URL=url)
    ini = servers.bench_ini(workdir, servers.free_port(), servers.DRAWN_SETTINGS)
    seed.migrate_and_add_users(ini, env, PASSWORDS)
    thread_length = max(size * run.DEEP_THREAD_LENGTH // run.THREADS_BOARD_SIZE, 2)
    thread_count = max(size * run.THREAD_COUNT // run.THREADS_BOARD_SIZE, 2)
    _, deep_root = seed.add_threads(url, size, thread_count, thread_length)
    deep_page = min(run.DEEP_THREAD_PAGE, (thread_length - 1) // run.PAGE_SIZE)
    deep_path = f"/comments/{deep_root}"
    if deep_page > 1:
        deep_path += f"?after={seed.nth_reply_id(url, deep_root, (deep_page - 1) * run.PAGE_SIZE)}"
    flat_url = os.environ["SCRATCHPAD_DATABASE_URL"]
    os.environ["SCRATCHPAD_DATABASE_URL"] = url
    try:
        return get_app(str(ini), "main"), deep_path
    finally:
        os.environ["SCRATCHPAD_DATABASE_URL"] = flat_url


def kinds(app, drawn_app, threaded=None):
    """``{name: (client, path)}``: the requests compared; with ``threaded`` (``build_threaded``)
    the threads rows too: ``threads`` (its board) and ``deep`` (its deep thread page), to
    compare with ``drawn`` on a flat board of the same size. The search kinds
    (``search-one-word``, ``search-phrase``, ``search-no-result``) are make bench's search rows."""
    from bench import run

    anonymous, member, reader = Client(app), Client(app), Client(app)
    member.log_in("bench2")
    reader.log_in("bench1")
    reader.call("GET", "/notifications")  # every notification read from now on
    thread = f"/comments/{seed.nth_newest_id(os.environ['SCRATCHPAD_DATABASE_URL'], 1)}"
    database = os.environ["SCRATCHPAD_DATABASE_URL"].removeprefix("sqlite:///")
    compared = {
        "baseline": (Client(baseline.make_app(database)), "/"),
        "kept": (anonymous, "/"),
        "drawn": (Client(drawn_app), "/"),
        "logged-in": (member, "/"),
        "thread": (member, thread),
        "thread-anonymous": (anonymous, thread),
        "notifications": (reader, "/notifications"),
        "healthz": (anonymous, "/healthz"),
        "healthz-member": (member, "/healthz"),
    }
    # make bench's search rows (run.SEARCHES), each compared there with ``drawn``.
    for kind, query in run.SEARCHES:
        compared[f"search-{kind.replace(' ', '-')}"] = (
            Client(drawn_app),
            f"/search?{urlencode({'q': query})}",
        )
    if threaded is not None:
        threaded_app, deep_path = threaded
        compared.update(threads=(Client(threaded_app), "/"), deep=(Client(threaded_app), deep_path))
    return compared


def time_kind(client, path, requests, repeats):
    """CPU microseconds a request: the minimum over ``repeats`` runs of ``requests`` requests.
    The thread's CPU time, not the wall clock: other processes taking the CPU away from this
    one then do not count."""
    status, _ = client.call("GET", path)
    if status != 200:
        raise RuntimeError(f"GET {path}: {status}")
    best = float("inf")
    for _ in range(repeats):
        started = time.thread_time()
        for _ in range(requests):
            client.call("GET", path)
        best = min(best, (time.thread_time() - started) / requests)
    return best * 1e6


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.inprocess", description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=1000, help="comments on the board")
    parser.add_argument("--notifications", type=int, default=100, help="bench1's notifications")
    parser.add_argument("--threaded", type=int, default=0, help="comments on a board of threads (0: none)")
    parser.add_argument("--requests", type=int, default=200, help="requests per repeat")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--only", help="comma-separated kinds to time")
    parser.add_argument("--profile", help="a kind to run under cProfile instead of timing")
    parser.add_argument("--sort", default="tottime", help="cProfile's sort key")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--callees", help="with --profile: what this function (a name) calls")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="scratchpad-inprocess-"))
    try:
        app = build(workdir, args.size, args.notifications)
        from pyramid.paster import get_app

        drawn_ini = servers.bench_ini(workdir, servers.free_port(), servers.DRAWN_SETTINGS)
        drawn_app = get_app(str(drawn_ini), "main")
        threaded = build_threaded(workdir, args.threaded) if args.threaded else None
        requests = kinds(app, drawn_app, threaded)
        if args.profile:
            client, path = requests[args.profile]
            time_kind(client, path, args.requests, 1)
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.requests):
                client.call("GET", path)
            profiler.disable()
            stats = pstats.Stats(profiler).sort_stats(args.sort)
            if args.callees:
                stats.print_callees(args.callees)
            else:
                stats.print_stats(args.top)
            return 0
        chosen = args.only.split(",") if args.only else list(requests)
        for name in chosen:
            client, path = requests[name]
            micros = time_kind(client, path, args.requests, args.repeats)
            print(f"{name:>14}: {micros:8.0f} us a request  ({path})", flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

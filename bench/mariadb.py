"""The ``mariadb`` part of ``make bench``: production.ini as production runs it, on MariaDB.

A throwaway MariaDB server (tests/support/mariadb_server.py's, on 127.0.0.1 and a socket of
its own, with a buffer pool that holds the board as a production server's would), seeded with
the same board as the SQLite rows (``seed.seed``: the app's migrations and admin script, then
the same comments). Every row is served by two app processes, gunicorn with two ``gthread``
workers of production.ini's thread count each (``gunicorn --paste production.ini``, the way
docs/deploying.md names for gunicorn): one port that wrk can load with no proxy in between,
and two processes that share the database as two pserve processes behind nginx would. The
raw baseline runs under the same gunicorn with the same workers, on the same server and data
(``bench/baseline.py``'s ``mariadb_app``), so the ratios compare the app with its ceiling and
not one process with two.

Each worker listens on a socket of its own (``--reuse-port``), among which the kernel spreads
wrk's connections. On one shared socket the workers raced to accept them, and a round whose
eight kept-alive connections all went to one worker measured one process: the same row ran
at 501 req/s in one round and 1,079 in the next, and the median of five rounds' ratios swung
from 0.48 to 0.73 between two runs of the same code. With a socket each, the logged-in row's
rounds stayed within 1,007-1,137 req/s and the baseline's within 1,443-1,661.

The rows: the baseline, the anonymous page kept and drawn (cache off), logged in and logins
in interleaved rounds; posting by ``POSTERS`` members (after them: it adds comments); then the
searches next to the drawn page (last: a search stopped at its time limit may keep the
database busy past its run). Each run ends once the database runs no statement.
"""

import os
import shutil
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from bench import seed, servers
from bench.client import Browser
from bench.loadgen import Request

# The MariaDB server is the test suite's throwaway one, found from the repository root.
sys.path.insert(0, str(servers.ROOT))
from tests.support.mariadb_server import MariaDBServer

DATABASE = "scratchpad_bench"
PAGE_SIZE = 50  # production.ini's scratchpad.page_size
#: wrk connections for the searches: one search at a time per process. Eight at once, as the
#: other rows get, made each phrase search take 12-17 s (InnoDB checks the time limit only
#: once its phrase check is done), and the rows after them wait for the database.
SEARCH_CONNECTIONS = 2
#: Workers per server: two processes, as issue 17 asks; the machine has two cores.
WORKERS = 2
#: The server's buffer pool: the 100,000-comment board and its indexes (~100 MiB) fit, as on
#: a production server sized for its data; the test suite's 32 MiB would measure the disk.
SERVER_ARGS = ("--innodb-buffer-pool-size=256M", "--max-connections=200")

# Targets (issue 17, line 2): ratios within one run.
KEPT_RATIO_MIN = 0.8
LOGGED_IN_RATIO_MIN = 0.5
P99_OVER_P50_MAX = 10.0


class GunicornServer(servers.ServerProcess):
    """gunicorn on a free port; its memory is its largest worker's (each is one app process)."""

    def lost_port(self):
        with open(self.log_path, "rb") as log:
            log.seek(self.log_start)
            text = log.read()
        return b"Address already in use" in text or b"Connection in use" in text

    def workers(self):
        with open(f"/proc/{self.pid}/task/{self.pid}/children", encoding="ascii") as children:
            return [int(pid) for pid in children.read().split()]

    def memory(self):
        sizes = [servers.read_memory(pid) for pid in self.workers()]
        return {name: max(size[name] for size in sizes) for name in ("VmRSS", "VmHWM")}


def gunicorn_command(threads, port, *target):
    gunicorn = Path(sys.executable).parent / "gunicorn"
    return [
        gunicorn, "--workers", WORKERS, "--worker-class", "gthread", "--threads", threads,
        "--bind", f"127.0.0.1:{port}", "--graceful-timeout", 5, "--reuse-port", *target,
    ]  # fmt: skip


class MariaDBPart:
    """The part's server, board and rows; ``run.Bench.measure_mariadb`` drives it."""

    def __init__(self, bench, size, scenario_class, searches):
        self.bench, self.size, self.scenario_class = bench, size, scenario_class
        self.searches = searches  # (kind, query) pairs, as the SQLite search rows
        self.server = MariaDBServer(bench.workdir / "mariadb", extra_args=list(SERVER_ARGS))
        self.url = None
        self.threads = None
        self.rows = {}
        self.opened = {}  # role -> connections opened to MariaDB during each run, warm-up first

    def env(self):
        return dict(os.environ, SCRATCHPAD_DATABASE_URL=self.url, SCRATCHPAD_SECRET=self.bench.secret)

    def seed(self):
        self.server.create_database(DATABASE)
        self.url = self.server.url(DATABASE)
        ini = servers.bench_ini(self.bench.workdir, servers.free_port())
        self.threads = servers.server_threads(ini)
        took = seed.seed(ini, self.env(), self.url, self.size, self.bench.passwords)
        self.bench.notes["seed mariadb"] = took
        return took

    def app(self, label, settings=servers.BENCH_SETTINGS):
        workdir = self.bench.workdir

        def command(port):
            # The listen line is gunicorn's --bind here; the ini's [server:main] is not read.
            return gunicorn_command(self.threads, port, "--paste", servers.bench_ini(workdir, port, settings))

        env = dict(self.env(), **servers.SERVICE_ENVIRONMENT)
        return GunicornServer("app (gunicorn)", command, env, workdir / f"mariadb-{label}.log")

    def baseline(self):
        env = dict(os.environ, BENCH_BASELINE_MARIADB=f"{self.server.host}:{self.server.port}/{DATABASE}")

        def command(port):
            return gunicorn_command(self.threads, port, "bench.baseline:mariadb_app()")

        log = self.bench.workdir / "mariadb-baseline.log"
        return GunicornServer("baseline (gunicorn)", command, env, log, ready_path="/")

    def scenario(self, role, name, server, prepare=None, **options):
        row = self.scenario_class(self.size, f"MariaDB: {name}", server, prepare, **options)
        measure = row.run

        def run_then_settle(bench, seconds):
            """The run, ended once the database has finished what the run asked of it; the
            connections the app opened during it are noted (``opened``)."""
            before = self.connections_made()
            result = measure(bench, seconds)
            # Less the one that reads the count: each reading is a connection of its own.
            self.opened.setdefault(role, []).append(self.connections_made() - before - 1)
            self.settle()
            return result

        row.run = run_then_settle
        self.rows[role] = row
        return row

    def connections_made(self):
        """How many connections the server has accepted since it started (its ``Connections``
        status). A busy process whose pool kept fewer connections than its threads opened one
        per request beyond them, each a stall of its own (docs/performance.md)."""
        with self.server.connect() as connection, connection.cursor() as cursor:
            cursor.execute("SHOW GLOBAL STATUS LIKE 'Connections'")
            return int(cursor.fetchone()[1])

    def settle(self, timeout=60):
        """Wait (at most ``timeout`` s) until the server runs no statement: when wrk stops,
        the app still finishes the requests in hand, and a search's statements would
        otherwise weigh on the next row's run."""
        deadline = time.monotonic() + timeout
        with self.server.connect() as connection, connection.cursor() as cursor:
            while time.monotonic() < deadline:
                cursor.execute(
                    "SELECT COUNT(*) FROM information_schema.PROCESSLIST "
                    "WHERE COMMAND = 'Query' AND ID <> CONNECTION_ID()"
                )
                if cursor.fetchone()[0] == 0:
                    return
                time.sleep(0.05)

    def read_scenarios(self):
        """The board's rows, compared with the baseline, in interleaved rounds."""
        bench = self.bench
        baseline = self.scenario("baseline", "baseline, raw WSGI, GET /", self.baseline())
        baseline.name = "baseline (MariaDB): raw WSGI, GET /"  # "baseline" first: no RSS bound
        self.scenario("kept", "GET / anonymous (kept page)", self.app("kept"), baseline=baseline)
        self.scenario(
            "drawn",
            "GET / anonymous (drawn, cache off)",
            self.app("drawn", servers.DRAWN_SETTINGS),
            baseline=baseline,
        )
        self.scenario(
            "logged in",
            "GET / logged in",
            self.app("logged-in"),
            lambda server: dict(requests=[Request("GET", "/", bench.log_in(server, "bench1")[0])]),
            baseline=baseline,
        )
        self.scenario("login", "POST /login/ (4 clients, bcrypt 12)", self.app("login"), bench.login_requests)
        return list(self.rows.values())

    def search_scenarios(self):
        """The searches of the SQLite rows, next to the drawn page, after the other rows (a
        search that runs into the time limit keeps the database busy to its end)."""
        rows = [
            self.scenario(
                "search drawn",
                "GET / anonymous (drawn, cache off)",
                self.app("search-drawn", servers.DRAWN_SETTINGS),
            )
        ]
        for kind, query in self.searches:
            path = f"/search?{urlencode({'q': query})}"

            def prepare(server, path=path, kind=kind):
                return dict(check_search(server, path, kind != "no result"), connections=SEARCH_CONNECTIONS)

            self.scenario(
                f"search {kind}",
                f"GET {path} ({kind}, {SEARCH_CONNECTIONS} connections)",
                self.app(f"search-{kind.replace(' ', '-')}", servers.DRAWN_SETTINGS),
                prepare,
            )
            rows.append(self.rows[f"search {kind}"])
        return rows

    def measure_posting(self, posters, seconds):
        bench = self.bench

        def posts(server):
            return dict(bench.post_requests(server, posters), connections=posters)

        row = self.scenario(
            "posting", f"POST / ({posters} posters, a connection each)", self.app("post"), posts
        )
        with row.server:
            row.ready()
            row.run(bench, bench.args.warmup)
            row.measure_round(bench, seconds)
        return row

    def targets(self):
        """``(description, measured, passed)``: issue 17's targets on MariaDB."""
        checks = []
        for role, least in (("kept", KEPT_RATIO_MIN), ("logged in", LOGGED_IN_RATIO_MIN)):
            row = self.rows.get(role)
            if row:
                checks.append((
                    f"MariaDB: {row.name.removeprefix('MariaDB: ')} >= {least} x raw baseline on MariaDB",
                    f"{row.vs_baseline:.2f}",
                    row.vs_baseline >= least,
                ))  # fmt: skip
        errors = sum(row.errors for row in self.rows.values())
        checks.append(("MariaDB: zero errors", f"{errors}", errors == 0))
        # wrk's percentiles leave out requests still waiting when a run ends: a round in which
        # a row answered nothing has no p99 to compare, and fails.
        silent = [row.name for row in self.rows.values() if any(r.requests == 0 for r in row.results)]
        checks.append((
            "MariaDB: every row answered in every round",
            ", ".join(name.removeprefix("MariaDB: ") for name in silent) or "yes",
            not silent,
        ))  # fmt: skip
        factors = {row.name: row.p99_ms / row.p50_ms for row in self.rows.values() if row.p50_ms}
        if factors:
            worst = max(factors, key=factors.get)
            checks.append((
                f"MariaDB: every row's p99 <= {P99_OVER_P50_MAX:g} x its p50",
                f"worst {factors[worst]:.2f} ({worst.removeprefix('MariaDB: ')})",
                factors[worst] <= P99_OVER_P50_MAX,
            ))  # fmt: skip
        return checks

    def summary(self):
        """Lines for the report: how the rows were served."""
        took = self.bench.notes.get("seed mariadb")
        lines = [
            f"MariaDB rows: a MariaDB server started by the bench ({' '.join(SERVER_ARGS)}), "
            f"each row served by gunicorn --paste with {WORKERS} gthread workers of {self.threads} "
            "threads, each on a socket of its own (--reuse-port; the baseline too)."
        ]
        if took:
            lines.append(
                f"Seeded MariaDB N={self.size:,}: comments in {took['comments']:.1f} s; migrations + "
                f"users in {took['migrate_and_users']:.1f} s."
            )
        ratios = [("drawn", "baseline", "GET / drawn (cache off) ÷ raw baseline")]
        ratios += [
            (f"search {kind}", "search drawn", f"search, {kind}, ÷ the drawn page")
            for kind, _ in self.searches
        ]
        measured = [
            f"{what} {self.rows[mine].ratio(self.rows[theirs]):.2f}"
            for mine, theirs, what in ratios
            if mine in self.rows and theirs in self.rows and all(r.rate for r in self.rows[theirs].results)
        ]
        if measured:
            lines.append("MariaDB, no target: " + "; ".join(measured) + ".")
        if self.opened:
            lines.append(
                "MariaDB connections opened during each run (warm-up first): "
                + "; ".join(f"{role} {', '.join(map(str, counts))}" for role, counts in self.opened.items())
                + "."
            )
        return lines

    def stop(self):
        self.server.stop()
        shutil.rmtree(self.server.basedir, ignore_errors=True)


def check_search(server, path, matches):
    """Before measuring: the search answers 200 with a page of results (none when nothing
    ``matches``), or with the message that it took too long: on MariaDB a word in half the
    comments may take longer than ``scratchpad.search_time_limit_ms``. Returns the wrk options."""
    status, _, body = Browser(server.port).request("GET", path)
    shown = body.count('class="search-result ')
    answered = shown == (PAGE_SIZE if matches else 0) or (matches and "took too long" in body)
    if status != 200 or not answered:
        raise RuntimeError(f"{path} answered {status} with {shown} results")
    return dict(path=path)

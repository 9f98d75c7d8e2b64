"""``make bench``: seed, serve as in production, load with wrk, print one table and the targets.

    python -m bench.run                 # from the repository root, with the venv's python
    python bench/run.py --seconds 5     # the same; longer rounds, steadier numbers

Every row of the table gets a server process of its own (so its peak RSS is its own). The rows
that the targets compare run side by side and are measured in interleaved rounds (row A, B, C,
then A, B, C again...). Each number in the table is the median of its rounds, each ratio the
median of the ratios within a round: the machine is small and shared, and load from elsewhere
then weighs on both sides of a ratio alike instead of on whichever row ran at the time.
Progress goes to stderr, the report to stdout; the exit status is 1 if a target fails.

The app keeps the anonymous pages it draws (``scratchpad.board.page_cache``), so an anonymous row
on production.ini's settings measures kept pages. The size targets are about what a page
costs to draw as the board grows, so they compare rows whose server has the cache off
(``servers.DRAWN_SETTINGS``); the baseline target compares the pages visitors get as shipped.
"""

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

if __package__ in (None, ""):  # run as `python bench/run.py`
    sys.path.insert(0, str(Path(__file__).absolute().parent.parent))

from bench import mariadb, seed, servers
from bench.client import Browser
from bench.loadgen import Request, Wrk, wrk_path

SIZES = (1_000, 100_000)
PAGE_SIZE = 50  # production.ini's scratchpad.page_size; checked against the pages served
DEEP_CLICKS = 999  # page 1,000 of the 2,000 pages that 100,000 comments make
LOGIN_CLIENTS = 4
POSTING_USERS = 2
POSTERS = 4  # the posting row: each poster a user of their own on a connection of its own
SOAK_SAMPLES = (10_000, 20_000, 30_000, 40_000, 50_000)  # VmRSS read after these responses

# Targets (ratios of numbers measured in one run).
SIZE_RATIO_MIN = 0.9
DEEP_RATIO_MIN = 0.8
BASELINE_RATIO_MIN = 0.5
# The kept page in German (the language menu's cookie) against the kept page in English, both
# at the large N (issue 18): one copy per language, served alike, so within 10 %.
GERMAN_KEPT_RATIO_MIN = 0.9
# Members' pages (issue 17): against the raw baseline of the same size.
DRAWN_BASELINE_RATIO_MIN = 0.5
LOGGED_IN_BASELINE_RATIO_MIN = 0.6
THREAD_PAGE_BASELINE_RATIO_MIN = 0.5
# The thread the thread page rows read: the oldest comments of each seeded board, made one
# thread of a root and a page of replies (bench/seed.py ``make_thread_of_oldest``), so the
# board's newest pages and the baseline's comments stay as they were.
READ_THREAD_LENGTH = PAGE_SIZE + 1
# The notifications page (issue 17): bench1 is told of the newest NOTIFICATIONS comments of
# each seeded board (rows of the notifications table only: the board stays as it was).
NOTIFICATIONS = 100
NOTIFICATIONS_BASELINE_RATIO_MIN = 0.5
PEAK_RSS_MAX_MIB = 120
# "No growth", give or take allocator noise: a 150,000-request soak of this mix swung by
# +-1.5 MiB with no trend, while tracemalloc showed the Python heap flat; a leak of even
# 100 bytes a request would add 4 MiB over the 40,000 requests compared.
RSS_GROWTH_MAX_MIB = 4.0
LOGIN_P99_FACTOR_MAX = 3.0
POSTING_P99_FACTOR_MAX = 3.0
POSTERS_P99_OVER_P50_MAX = 10.0

#: The parts of a run, in the order they run; ``--only`` picks some (posting and the soak add
#: comments, which the read rows must not see; the mariadb part seeds a board of its own).
PARTS = ("reads", "search", "hostile", "threads", "posting", "posting-logins", "soak", "mariadb")
#: The parts that measure the seeded boards of ``--sizes`` (the hostile part seeds its own two).
SEEDED_PARTS = {"reads", "search", "posting", "posting-logins", "soak"}

# The hostile board (issue 12): its newest comments are the slowest text to format we know,
# "[*" 2,046 times (~40 ms each in markdown-it-py), which a member may post within the limits.
HOSTILE_TEXT = "[*" * 2046
HOSTILE_COUNT = 100  # an API page of 100, and the two newest pages of the board
HOSTILE_BOARD_SIZE = 1_000
HOSTILE_RATIO_MIN = 0.5
API_PAGE = f"/api/comments?limit={HOSTILE_COUNT}"

# Search (issue 16): each kind of query against the drawn board page, at the largest size.
# seed.WORDS makes "pyramid" common (in about half the comments), the phrase rarer (a few
# percent), and "zebra" absent.
SEARCHES = (("one word", "pyramid"), ("phrase", '"hello world"'), ("no result", "zebra"))
SEARCH_RATIO_MIN = 0.3

# The threaded board (issue 14): 100,000 comments in 10,000 threads, the newest thread 10,000
# comments long (so the board's first page carries it), nested to depth 3; its deep page is
# page 100 of its 200. Both pages must reach THREADS_RATIO_MIN of the flat board's first page,
# all three drawn (cache off) on boards of the same size.
THREADS_BOARD_SIZE = 100_000
THREAD_COUNT = 10_000
DEEP_THREAD_LENGTH = 10_000
DEEP_THREAD_PAGE = 100
THREADS_RATIO_MIN = 0.8


def progress(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Scenario:
    """One row of the table: a server process of its own and the wrk load it gets.

    ``prepare(server)`` runs once the server answers (real logins happen there) and returns
    wrk options. ``alongside``, if given, is a load started before each measured run and
    stopped after it (the logins that readers must not stall); its results are kept apart.
    """

    def __init__(self, size, name, server, prepare=None, baseline=None, alongside=None):
        self.size, self.name, self.server = size, name, server
        self.prepare = prepare or (lambda server: {})
        self.baseline = baseline
        self.alongside = alongside
        self.options = {}
        self.alongside_options = {}
        self.results = []
        self.alongside_results = []
        self.peak_rss_mib = None

    def ready(self):
        self.options = self.prepare(self.server)
        if self.alongside:
            self.alongside_options = self.alongside(self.server)

    def run(self, bench, seconds):
        """``(result, result of the alongside load or None)``."""
        if not self.alongside_options:
            return bench.wrk(self.server.port, seconds=seconds, **self.options).run(), None
        # The alongside load starts first and ends last: the measured load never runs alone.
        other = bench.wrk(self.server.port, seconds=seconds + 2, **self.alongside_options).start()
        time.sleep(1)
        result = bench.wrk(self.server.port, seconds=seconds, **self.options).run()
        return result, other.result()

    def measure_round(self, bench, seconds):
        result, other = self.run(bench, seconds)
        self.results.append(result)
        if other is not None:
            self.alongside_results.append(other)
        self.peak_rss_mib = self.server.memory()["VmHWM"]
        return result

    # Medians over the rounds; errors over all of them.
    @property
    def rate(self):
        return statistics.median(r.rate for r in self.results)

    @property
    def p50_ms(self):
        return statistics.median(r.p50_ms for r in self.results)

    @property
    def p99_ms(self):
        return statistics.median(r.p99_ms for r in self.results)

    @property
    def errors(self):
        return sum(r.errors for r in self.results)

    @property
    def response_bytes(self):
        """Mean bytes a response, headers included, over all the rounds."""
        return sum(r.bytes for r in self.results) / sum(r.requests for r in self.results)

    @property
    def socket_errors(self):
        return sum(r.socket_errors for r in self.results)

    def ratio(self, other, measure="rate"):
        """Median over the rounds of this row's ``measure`` ÷ ``other``'s in the same round.

        Rows of a round run one after the other within seconds, so load from elsewhere
        weighs on both numbers of a pair much alike; it weighs on whole rounds very unlike.
        """
        pairs = zip(self.results, other.results, strict=False)
        return statistics.median(getattr(mine, measure) / getattr(theirs, measure) for mine, theirs in pairs)

    @property
    def vs_baseline(self):
        return self.ratio(self.baseline) if self.baseline else None


class Bench:
    def __init__(self, args):
        self.args = args
        self.workdir = Path(tempfile.mkdtemp(prefix="scratchpad-bench-"))
        self.secret = secrets.token_urlsafe(48)
        self.passwords = {f"bench{number}": secrets.token_urlsafe(12) for number in range(1, 5)}
        self.databases = {}
        self.thread_roots = {}  # size -> the root of the thread its thread page rows read
        self.rows = []
        self.roles = {}  # ("kept" | "drawn" | "deep drawn" | ..., N) -> its row, for the targets
        self.notes = {}
        self.soak_samples = {}
        self.threads = servers.server_threads(servers.PRODUCTION_INI)  # the bench's copy keeps them
        self.page_cache_bytes = None
        self.deep = None
        self.more_targets = []  # (description, measured, passed) from the self-contained rows
        self.long_page_rows = []  # rows whose pages carry 100 comments of 4,096 characters
        self.report_lines = []  # said before the table by parts that serve their rows otherwise

    # -- plumbing ---------------------------------------------------------------------------

    def url(self, size):
        return f"sqlite:///{self.databases[size]}"

    def env(self, size):
        return dict(os.environ, SCRATCHPAD_DATABASE_URL=self.url(size), SCRATCHPAD_SECRET=self.secret)

    def app(self, size, label, settings=servers.BENCH_SETTINGS):
        log = self.workdir / f"app-{size}-{label}.log"
        return servers.app_server(self.workdir, self.env(size), log, settings)

    def wrk(self, port, path="/", **options):
        options.setdefault("seconds", self.args.seconds)
        options.setdefault("connections", self.args.connections)
        options.setdefault("threads", 2)
        return Wrk(port, path, **options)

    def log_in(self, server, username):
        return Browser(server.port).log_in(username, self.passwords[username])

    def notifications_requests(self, server):
        """bench1's notifications page, after a first look that marked every one read (so the
        load repeats a read-only page, as a member coming back finds it)."""
        browser = Browser(server.port)
        cookie, _ = browser.log_in("bench1", self.passwords["bench1"])
        for _ in range(2):
            status, _, text = browser.request("GET", "/notifications")
            shown = text.count('<article class="notification ')
            if status != 200 or shown != PAGE_SIZE:
                raise RuntimeError(f"/notifications answered {status} with {shown} entries")
        if "notification-unread" in text:
            raise RuntimeError("/notifications still shows unread entries after a first look")
        return dict(requests=[Request("GET", "/notifications", cookie)])

    def login_requests(self, server):
        """One right-password login per user, each with its own anonymous session and token."""
        requests = []
        for username in list(self.passwords)[:LOGIN_CLIENTS]:
            cookie, body = Browser(server.port).login_form(username, self.passwords[username])
            requests.append(Request("POST", "/login/", cookie, body))
        return dict(requests=requests, connections=LOGIN_CLIENTS, threads=LOGIN_CLIENTS, timeout_s=30)

    # -- the run ----------------------------------------------------------------------------

    def seed(self):
        for size in self.args.sizes:
            self.databases[size] = self.workdir / f"bench-{size}.sqlite"
            ini = servers.bench_ini(self.workdir, servers.free_port())
            self.page_cache_bytes = servers.app_setting(ini, "scratchpad.page_cache_bytes")
            progress(f"seeding {size:,} comments")
            took = seed.seed(ini, self.env(size), self.url(size), size, self.passwords)
            self.thread_roots[size] = seed.make_thread_of_oldest(self.url(size), READ_THREAD_LENGTH)
            seed.add_notifications(self.url(size), "bench1", NOTIFICATIONS)
            self.notes[f"seed {size}"] = took
            progress(
                f"seeded {size:,} comments in {took['comments']:.1f} s (migrations + "
                f"{len(self.passwords)} users at bcrypt cost 12: {took['migrate_and_users']:.1f} s)"
            )

    def scenario(self, role, size, name, server, prepare=None, **options):
        row = Scenario(size, name, server, prepare, **options)
        self.roles[role, size] = row
        return row

    def read_scenarios(self):
        """The rows compared with each other, measured in interleaved rounds, in this order so
        that the two rows of each ratio run next to each other: small N's baseline, kept and
        drawn page; large N's drawn page and drawn deep page; large N's kept page and baseline;
        then the rows that are information, or compared with the kept page."""
        small, large = min(self.args.sizes), max(self.args.sizes)
        for size in self.args.sizes:
            baseline = self.scenario("baseline", size, "baseline: raw WSGI, GET /", servers.baseline_server(
                self.databases[size], self.threads, self.env(size), self.workdir / f"baseline-{size}.log"
            ))  # fmt: skip
            self.scenario(
                "kept", size, "GET / anonymous (kept page)", self.app(size, "kept"), baseline=baseline
            )
            self.scenario(
                "drawn",
                size,
                "GET / anonymous (drawn, cache off)",
                self.app(size, "drawn", servers.DRAWN_SETTINGS),
                baseline=baseline,
            )
        if large >= PAGE_SIZE * (DEEP_CLICKS + 1):
            before = seed.before_after_clicks(self.url(large), DEEP_CLICKS, PAGE_SIZE)
            self.deep = f"/?before={before}"
            self.notes["deep"] = (before, *seed.page_query_plan(self.url(large), PAGE_SIZE, before))

            def deep(server):
                # Twice: the second time, a server with the cache on answers with kept pages.
                for _ in range(2):
                    self.check_pages(server, large, before)
                return dict(path=self.deep)

            name = f"GET {self.deep} (page {DEEP_CLICKS + 1:,}"
            self.scenario(
                "deep drawn",
                large,
                f"{name}, drawn, cache off)",
                self.app(large, "deep-drawn", servers.DRAWN_SETTINGS),
                deep,
            )
            self.scenario("deep kept", large, f"{name}, kept page)", self.app(large, "deep-kept"), deep)

        def in_german(server):
            german = Request("GET", "/", "language=de")
            check_language(server, german, "de")
            return dict(requests=[german])

        self.scenario(
            "kept de", large, "GET / anonymous in German (kept page)", self.app(large, "kept-de"), in_german
        )
        # One wrk thread cycling through every page: the 8 requests in flight are for 8 pages
        # in a row, and a page comes round again only after all the others.
        pages = [Request("GET", "/")]
        pages += [
            Request("GET", f"/?before={before}") for before in seed.page_befores(self.url(large), PAGE_SIZE)
        ]
        self.scenario(
            "crawl",
            large,
            f"crawl: pages 1 to {len(pages):,} in turn (cache on)",
            self.app(large, "crawl"),
            lambda server: dict(requests=pages, mode="rotate", threads=1),
        )
        self.scenario(
            "logged in",
            large,
            "GET / logged in",
            self.app(large, "logged-in"),
            lambda server: dict(requests=[Request("GET", "/", self.log_in(server, "bench1")[0])]),
            baseline=self.role("baseline", large),
        )
        thread_path = f"/comments/{self.thread_roots[large]}"

        def thread_page(server, logged_in=False):
            cookie = self.log_in(server, "bench1")[0] if logged_in else ""
            check_thread_page(server, thread_path, cookie)
            return dict(requests=[Request("GET", thread_path, cookie)])

        self.scenario(
            "thread",
            large,
            f"GET {thread_path} anonymous (thread page, {READ_THREAD_LENGTH - 1} replies)",
            self.app(large, "thread"),
            thread_page,
            baseline=self.role("baseline", large),
        )
        self.scenario(
            "thread logged in",
            large,
            f"GET {thread_path} logged in",
            self.app(large, "thread-logged-in"),
            lambda server: thread_page(server, logged_in=True),
            baseline=self.role("baseline", large),
        )
        self.scenario(
            "notifications",
            large,
            f"GET /notifications logged in ({NOTIFICATIONS}, read)",
            self.app(large, "notifications"),
            self.notifications_requests,
            baseline=self.role("baseline", large),
        )
        self.scenario(
            "login",
            large,
            f"POST /login/ ({LOGIN_CLIENTS} clients, bcrypt 12)",
            self.app(large, "login"),
            self.login_requests,
        )
        self.scenario(
            "busy",
            large,
            f"GET / anonymous (kept page) while {LOGIN_CLIENTS} clients log in",
            self.app(large, "busy"),
            alongside=self.login_requests,
        )
        order = [
            ("baseline", small), ("kept", small), ("drawn", small), ("drawn", large), ("deep drawn", large),
            ("kept", large), ("kept de", large), ("baseline", large), ("deep kept", large),
            ("crawl", large), ("logged in", large), ("thread", large), ("thread logged in", large),
            ("login", large), ("busy", large), ("notifications", large),
        ]  # fmt: skip
        rows = []
        for key in order:
            if key in self.roles and self.roles[key] not in rows:
                rows.append(self.roles[key])
        return rows

    def measure_reads(self):
        self.measure_interleaved(self.read_scenarios())

    def measure_interleaved(self, rows):
        """Warm up each row, then measure them one after the other, round after round."""
        progress(f"starting {len(rows)} servers")
        for row in rows:
            row.server.launch()
        try:
            for row in rows:
                row.server.wait_ready()
                row.ready()
                row.run(self, self.args.warmup)  # warm-up, not counted
            for number in range(1, self.args.rounds + 1):
                progress(f"round {number} of {self.args.rounds}")
                for row in rows:
                    r = row.measure_round(self, self.args.seconds)
                    progress(
                        f"  {row.size:>7,} {row.name}: {r.rate:,.0f} req/s, p50 {r.p50_ms:.1f} ms, "
                        f"p99 {r.p99_ms:.1f} ms, {r.errors} errors"
                    )
        finally:
            for row in rows:
                row.server.stop()
        self.rows += rows

    def post_requests(self, server, users=POSTING_USERS):
        """One comment-posting request per posting user, each logged in for real."""
        requests = []
        for username in list(self.passwords)[:users]:
            cookie, token = self.log_in(server, username)
            contents = "A comment from the bench, with <b>markup</b> & more."
            body = urlencode(dict(contents=contents, csrf_token=token))
            requests.append(Request("POST", "/", cookie, body))
        return dict(requests=requests, threads=users)

    def measure_hostile(self):
        """Two boards of ``HOSTILE_BOARD_SIZE`` comments, alike but for their newest
        ``HOSTILE_COUNT``: plain text of the same length on one, ``HOSTILE_TEXT`` on the other,
        both written through the app's model as posting writes them (their HTML stored). A drawn page (cache
        off) and an API page of 100 from each, in interleaved rounds; each hostile row must
        reach ``HOSTILE_RATIO_MIN`` of its plain twin."""
        rows = {}
        # Each hostile text its own (a number after it, within the 4,096 characters), so that
        # no cache keyed by the text could hide a render.
        hostile_texts = [f"{HOSTILE_TEXT}{number}" for number in range(HOSTILE_COUNT)]
        # The plain twins are as long as the hostile texts (plain words repeated), so the two
        # boards differ in how slow their text is to format, not in how many bytes they carry.
        plain_texts = [
            ((row["content"] + " ") * len(hostile))[: len(hostile)].strip()
            for row, hostile in zip(
                seed.fake_comments(HOSTILE_COUNT, [None], seed=1), hostile_texts, strict=False
            )
        ]
        for board, newest in (("plain", plain_texts), ("hostile", hostile_texts)):
            url = f"sqlite:///{self.workdir / f'board-{board}.sqlite'}"
            env = dict(os.environ, SCRATCHPAD_DATABASE_URL=url, SCRATCHPAD_SECRET=self.secret)
            progress(f"seeding the {board} board: {HOSTILE_BOARD_SIZE:,} comments")
            ini = servers.bench_ini(self.workdir, servers.free_port())
            seed.seed(ini, env, url, HOSTILE_BOARD_SIZE - HOSTILE_COUNT, self.passwords)
            seed.add_comments_as_posted(url, newest)
            for kind, path, name in (
                ("page", "/", "GET / anonymous (drawn, cache off)"),
                ("api", API_PAGE, f"GET {API_PAGE}"),
            ):
                server = servers.app_server(
                    self.workdir, env, self.workdir / f"app-{board}-{kind}.log", servers.DRAWN_SETTINGS
                )
                rows[board, kind] = Scenario(
                    HOSTILE_BOARD_SIZE,
                    f"{name}, newest {HOSTILE_COUNT} {board}",
                    server,
                    lambda server, path=path, newest=newest: check_newest(server, path, newest),
                )
        # Each hostile row next to its plain twin, as in ``read_scenarios``.
        self.measure_interleaved(
            [rows[board, kind] for kind in ("page", "api") for board in ("plain", "hostile")]
        )
        self.long_page_rows += rows.values()
        for kind, what in (("page", "drawn page (cache off)"), ("api", f"API page of {HOSTILE_COUNT}")):
            ratio = rows["hostile", kind].ratio(rows["plain", kind])
            self.more_targets.append((
                f"{what} of hostile comments >= {HOSTILE_RATIO_MIN} x of plain ones",
                f"{ratio:.2f}",
                ratio >= HOSTILE_RATIO_MIN,
            ))  # fmt: skip

    def measure_search(self):
        """``/search`` at the largest size: a common word, a phrase and a word no comment holds,
        each against the anonymous board page drawn with the cache off (search pages are never
        kept), in interleaved rounds; each must reach ``SEARCH_RATIO_MIN`` of it."""
        large = max(self.args.sizes)
        drawn = Scenario(
            large,
            "GET / anonymous (drawn, cache off)",
            self.app(large, "search-drawn", servers.DRAWN_SETTINGS),
        )
        rows = [drawn]
        for kind, query in SEARCHES:
            path = f"/search?{urlencode({'q': query})}"
            rows.append(
                Scenario(
                    large,
                    f"GET {path} ({kind})",
                    self.app(large, f"search-{kind.replace(' ', '-')}", servers.DRAWN_SETTINGS),
                    lambda server, path=path, kind=kind: check_search(server, path, kind != "no result"),
                )
            )
        self.measure_interleaved(rows)
        for row, (kind, query) in zip(rows[1:], SEARCHES, strict=True):
            ratio = row.ratio(drawn)
            self.more_targets.append((
                f"search, {kind} ({query}), >= {SEARCH_RATIO_MIN} x the drawn board page",
                f"{ratio:.2f}",
                ratio >= SEARCH_RATIO_MIN,
            ))  # fmt: skip

    def measure_threads(self):
        """A flat board and a threaded one of ``THREADS_BOARD_SIZE`` comments each, seeded
        here; the flat board's first page, the threaded board's first page and a page deep in
        its longest thread, all drawn (cache off), in interleaved rounds."""
        boards = {}
        for board in ("flat", "threaded"):
            url = f"sqlite:///{self.workdir / f'board-{board}.sqlite'}"
            env = dict(os.environ, SCRATCHPAD_DATABASE_URL=url, SCRATCHPAD_SECRET=self.secret)
            ini = servers.bench_ini(self.workdir, servers.free_port())
            progress(f"seeding the {board} board: {THREADS_BOARD_SIZE:,} comments")
            seed.migrate_and_add_users(ini, env, self.passwords)
            if board == "flat":
                seed.add_comments(url, THREADS_BOARD_SIZE)
            else:
                stored, deep_root = seed.add_threads(
                    url, THREADS_BOARD_SIZE, THREAD_COUNT, DEEP_THREAD_LENGTH
                )
                if stored != THREADS_BOARD_SIZE:
                    raise RuntimeError(f"seeded {stored} comments, wanted {THREADS_BOARD_SIZE}")
            boards[board] = (url, env)
        after = seed.nth_reply_id(boards["threaded"][0], deep_root, (DEEP_THREAD_PAGE - 1) * PAGE_SIZE)
        deep_path = f"/comments/{deep_root}?after={after}"
        rows = []
        for board, path, name in (
            ("flat", "/", "GET / anonymous, flat board (drawn, cache off)"),
            ("threaded", "/", f"GET / anonymous, {THREAD_COUNT:,} threads (drawn, cache off)"),
            ("threaded", deep_path, f"GET {deep_path} (thread page {DEEP_THREAD_PAGE}, drawn)"),
        ):
            url, env = boards[board]
            log = self.workdir / f"app-{board}-{len(rows)}.log"
            server = servers.app_server(self.workdir, env, log, servers.DRAWN_SETTINGS)
            rows.append(
                Scenario(
                    THREADS_BOARD_SIZE, name, server, lambda server, path=path: check_threads(server, path)
                )
            )
        self.measure_interleaved(rows)
        flat, board, thread = rows
        for row, what in ((board, "board of threads"), (thread, f"thread page {DEEP_THREAD_PAGE}")):
            ratio = row.ratio(flat)
            self.more_targets.append((
                f"{what} >= {THREADS_RATIO_MIN} x flat board's first page, all drawn (N={THREADS_BOARD_SIZE:,})",
                f"{ratio:.2f}",
                ratio >= THREADS_RATIO_MIN,
            ))  # fmt: skip

    def measure_posting(self):
        """``POSTERS`` members posting at once, a connection each, after the reads (it adds
        comments, which the read rows must not see): whoever waits for the write lock must not
        wait much longer than whoever gets it first."""
        large = max(self.args.sizes)

        def posts(server):
            return dict(self.post_requests(server, POSTERS), connections=POSTERS)

        row = Scenario(
            large, f"POST / ({POSTERS} posters, a connection each)", self.app(large, "post"), posts
        )
        with row.server:
            row.ready()
            row.run(self, self.args.warmup)
            progress(f"posting, {3 * self.args.seconds} s")
            row.measure_round(self, 3 * self.args.seconds)
        self.rows.append(row)
        factor = row.p99_ms / row.p50_ms
        self.more_targets.append((
            f"POST / with {POSTERS} posters: p99 <= {POSTERS_P99_OVER_P50_MAX:g} x its p50 (N={large:,})",
            f"{factor:.2f}",
            factor <= POSTERS_P99_OVER_P50_MAX,
        ))  # fmt: skip

    def measure_posting_while_logging_in(self):
        """POST / while LOGIN_CLIENTS clients log in, against POST / alone, in interleaved rounds:
        on SQLite a login's bcrypt check must not hold the write lock. One connection per
        posting user, so that writers queue behind logins rather than behind each other; the
        row alone gets a copy of the database, so requests the other row's server still has
        in hand when its round ends cannot hold the lock in this row's round."""
        large = max(self.args.sizes)

        def posts(server):
            return dict(self.post_requests(server), connections=POSTING_USERS)

        alone = self.workdir / f"bench-{large}-posting-alone.sqlite"
        shutil.copyfile(self.databases[large], alone)
        env = dict(self.env(large), SCRATCHPAD_DATABASE_URL=f"sqlite:///{alone}")
        log = self.workdir / f"app-{large}-post-alone.log"
        name = f"POST / ({POSTING_USERS} users, a connection each)"
        server = servers.app_server(self.workdir, env, log, servers.BENCH_SETTINGS)
        idle = self.scenario("posting idle", large, name, server, posts)
        busy = self.scenario(
            "posting busy",
            large,
            f"{name} while {LOGIN_CLIENTS} clients log in",
            self.app(large, "post-busy"),
            posts,
            alongside=self.login_requests,
        )
        self.measure_interleaved([idle, busy])

    def measure_mariadb(self):
        """production.ini on a MariaDB server of the bench's own, two app processes a row
        (bench/mariadb.py): the board's rows in interleaved rounds, posting, the searches."""
        part = mariadb.MariaDBPart(self, max(self.args.sizes), Scenario, SEARCHES)
        try:
            progress("starting a MariaDB server")
            part.server.start()
            progress(f"seeding MariaDB with {part.size:,} comments")
            part.seed()
            self.measure_interleaved(part.read_scenarios())
            progress(f"posting on MariaDB, {3 * self.args.seconds} s")
            self.rows.append(part.measure_posting(POSTERS, 3 * self.args.seconds))
            self.measure_interleaved(part.search_scenarios())
        finally:
            part.stop()
        self.more_targets += part.targets()
        self.report_lines += part.summary()

    def soak(self):
        """Mixed reads (anonymous, deep page, logged in) on one server from ONE wrk thread, so
        the response count is exact; VmRSS read at the 10,000th, 20,000th... 50,000th response."""
        large = max(self.args.sizes)
        if self.deep is None:
            return

        def mixed(server):
            cookie, _ = self.log_in(server, "bench1")
            requests = [Request("GET", "/"), Request("GET", self.deep), Request("GET", "/", cookie)]
            return dict(requests=requests, mode="rotate", threads=1)

        row = Scenario(large, "soak: mixed reads, one process", self.app(large, "soak"), mixed)
        with row.server:
            row.ready()
            progress(f"soak: {SOAK_SAMPLES[-1]:,} mixed reads")
            run = self.wrk(
                row.server.port, seconds=3600, rss_pid=row.server.pid, rss_at=SOAK_SAMPLES, **row.options
            )
            self.soak_samples, result = run.run_until_sampled(SOAK_SAMPLES[-1])
            row.results.append(result)
            row.peak_rss_mib = row.server.memory()["VmHWM"]
        row.name = f"soak: {result.requests:,} mixed reads, one process"
        self.rows.append(row)

    def check_pages(self, server, size, deep_before):
        """The links the app prints lead where ``before_after_clicks`` says, and the deep page
        shows the 50 comments after the first 49,950."""
        browser = Browser(server.port)
        status, _, text = browser.request("GET", "/")
        older = re.search(r'href="/\?before=(\d+)"', text)
        expected = seed.before_after_clicks(self.url(size), 1, PAGE_SIZE)
        if status != 200 or not older or int(older.group(1)) != expected:
            raise RuntimeError(f"the first page's 'Older comments' link is not before={expected}")
        status, _, text = browser.request("GET", f"/?before={deep_before}")
        ids = [int(found) for found in re.findall(r'id="comment-(\d+)"', text)]
        first_id = seed.nth_newest_id(self.url(size), DEEP_CLICKS * PAGE_SIZE + 1)
        if status != 200 or len(ids) != PAGE_SIZE or ids[0] != first_id:
            raise RuntimeError(f"the deep page shows {len(ids)} comments from {ids[:1]}")

    # -- report -----------------------------------------------------------------------------

    def table(self):
        header = ("N", "scenario", "req/s", "p50 ms", "p99 ms", "errors", "peak RSS MiB", "÷ baseline")
        lines = [header]
        for row in self.rows:
            lines.append((
                f"{row.size:,}", row.name, f"{row.rate:,.0f}", f"{row.p50_ms:.1f}", f"{row.p99_ms:.1f}",
                f"{row.errors}" + (f" ({row.socket_errors} socket)" if row.socket_errors else ""),
                f"{row.peak_rss_mib:.0f}",
                "" if row.vs_baseline is None else f"{row.vs_baseline:.2f}",
            ))  # fmt: skip
        widths = [max(len(line[column]) for line in lines) for column in range(len(header))]
        right = {0, 2, 3, 4, 5, 6, 7}
        out = []
        for number, line in enumerate(lines):
            cells = [
                cell.rjust(w) if i in right else cell.ljust(w)
                for i, (cell, w) in enumerate(zip(line, widths, strict=False))
            ]
            out.append("| " + " | ".join(cells) + " |")
            if number == 0:
                out.append(
                    "|"
                    + "|".join(
                        ("-" * (w + 1) + ":") if i in right else ("-" * (w + 2)) for i, w in enumerate(widths)
                    )
                    + "|"
                )
        return "\n".join(out)

    def role(self, role, size):
        return self.roles.get((role, size))

    def targets(self):
        """``(description, measured, passed)`` per target."""
        small, large = min(self.args.sizes), max(self.args.sizes)
        checks = []
        drawn = self.role("drawn", large)
        if drawn and small != large:
            ratio = drawn.ratio(self.role("drawn", small))
            checks.append((
                f"GET / drawn (cache off) at N={large:,} >= {SIZE_RATIO_MIN} x at N={small:,}",
                f"{ratio:.2f}",
                ratio >= SIZE_RATIO_MIN,
            ))  # fmt: skip
        deep = self.role("deep drawn", large)
        if deep:
            ratio = deep.ratio(drawn)
            checks.append((
                f"deep page >= {DEEP_RATIO_MIN} x first page, both drawn (cache off, N={large:,})",
                f"{ratio:.2f}",
                ratio >= DEEP_RATIO_MIN,
            ))  # fmt: skip
        for row in filter(None, (self.role("kept", size) for size in self.args.sizes)):
            checks.append((
                f"GET / anonymous (kept page) >= {BASELINE_RATIO_MIN} x raw baseline (N={row.size:,})",
                f"{row.vs_baseline:.2f}",
                row.vs_baseline >= BASELINE_RATIO_MIN,
            ))  # fmt: skip
        german = self.role("kept de", large)
        if german and german.results:
            ratio = german.ratio(self.role("kept", large))
            checks.append((
                f"GET / anonymous in German (kept page) >= {GERMAN_KEPT_RATIO_MIN} x in English (N={large:,})",
                f"{ratio:.2f}",
                ratio >= GERMAN_KEPT_RATIO_MIN,
            ))  # fmt: skip
        members_pages = [
            (self.role("drawn", size), "GET / anonymous drawn (cache off)", DRAWN_BASELINE_RATIO_MIN)
            for size in self.args.sizes
        ] + [
            (self.role("logged in", large), "GET / logged in", LOGGED_IN_BASELINE_RATIO_MIN),
            (self.role("thread", large), "thread page anonymous", THREAD_PAGE_BASELINE_RATIO_MIN),
            (self.role("thread logged in", large), "thread page logged in", THREAD_PAGE_BASELINE_RATIO_MIN),
        ]
        for row, what, minimum in members_pages:
            if row is not None and row.results:
                checks.append((
                    f"{what} >= {minimum} x raw baseline (N={row.size:,})",
                    f"{row.vs_baseline:.2f}",
                    row.vs_baseline >= minimum,
                ))  # fmt: skip
        notifications = self.role("notifications", large)
        if notifications:
            checks.append((
                f"GET /notifications logged in >= {NOTIFICATIONS_BASELINE_RATIO_MIN} x raw baseline "
                f"(N={large:,})",
                f"{notifications.vs_baseline:.2f}",
                notifications.vs_baseline >= NOTIFICATIONS_BASELINE_RATIO_MIN,
            ))  # fmt: skip
        errors = sum(row.errors for row in self.rows)
        errors += sum(r.errors for row in self.rows for r in row.alongside_results)
        checks.append(("zero errors (non-2xx/3xx and socket errors, every run)", f"{errors}", errors == 0))
        # The hostile part's pages (plain and hostile alike) carry 100 comments of 4,096
        # characters, up to 1.5 MB an answer: their memory is shown, not held to the board's bound.
        measured = [
            row for row in self.rows if not row.name.startswith("baseline") and row not in self.long_page_rows
        ]
        if measured:
            peak = max(row.peak_rss_mib for row in measured)
            checks.append(
                (
                    f"peak RSS <= {PEAK_RSS_MAX_MIB} MiB per app process (board rows)",
                    f"max {peak:.0f} MiB",
                    peak <= PEAK_RSS_MAX_MIB,
                )
            )
        samples, low, high = self.soak_samples, SOAK_SAMPLES[0], SOAK_SAMPLES[-1]
        if low in samples and high in samples:
            growth = samples[high][0] - samples[low][0]
            checks.append((
                f"no RSS growth from request {low:,} to {high:,} (<= {RSS_GROWTH_MAX_MIB:g} MiB)",
                f"VmRSS {samples[low][0]:.1f} -> {samples[high][0]:.1f} MiB ({growth:+.1f})",
                growth <= RSS_GROWTH_MAX_MIB,
            ))  # fmt: skip
        elif self.deep:
            checks.append(("RSS sampled at the soak's request counts", "missing samples", False))
        busy = self.role("busy", large)
        if busy:
            factor = busy.ratio(self.role("kept", large), "p99_ms")
            checks.append((
                f"GET / p99 (kept page) while {LOGIN_CLIENTS} clients log in <= "
                f"{LOGIN_P99_FACTOR_MAX:g} x idle p99",
                f"{factor:.2f}",
                factor <= LOGIN_P99_FACTOR_MAX,
            ))  # fmt: skip
        posting, alone = self.role("posting busy", large), self.role("posting idle", large)
        if posting:
            # wrk's percentiles leave out requests still waiting when a run ends: a POST starved
            # for the whole run shows as a low rate, not as a high p99, so the rate counts too.
            description = (
                f"POST / while {LOGIN_CLIENTS} clients log in: p99 <= {POSTING_P99_FACTOR_MAX:g} x "
                f"and rate >= 1/{POSTING_P99_FACTOR_MAX:g} x POST / alone (SQLite)"
            )
            if any(result.requests == 0 for result in posting.results + alone.results):
                checks.append((description, "a round in which no POST was answered", False))
            else:
                factor, rate = posting.ratio(alone, "p99_ms"), posting.ratio(alone)
                logins = statistics.median(result.rate for result in posting.alongside_results)
                passed = factor <= POSTING_P99_FACTOR_MAX and rate >= 1 / POSTING_P99_FACTOR_MAX
                measured = f"p99 {factor:.2f} x, rate {rate:.2f} x (logins alongside: {logins:.1f}/s)"
                checks.append((description, measured, passed))
        return checks + self.more_targets

    def information(self):
        """Ratios worth reading that no target bounds: ``(description, ratio)``."""
        small, large = min(self.args.sizes), max(self.args.sizes)
        lines = []
        if self.role("kept", small) and small != large:
            lines.append((
                f"GET / kept page at N={large:,} ÷ at N={small:,}",
                self.role("kept", large).ratio(self.role("kept", small)),
            ))  # fmt: skip
        if self.role("deep kept", large):
            lines.append(
                (
                    "deep page ÷ first page, both kept",
                    self.role("deep kept", large).ratio(self.role("kept", large)),
                )
            )
        if self.role("deep drawn", large):
            lines.append(
                (
                    "crawl (cache on, every page drawn) ÷ deep page drawn (cache off)",
                    self.role("crawl", large).ratio(self.role("deep drawn", large)),
                )
            )
        return lines

    def report(self):
        print()
        print(machine_summary())
        print(
            f"Each row: its own server process (pserve on production.ini's copy, waitress threads: "
            f"{self.threads}; or the baseline); wrk with {self.args.connections} connections and "
            f"2 threads unless said; median of {self.args.rounds} interleaved rounds of "
            f"{self.args.seconds} s after a {self.args.warmup} s warm-up (posting: one run of "
            f"{3 * self.args.seconds} s; soak: until {SOAK_SAMPLES[-1]:,} responses)."
        )
        changed = ", ".join(f"{key} = {value}" for key, value in servers.BENCH_SETTINGS.items())
        print(
            f"The app's ini: production.ini with listen = 127.0.0.1:<free port> and {changed}; "
            "SQLite through SCRATCHPAD_DATABASE_URL, a random SCRATCHPAD_SECRET. Secure cookies "
            "stay on: the bench's client keeps the cookies itself and replays them over plain HTTP."
        )
        print(
            "Kept page: an anonymous page from the app's page cache (production.ini's "
            "scratchpad.page_cache_bytes). Drawn, cache off: a server whose ini also sets "
            "scratchpad.page_cache_bytes = 0, so every page is queried and rendered; the size "
            "targets compare these. Crawl: one wrk thread asking for every page in turn, each "
            "drawn (a page comes round again only after the others), with the cache on and full."
        )
        for size in (size for size in self.args.sizes if f"seed {size}" in self.notes):
            took = self.notes[f"seed {size}"]
            print(
                f"Seeded N={size:,}: comments in {took['comments']:.1f} s; migrations + "
                f"{len(self.passwords)} users (bcrypt 12) in {took['migrate_and_users']:.1f} s."
            )
        if "deep" in self.notes:
            before, statement, parameters, plan = self.notes["deep"]
            print(f"\nDeep page: /?before={before}, reached after {DEEP_CLICKS} clicks on 'Older comments'.")
            print(f"Its query, as the app sends it: {statement}  {parameters}")
            print("EXPLAIN QUERY PLAN:")
            for line in plan:
                print(f"  {line}")
        for line in self.report_lines:
            print(line)
        print()
        print(self.table())
        busy = self.role("busy", max(self.args.sizes))
        if busy and busy.alongside_results:
            logins = busy.alongside_results
            print(
                f"(logins alongside: {statistics.median(r.rate for r in logins):.1f}/s, "
                f"p99 {statistics.median(r.p99_ms for r in logins):.0f} ms, "
                f"{sum(r.errors for r in logins)} errors)"
            )
        if self.soak_samples:
            print("Soak VmRSS (MiB) after N responses: " + ", ".join(
                f"{n // 1000}k: {rss:.1f}" for n, (rss, hwm) in sorted(self.soak_samples.items())
            ))  # fmt: skip
        crawl = self.role("crawl", max(self.args.sizes))
        if crawl:
            pages, weight = len(crawl.options["requests"]), crawl.response_bytes
            print(
                f"Crawl: {pages:,} pages of {weight / 1024:,.1f} KiB on average (with headers), "
                f"{pages * weight / 2**20:,.1f} MiB in all, against a cache of "
                f"{self.page_cache_bytes / 2**20:g} MiB per process"
            )
        print(
            "\nInformation, no target (each ratio: the median over the rounds of the ratio within "
            "a round; ratios of the medians in the table can differ):"
        )
        for description, ratio in self.information():
            print(f"  {description}: {ratio:.2f}")
        print("\nTargets (ratios as above):")
        checks = self.targets()
        for description, measured, passed in checks:
            print(f"  {'PASS' if passed else 'FAIL'}  {description}: {measured}")
        return all(passed for _, _, passed in checks)


def check_search(server, path, matches):
    """Before measuring: the search answers 200 with a full page of results, or with none
    when nothing ``matches``. Returns the wrk options."""
    status, _, body = Browser(server.port).request("GET", path)
    shown = body.count('class="search-result ')
    expected = PAGE_SIZE if matches else 0
    if status != 200 or shown != expected:
        raise RuntimeError(f"{path} answered {status} with {shown} results, not the {expected} expected")
    return dict(path=path)


def check_newest(server, path, texts):
    """Before measuring: ``path`` answers 200 and shows the newest of ``texts`` (the API all of
    them), so the rows measure the boards they say. Returns the wrk options."""
    status, _, body = Browser(server.port).request("GET", path)
    if path == "/":
        shown = body.count('class="comment border-bottom')
        expected = PAGE_SIZE
        right = status == 200 and shown == expected
    else:
        comments = json.loads(body)["comments"] if status == 200 else []
        shown, expected = len(comments), len(texts)
        right = [comment["content"] for comment in comments] == texts[::-1]
    if not right:
        raise RuntimeError(f"{path} answered {status} with {shown} comments, not the {expected} expected")
    return dict(path=path)


def check_threads(server, path):
    """The page answers 200 with a full page: 50 threads (the board) or the root and 50
    replies (a thread page, nested)."""
    status, _, text = Browser(server.port).request("GET", path)
    roots = len(re.findall(r'class="comment border-bottom py-2 comment-depth-0"', text))
    replies = len(re.findall(r'class="comment border-bottom py-2 comment-depth-[1-9]', text))
    expected = (PAGE_SIZE, None) if path == "/" else (1, PAGE_SIZE)
    if status != 200 or roots != expected[0] or (expected[1] is not None and replies != expected[1]):
        raise RuntimeError(f"{path} answered {status} with {roots} roots and {replies} replies")
    if path != "/" and "comment-depth-3" not in text:
        raise RuntimeError(f"{path} shows no nesting")
    return dict(path=path)


def check_thread_page(server, path, cookie=None):
    """Before measuring: the thread page answers 200 with its root and its page of replies,
    nested (and, for a logged-in reader, their Reply buttons)."""
    browser = Browser(server.port)
    if cookie:
        browser.cookies.update(part.split("=", 1) for part in cookie.split("; "))
    status, _, text = browser.request("GET", path)
    entries = len(re.findall(r'<article class="comment border-bottom', text))
    replies = text.count("comment-reply-link")
    if status != 200 or entries != READ_THREAD_LENGTH or "comment-depth-3" not in text:
        raise RuntimeError(f"{path} answered {status} with {entries} comments")
    if cookie and replies != READ_THREAD_LENGTH:
        raise RuntimeError(f"{path} shows {replies} Reply buttons to a logged-in reader")
    return dict(path=path)


def check_language(server, request, language):
    """Before measuring: the page answers 200 in ``language`` (its ``<html lang>``), kept once
    asked for twice."""
    browser = Browser(server.port)
    browser.cookies.update(part.split("=", 1) for part in request.cookie.split("; "))
    for _ in range(2):
        status, _, text = browser.request(request.method, request.path)
        if status != 200 or f'<html lang="{language}"' not in text:
            raise RuntimeError(f"{request.path} with {request.cookie} answered {status}, not in {language}")


def machine_summary():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo", encoding="utf-8") as meminfo:
            ram = int(meminfo.readline().split()[1]) / 1024 / 1024
    except OSError:
        ram = 0
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    return (
        f"Machine: {os.cpu_count()} CPUs ({cpu}), {ram:.1f} GiB RAM, load average {load}; "
        f"Python {platform.python_version()}"
    )


def parts(text):
    """The ``--only`` list: part names from ``PARTS``."""
    chosen = text.split(",")
    unknown = [part for part in chosen if part not in PARTS]
    if unknown:
        raise argparse.ArgumentTypeError(f"no part {', '.join(unknown)}: choose from {', '.join(PARTS)}")
    return chosen


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=2, help="length of each measured run (s)")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds per row")
    parser.add_argument("--warmup", type=int, default=1, help="length of each warm-up run (s)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections for reads and posts")
    parser.add_argument(
        "--sizes", type=lambda text: sorted(int(n) for n in text.split(",")), default=list(SIZES),
        help="comma-separated numbers of comments (default 1000,100000)",
    )  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the work folder (databases, logs)")
    parser.add_argument(
        "--only", type=parts, default=list(PARTS),
        help=f"comma-separated parts to run, of {','.join(PARTS)} (default all)",
    )  # fmt: skip
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    wrk_path()
    bench = Bench(args)
    started = time.monotonic()
    progress(f"work folder {bench.workdir}")
    try:
        if set(args.only) & SEEDED_PARTS:
            bench.seed()
        parts = dict(zip(PARTS, (
            bench.measure_reads, bench.measure_search, bench.measure_hostile, bench.measure_threads,
            bench.measure_posting,
            bench.measure_posting_while_logging_in, bench.soak, bench.measure_mariadb,
        ), strict=True))  # fmt: skip
        for part in PARTS:
            if part in args.only:
                parts[part]()
        passed = bench.report()
    finally:
        if args.keep:
            progress(f"kept {bench.workdir}")
        else:
            shutil.rmtree(bench.workdir, ignore_errors=True)
    progress(f"done in {time.monotonic() - started:.0f} s")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())

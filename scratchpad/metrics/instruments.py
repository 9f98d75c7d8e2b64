"""Every metric the app exports, in one place, so the names, types and labels that
docs/administration.md ("Metrics") lists are the ones defined here.

Names follow Prometheus's conventions: the ``scratchpad_`` prefix, base units (seconds, bytes)
in the name, ``_total`` on counters. Labels hold only values the app itself chose (a route's
name, a status code, a limit's name), never anything a client typed, so the number of series
stays bounded whatever is requested.

Under gunicorn with ``PROMETHEUS_MULTIPROC_DIR`` set, prometheus_client keeps each worker's
values in a file of that folder and a scrape sums them (views.py); a gauge says how: ``livesum``
adds up the workers still alive (gunicorn.py removes a dead worker's files).
"""

from prometheus_client import Counter, Gauge, Histogram
from pyramid.request import Request

#: Seconds; from a kept page (~1 ms) to a slow login (bcrypt) or a stalled database.
LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUEST_DURATION = Histogram(
    "scratchpad_http_request_duration_seconds",
    "Time the app took to answer a request, by route name and method.",
    ["route", "method"],
    buckets=LATENCY_BUCKETS,
)
RESPONSES = Counter(
    "scratchpad_http_responses_total",
    "Responses sent, by route name, method and status code.",
    ["route", "method", "code"],
)

PAGE_CACHE_HITS = Counter(
    "scratchpad_page_cache_hits_total",
    "Anonymous visits to the board answered with a kept page.",
)
PAGE_CACHE_MISSES = Counter(
    "scratchpad_page_cache_misses_total",
    "Anonymous visits to the board whose page had to be drawn (none kept, or kept for an older revision).",
)
PAGE_CACHE_SERVED_BYTES = Counter(
    "scratchpad_page_cache_served_bytes_total",
    "Bytes of page bodies served from the page cache.",
)

DB_POOL_CHECKED_OUT = Gauge(
    "scratchpad_db_pool_checked_out_connections",
    "Database connections lent to requests now.",
    multiprocess_mode="livesum",
)
DB_POOL_OVERFLOW = Gauge(
    "scratchpad_db_pool_overflow_connections",
    "Connections in use beyond the pool's size (sqlalchemy.pool_size).",
    multiprocess_mode="livesum",
)
DB_POOL_MAX = Gauge(
    "scratchpad_db_pool_max_connections",
    "Connections the pool may lend at once (pool_size + max_overflow); more wait, then fail.",
    multiprocess_mode="livesum",
)

LOGIN_FAILURES = Counter(
    "scratchpad_login_failures_total",
    "Failed logins (wrong name or password, or a disabled account) counted against the limits.",
)
THROTTLE_REFUSALS = Counter(
    "scratchpad_throttle_refusals_total",
    "Requests refused with 429 by a limit: login, link, post, edit, delete or search.",
    ["limit"],
)
COMMENTS_POSTED = Counter(
    "scratchpad_comments_posted_total",
    "Comments stored: kind comment (a new thread) or reply.",
    ["kind"],
)

# Every series that can exist starts at 0, so a rate over the first one is a number, not nothing.
for limit in ("login", "link", "post", "edit", "delete", "search"):
    THROTTLE_REFUSALS.labels(limit)
for kind in ("comment", "reply"):
    COMMENTS_POSTED.labels(kind)


def count_when_committed(request: Request, counter: Counter) -> None:
    """Add one to ``counter`` once the request's transaction has committed.

    For what is counted because it was stored (a comment, a failed login's row): a request
    that pyramid_retry runs again, or whose commit fails, stored nothing, and so counts
    nothing. A refusal is an answer, not a row, and is counted where it is given.
    """

    def count(committed: bool) -> None:
        if committed:
            counter.inc()

    request.tm.get().addAfterCommitHook(count)

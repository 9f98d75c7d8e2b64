"""Each request's time and status, by the name of the route it matched.

The route's name, not the path: ``/comments/1``, ``/comments/2``... are one series
(``comments.show``), and a scan of made-up paths adds nothing but ``none`` (no route matched).
The time is the app's, from this tween (right under the access log) to the response, the
transaction's commit included; an attempt that pyramid_retry runs again is not counted, its
last attempt is, as in the access log.

Scrapes of ``/metrics`` count as responses but are left out of the latency histogram: in
multiprocess mode a scrape reads every worker's files, and its time says nothing about how fast
visitors are served.
"""

import time
from functools import cache

from prometheus_client import Counter, Histogram
from pyramid.config import Configurator
from pyramid.registry import Registry
from pyramid.request import Request
from pyramid.response import Response
from pyramid_retry import is_error_retryable

from scratchpad.metrics.instruments import REQUEST_DURATION, RESPONSES
from scratchpad.web.tweens import Handler

#: Methods with a series of their own; any other is counted as ``other`` (a client chooses it).
METHODS = frozenset({"GET", "HEAD", "POST"})
#: The label of a request no route matched (a static file has its route, ``__static/``).
NO_ROUTE = "none"
METRICS_ROUTE = "metrics"


def request_metrics_tween_factory(handler: Handler, registry: Registry) -> Handler:
    def request_metrics_tween(request: Request) -> Response:
        started = time.perf_counter()
        try:
            response = handler(request)
        except Exception as error:
            if not is_error_retryable(request, error):
                observe(request, 500, started)  # nothing below made a page of it
            raise
        exception = getattr(request, "exception", None)
        if exception is None or not is_error_retryable(request, exception):
            observe(request, response.status_code, started)
        return response

    return request_metrics_tween


def observe(request: Request, status: int, started: float) -> None:
    route = request.matched_route
    method = request.method if request.method in METHODS else "other"
    responses, durations = series(NO_ROUTE if route is None else route.name, method, status)
    responses.inc()
    if durations is not None:
        durations.observe(time.perf_counter() - started)


@cache  # bounded: routes x methods x the status codes the app sends
def series(route_name: str, method: str, status: int) -> tuple[Counter, Histogram | None]:
    """The response counter and latency histogram of one kind of request, looked up once:
    ``labels()`` takes a lock and formats its values on every call, half the cost of a count."""
    durations = None if route_name == METRICS_ROUTE else REQUEST_DURATION.labels(route_name, method)
    return RESPONSES.labels(route_name, method, str(status)), durations


def includeme(config: Configurator) -> None:
    config.include("scratchpad.web.access_log")
    config.include("scratchpad.web.forwarded")
    # Right under the access log, whose line is written last: the time covers every other
    # tween, and the status is the one sent, error pages and 304s included.
    config.add_tween(
        "scratchpad.metrics.requests.request_metrics_tween_factory",
        under="scratchpad.web.access_log.access_log_tween_factory",
        over="scratchpad.web.forwarded.untrusted_forwarding_tween_factory",
    )

"""``GET /metrics``: the metrics in Prometheus's text format, for the readers settings name.

Anyone else gets the site's ordinary 404 page, the one any unknown address gets: the
endpoint neither says it exists nor that it is refused. It reads no database (a scrape must
work while the database is down, when it matters most) and is never kept by any cache (the
caching tween marks every answer ``no-store`` unless told otherwise).

Under pserve, one process: the default registry, whose collectors add the process's CPU,
memory and file descriptors. Under gunicorn with ``PROMETHEUS_MULTIPROC_DIR``: the sum of
every worker's files in that folder, read afresh at each scrape, as prometheus_client's
multiprocess mode prescribes.
"""

import os

from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from pyramid.httpexceptions import HTTPNotFound
from pyramid.request import Request
from pyramid.response import Response
from pyramid.security import NO_PERMISSION_REQUIRED
from pyramid.view import view_config

from scratchpad.metrics.gunicorn_config import MULTIPROCESS_DIR
from scratchpad.metrics.readers import may_read


def registry() -> CollectorRegistry:
    """What a scrape reads: made afresh each time in multiprocess mode, so the files of
    workers started since the last scrape are read too (prometheus_client's advice)."""
    if not os.environ.get(MULTIPROCESS_DIR):
        return REGISTRY
    workers = CollectorRegistry()
    multiprocess.MultiProcessCollector(workers)
    return workers


@view_config(route_name="metrics", request_method=("GET", "HEAD"), permission=NO_PERMISSION_REQUIRED)
def metrics(request: Request) -> Response:
    if not may_read(request):
        raise HTTPNotFound()
    return Response(body=generate_latest(registry()), headerlist=[("Content-Type", CONTENT_TYPE_LATEST)])

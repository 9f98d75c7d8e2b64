"""How many searches one process runs at once (``scratchpad.searches_at_once``).

A search of common words holds a thread and a database connection for as long as the
database takes, and on MariaDB the time limit does not stop a phrase of common words (InnoDB
checks it only after its phrase check: eight such searches at once took 12-17 s each,
docs/performance.md). The rate limit bounds one address; this bounds everyone together: a
search waits at most ``WAIT_SECONDS`` for a slot (ordinary searches take milliseconds, so a
busy moment only queues them), then is refused (503 with ``Retry-After``), so slow searches
never hold more than that many of the process's threads and database connections.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from pyramid.config import Configurator
from pyramid.request import Request

REGISTRY_KEY = "search_slots"
#: How long a search waits for a slot before it is refused: long enough for ordinary searches
#: to finish, short next to a slow one.
WAIT_SECONDS = 1.0
#: Seconds a refused searcher is asked to wait: about as long as a slow search holds its slot.
RETRY_AFTER = 5


class SearchBusy(Exception):
    """Every one of the process's search slots is taken."""


@contextmanager
def slot(request: Request) -> Iterator[None]:
    """Holds one of the process's search slots while the search runs; :class:`SearchBusy`
    when none came free within ``WAIT_SECONDS``."""
    slots: threading.BoundedSemaphore | None = request.registry[REGISTRY_KEY]
    if slots is None:
        yield
        return
    if not slots.acquire(timeout=WAIT_SECONDS):
        raise SearchBusy
    try:
        yield
    finally:
        slots.release()


def includeme(config: Configurator) -> None:
    at_once = config.get_settings()["scratchpad.searches_at_once"]
    config.registry[REGISTRY_KEY] = threading.BoundedSemaphore(at_once) if at_once else None

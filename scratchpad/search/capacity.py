"""How many searches one process runs at once (``scratchpad.searches_at_once``).

A search of common words holds a thread and a database connection for as long as the
database takes, and on MariaDB the time limit does not stop a phrase of common words (InnoDB
checks it only after its phrase check: eight such searches at once took 12-17 s each,
docs/performance.md). The rate limit bounds one address; this bounds everyone together: past
the number, a search is refused at once (503 with ``Retry-After``) rather than queued, so the
process's other threads and connections stay free for pages, posts and logins.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from pyramid.config import Configurator
from pyramid.request import Request

REGISTRY_KEY = "search_slots"
#: Seconds a refused searcher is asked to wait: about as long as a slow search holds its slot.
RETRY_AFTER = 5


class SearchBusy(Exception):
    """Every one of the process's search slots is taken."""


@contextmanager
def slot(request: Request) -> Iterator[None]:
    """Holds one of the process's search slots while the search runs; :class:`SearchBusy`
    at once when none is free."""
    slots: threading.BoundedSemaphore | None = request.registry[REGISTRY_KEY]
    if slots is None:
        yield
        return
    if not slots.acquire(blocking=False):
        raise SearchBusy
    try:
        yield
    finally:
        slots.release()


def includeme(config: Configurator) -> None:
    at_once = config.get_settings()["scratchpad.searches_at_once"]
    config.registry[REGISTRY_KEY] = threading.BoundedSemaphore(at_once) if at_once else None

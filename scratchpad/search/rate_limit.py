"""How many searches one address may make a minute (``scratchpad.searches_per_minute``).

Counted in the process's memory, unlike the posting and login limits (accounts/throttle.py),
which count in the database: a search is a read, and counting it there would make every
search a write, which on SQLite takes the one write lock (searches would queue behind posts
and behind each other) and a disk sync. What this limit protects is the server's time spent
searching, which each process spends on its own; with several processes an address may make
the limit's worth of searches in each.

Memory stays bounded: at most ``MAX_ADDRESSES`` addresses are tracked, the longest idle
forgotten first, each with at most its limit's worth of times.
"""

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from pyramid.config import Configurator
from pyramid.request import Request

from scratchpad.accounts.throttle import Throttled
from scratchpad.metrics import instruments

WINDOW_SECONDS = 60.0
MAX_ADDRESSES = 10_000


class SearchLimit:
    def __init__(
        self, per_minute: int, clock: Callable[[], float] = time.monotonic, max_addresses: int = MAX_ADDRESSES
    ) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self.max_addresses = max_addresses
        self._recent: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, address: str) -> Throttled | None:
        """A :class:`Throttled` if ``address`` has searched its fill in the last minute; else
        None, and this search is counted."""
        now = self.clock()
        with self._lock:
            times = self._recent.pop(address, None) or deque()
            while times and times[0] <= now - WINDOW_SECONDS:
                times.popleft()
            self._recent[address] = times  # now the most recently used
            if len(self._recent) > self.max_addresses:
                self._recent.popitem(last=False)
            if len(times) >= self.per_minute:
                instruments.THROTTLE_REFUSALS.labels("search").inc()
                return Throttled(max(1, math.ceil(times[0] + WINDOW_SECONDS - now)), "search")
            times.append(now)
            return None


def search_limit(request: Request) -> SearchLimit:
    return request.registry["search_limit"]


def includeme(config: Configurator) -> None:
    config.registry["search_limit"] = SearchLimit(config.get_settings()["scratchpad.searches_per_minute"])

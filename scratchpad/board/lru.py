"""A mapping bounded by the bytes it holds, that forgets the least recently used entry first,
shared between threads."""

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

#: What the cache itself spends on each entry, beyond the key and value it is given: the
#: ``(value, size)`` pair and the ordered dict's slot and links (about 130 bytes measured with
#: tracemalloc on CPython 3; rounded up for the table's spare room after it grows).
ENTRY_OVERHEAD = 256


class LRUCache:
    """Entries whose sizes add up to at most ``capacity`` bytes; waitress's threads share one,
    so every access holds a lock.

    Bounded by size rather than by count: a page of fifty 4,096-character comments can weigh
    hundreds of kilobytes, and anyone can ask for as many different pages as there are
    comments, so a count alone would not bound the memory.

    ``functools.lru_cache`` memoizes a function of hashable arguments, which a page is not
    (it needs the request); this is the few lines of it that a cache of values needs.
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.weight = 0
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, default: Any = None) -> Any:
        with self._lock:
            # One look-up where ``in`` then ``[]`` took two: a key can be a tuple of a page's
            # rows (drawing.py), which Python hashes afresh each time.
            entry = self._entries.get(key)
            if entry is None:
                return default
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: Hashable, value: Any, size: int) -> None:
        """Keep ``value`` unless the entry alone is over the capacity.

        ``size`` is every byte the key and value hold, as the caller knows them; the entry
        weighs that plus ``ENTRY_OVERHEAD``, so even entries of nothing cannot pile up
        unbounded.
        """
        size += ENTRY_OVERHEAD
        with self._lock:
            if key in self._entries:
                self.weight -= self._entries.pop(key)[1]
            if size > self.capacity:
                return
            self._entries[key] = (value, size)
            self.weight += size
            while self.weight > self.capacity:
                self.weight -= self._entries.popitem(last=False)[1][1]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.weight = 0

    def __len__(self) -> int:
        return len(self._entries)

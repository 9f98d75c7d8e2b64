"""A bounded mapping that forgets the least recently used entry first, shared between threads."""

import threading
from collections import OrderedDict


class LRUCache:
    """At most ``size`` entries; waitress's threads share one, so every access holds a lock.

    ``functools.lru_cache`` memoizes a function of hashable arguments, which a page is not
    (it needs the request); this is the few lines of it that a cache of values needs.
    """

    def __init__(self, size):
        self.size = size
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, default=None):
        with self._lock:
            if key not in self._entries:
                return default
            self._entries.move_to_end(key)
            return self._entries[key]

    def put(self, key, value):
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            if len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self):
        with self._lock:
            self._entries.clear()

    def __len__(self):
        return len(self._entries)

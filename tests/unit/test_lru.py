"""The page cache's LRU (scratchpad/lru.py): bounded, least recently used out first, thread-safe."""

import threading
import time
from collections import OrderedDict

from scratchpad.lru import LRUCache


def test_it_holds_at_most_its_size():
    cache = LRUCache(3)
    for number in range(10):
        cache.put(number, str(number))
    assert (len(cache), [cache.get(number) for number in range(10)]) == (3, [None] * 7 + ["7", "8", "9"])


def test_reading_an_entry_saves_it_from_being_forgotten_next():
    cache = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.get("a")
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)


def test_putting_a_key_again_replaces_its_value_without_growing():
    cache = LRUCache(2)
    cache.put("a", 1)
    cache.put("a", 2)
    assert (len(cache), cache.get("a")) == (1, 2)


def test_a_missing_key_gives_the_default():
    assert LRUCache(1).get("nothing", "default") == "default"


def test_clear_forgets_everything():
    cache = LRUCache(2)
    cache.put("a", 1)
    cache.clear()
    assert (len(cache), cache.get("a")) == (0, None)


class SwitchingDict(OrderedDict):
    """An OrderedDict that lets other threads run in the middle of an LRU step, as a thread
    switch at the wrong moment would (CPython's GIL makes that rare, a free-threaded Python
    does not)."""

    def move_to_end(self, key, last=True):
        time.sleep(0)
        super().move_to_end(key, last)

    def popitem(self, last=True):
        time.sleep(0)
        return super().popitem(last)


def test_threads_sharing_it_neither_fail_nor_overfill_it():
    cache = LRUCache(1)
    cache._entries = SwitchingDict()
    failures = []

    def work(offset):
        try:
            for number in range(2_000):
                cache.put((number + offset) % 2, number)
                cache.get((number + offset + 1) % 2)
        except Exception as error:  # any failure in a thread is the finding
            failures.append(error)

    threads = [threading.Thread(target=work, args=(offset,)) for offset in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (failures, len(cache)) == ([], 1)

"""The page cache's LRU (scratchpad/board/lru.py): bounded, least recently used out first, thread-safe."""

import threading
import time
from collections import OrderedDict

from scratchpad.board.lru import ENTRY_OVERHEAD, LRUCache


def entries(count, size):
    """The capacity that ``count`` entries given ``size`` bytes each fill exactly."""
    return count * (size + ENTRY_OVERHEAD)


def test_it_holds_at_most_its_capacity():
    cache = LRUCache(entries(3, 10))
    for number in range(10):
        cache.put(number, str(number), 10)
    assert (len(cache), cache.weight) == (3, entries(3, 10))
    assert [cache.get(number) for number in range(10)] == [None] * 7 + ["7", "8", "9"]


def test_a_heavy_entry_pushes_out_as_many_light_ones_as_it_needs():
    cache = LRUCache(entries(3, 10))
    for key in "abc":
        cache.put(key, key, 10)
    cache.put("heavy", "H", entries(2, 10) + 1)
    assert ([cache.get(key) for key in ("a", "b", "c", "heavy")], cache.weight) == (
        [None, None, None, "H"],
        entries(3, 10) + 1 - 10,
    )


def test_an_entry_over_the_capacity_is_not_kept_and_pushes_nothing_out():
    cache = LRUCache(entries(3, 10))
    cache.put("a", "a", 10)
    cache.put("huge", "H", entries(3, 10) - ENTRY_OVERHEAD + 1)
    assert (cache.get("a"), cache.get("huge"), cache.weight) == ("a", None, entries(1, 10))


def test_reading_an_entry_saves_it_from_being_forgotten_next():
    cache = LRUCache(entries(2, 1))
    cache.put("a", 1, 1)
    cache.put("b", 2, 1)
    cache.get("a")
    cache.put("c", 3, 1)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)


def test_putting_a_key_again_replaces_its_value_and_weight():
    cache = LRUCache(entries(2, 10))
    cache.put("a", 1, 5)
    cache.put("a", 2, 7)
    assert (len(cache), cache.get("a"), cache.weight) == (1, 2, entries(1, 7))


def test_entries_of_nothing_still_fill_it():
    cache = LRUCache(entries(3, 0))
    for number in range(1_000):
        cache.put(number, None, 0)
    assert (len(cache), cache.weight) == (3, entries(3, 0))


def test_a_missing_key_gives_the_default():
    assert LRUCache(1).get("nothing", "default") == "default"


def test_clear_forgets_everything():
    cache = LRUCache(entries(2, 1))
    cache.put("a", 1, 1)
    cache.clear()
    assert (len(cache), cache.get("a"), cache.weight) == (0, None, 0)


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
    cache = LRUCache(entries(1, 1))
    cache._entries = SwitchingDict()
    failures = []

    def work(offset):
        try:
            for number in range(2_000):
                cache.put((number + offset) % 2, number, 1)
                cache.get((number + offset + 1) % 2)
        except Exception as error:  # any failure in a thread is the finding
            failures.append(error)

    threads = [threading.Thread(target=work, args=(offset,)) for offset in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (failures, len(cache), cache.weight) == ([], 1, entries(1, 1))

"""The per-address search limit: a sliding minute, bounded memory."""

from scratchpad.search.rate_limit import SearchLimit


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_the_limit_refuses_then_frees_a_search_a_minute_after_the_first():
    clock = Clock()
    limit = SearchLimit(2, clock=clock)
    assert (limit.check("a"), limit.check("a")) == (None, None)
    clock.now += 20
    refused = limit.check("a")
    assert (refused.retry_after, limit.check("b")) == (40, None)
    clock.now += 40
    assert limit.check("a") is None


def test_only_the_most_recent_addresses_are_kept():
    limit = SearchLimit(1, clock=Clock(), max_addresses=2)
    for address in ("a", "b", "c"):
        assert limit.check(address) is None
    assert (limit.check("a"), limit.check("c") is not None) == (None, True)  # a was forgotten

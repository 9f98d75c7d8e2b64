"""The ETag of a page made of parts (scratchpad/board/page_cache.py ``parts_etag``): the same
parts, the same ETag; any part changed, moved or cut elsewhere, another."""

import pytest

from scratchpad.board.page_cache import part_digest, parts_etag

PARTS = [b"<html>head ", b"run of comments", b" tail</html>"]


def etag_of(parts):
    return parts_etag(map(part_digest, parts))


def test_the_same_parts_make_the_same_strong_etag():
    etag = etag_of(PARTS)
    assert (etag, len(etag), set(etag) <= set("0123456789abcdef")) == (etag_of(list(PARTS)), 32, True)


@pytest.mark.parametrize(
    "changed",
    [
        [b"<html>head ", b"run of commentz", b" tail</html>"],  # one byte
        [b"<html>head ", b" tail</html>", b"run of comments"],  # two parts swapped
        [b"<html>head run", b" of comments", b" tail</html>"],  # cut elsewhere
        [b"<html>head ", b"run of comments", b" tail</html>", b""],  # one part more
    ],
)
def test_a_page_of_other_parts_has_another_etag(changed):
    assert etag_of(changed) != etag_of(PARTS)

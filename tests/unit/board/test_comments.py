"""scratchpad.board.comments.clean_content: what may be posted, and how it is normalised."""

import pytest

from scratchpad.board.comments import InvalidComment, clean_content


def test_ordinary_text_is_kept_as_typed():
    assert clean_content("  Hello, world!  ") == "  Hello, world!  "


@pytest.mark.parametrize("raw", ["", " ", "\n", "\r\n\t  \r\n", "\u00a0\u2003"])
def test_empty_or_whitespace_only_is_refused(raw):
    with pytest.raises(InvalidComment, match="write something"):
        clean_content(raw)


def test_nul_character_is_refused():
    with pytest.raises(InvalidComment, match="NUL"):
        clean_content("before\x00after")


def test_4096_characters_are_accepted():
    assert clean_content("x" * 4096) == "x" * 4096


def test_4097_characters_are_refused_with_the_limit_in_the_message():
    with pytest.raises(InvalidComment, match="4,096"):
        clean_content("x" * 4097)


def test_limit_counts_characters_not_bytes():
    assert clean_content("€" * 4096) == "€" * 4096


def test_crlf_becomes_lf():
    assert clean_content("one\r\ntwo\r\n") == "one\ntwo\n"


def test_lone_cr_becomes_lf():
    assert clean_content("one\rtwo") == "one\ntwo"


def test_length_is_counted_after_line_endings_are_normalised():
    # 4097 characters as sent, 4096 once CRLF is LF.
    assert len(clean_content("x" * 4095 + "\r\n")) == 4096


def test_replacement_character_from_undecodable_form_data_is_refused():
    with pytest.raises(InvalidComment, match="could not be read"):
        clean_content("caf\ufffd")

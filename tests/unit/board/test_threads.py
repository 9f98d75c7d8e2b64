"""A reply's place in its thread (board/threads.py): under its parent, or beside it at the
deepest level shown."""

import pytest

from scratchpad.board import threads
from scratchpad.models import Comment
from scratchpad.settings import SettingsError, load_settings


def comment(comment_id, path=None, thread_id=None):
    return Comment(id=comment_id, content="x", path=path, thread_id=thread_id)


def test_a_reply_to_a_root_is_at_depth_one():
    assert threads.reply_path(comment(7), 12, max_depth=3) == "0000000012"


def test_a_reply_goes_under_its_parent_below_the_deepest_level():
    parent = comment(12, "00000000090000000012", thread_id=7)
    path = threads.reply_path(parent, 40, max_depth=3)
    assert (path, threads.depth_of(path), threads.shown_under(comment(40, path, 7))) == (
        "000000000900000000120000000040",
        3,
        12,
    )


def test_a_reply_to_the_deepest_level_goes_beside_its_parent():
    parent = comment(40, "000000000900000000120000000040", thread_id=7)
    path = threads.reply_path(parent, 41, max_depth=3)
    # Shown under what its parent is shown under, after it (a larger id sorts later).
    assert (path, threads.shown_under(comment(41, path, 7))) == ("000000000900000000120000000041", 12)


def test_a_lowered_depth_setting_attaches_new_replies_at_the_new_deepest_level():
    parent = comment(40, "000000000900000000120000000040", thread_id=7)
    assert threads.reply_path(parent, 41, max_depth=1) == "0000000041"


def test_thread_order_is_path_order():
    # Each reply right under its parent, answers oldest first, whatever the ids' digits.
    paths = ["0000000009", "00000000090000000100", "00000000090000000011", "0000000010"]
    assert sorted(paths) == [paths[0], paths[2], paths[1], paths[3]]


def test_a_first_level_reply_is_shown_under_its_root():
    assert threads.shown_under(comment(12, "0000000012", thread_id=7)) == 7


@pytest.mark.parametrize("key, value", [("reply_depth", "0"), ("reply_depth", "11"), ("replies_shown", "-1")])
def test_thread_settings_out_of_range_are_refused(key, value):
    with pytest.raises(SettingsError, match=f"scratchpad.{key} must be between"):
        load_settings(
            {"sqlalchemy.url": "sqlite://", f"scratchpad.{key}": value}, environ={}, require_secret=False
        )


def test_thread_settings_default_to_three():
    settings = load_settings({"sqlalchemy.url": "sqlite://"}, environ={}, require_secret=False)
    assert (settings["scratchpad.reply_depth"], settings["scratchpad.replies_shown"]) == (3, 3)


@pytest.mark.parametrize(
    "statement",
    [
        threads._board_statement(50, 3, paged=False, every_waiting=False),
        threads._board_statement(50, 0, paged=True, every_waiting=True),
        threads._thread_statement(50, paged=True, every_waiting=False),
    ],
)
def test_a_shown_comment_is_exactly_what_a_page_statement_selects(statement):
    """The row is the key a drawn comment is kept under (board/drawing.py): a column the
    statement selects but the row dropped, or one named differently, would go unseen."""
    assert tuple(statement.selected_columns.keys()) == threads.CommentRow._fields


def test_a_shown_comment_is_its_row_then_exactly_what_the_texts_statement_selects():
    """What an entry draws: its row (the key), then its texts, read by id, each by its name."""
    texts = tuple(threads.TEXTS_STATEMENT.selected_columns.keys())
    assert (texts[0], texts[1:]) == ("id", threads.CommentTexts._fields)
    assert set(threads.CommentRow._fields) & set(threads.CommentTexts._fields) == set()


def test_a_shown_comment_answers_each_field_of_its_row_and_of_its_texts():
    row = threads.CommentRow(*range(len(threads.CommentRow._fields)))
    texts = threads.CommentTexts("<p>hi</p>", 1, None, "edited", "author")
    shown = threads.ShownComment(row, texts)
    assert [getattr(shown, name) for name in (*row._fields, *texts._fields)] == [*row, *texts]

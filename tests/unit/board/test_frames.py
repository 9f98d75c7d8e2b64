"""How a framed page is put together (scratchpad/board/frames.py): its frame's pieces with
its runs between them, only when every run is kept."""

import pytest

from scratchpad.board.frames import all_kept, interleaved


def test_the_runs_go_between_the_frames_pieces_in_order():
    assert interleaved([b"head", b"middle", b"tail"], [b"root", b"replies"]) == [
        b"head",
        b"root",
        b"middle",
        b"replies",
        b"tail",
    ]


@pytest.mark.parametrize("runs", [[], [b"one"], [b"one", b"two", b"three"]])
def test_a_frame_for_another_number_of_runs_is_refused(runs):
    with pytest.raises(ValueError, match="holds 2 runs"):
        interleaved([b"head", b"middle", b"tail"], runs)


def test_runs_are_used_only_when_every_one_is_kept():
    assert (all_kept("root", "replies"), all_kept("root", None), all_kept(None), all_kept("")) == (
        ("root", "replies"),
        None,
        None,
        ("",),
    )

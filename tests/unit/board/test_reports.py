"""``reports.clean`` and ``reports.refusal``: what a report may say, and what may be reported."""

from datetime import UTC, datetime

import pytest

from scratchpad.board import reports
from scratchpad.models import Comment, User
from scratchpad.models.report import MAX_DETAILS_LENGTH, REASONS

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
BOB = User(id=2, username="bob", role="member")


@pytest.mark.parametrize("reason", list(REASONS))
def test_every_offered_reason_is_accepted_and_the_details_trimmed(reason):
    assert reports.clean(reason, "  two\r\nlines  ") == (reason, "two\nlines")


@pytest.mark.parametrize("reason", ["", "Spam", "rude", "spam "])
def test_a_reason_not_offered_is_refused(reason):
    with pytest.raises(reports.InvalidReport, match="choose why"):
        reports.clean(reason, "")


def test_details_are_limited_after_trimming():
    assert reports.clean("other", " " + "x" * MAX_DETAILS_LENGTH + " ")[1] == "x" * MAX_DETAILS_LENGTH
    with pytest.raises(reports.InvalidReport, match=f"at most {MAX_DETAILS_LENGTH} characters"):
        reports.clean("other", "x" * (MAX_DETAILS_LENGTH + 1))


@pytest.mark.parametrize(
    "state, refused",
    [
        ({}, None),
        ({"commenter_id": 2}, "your own comment"),
        ({"deleted_at": NOW}, "was deleted"),
        ({"hidden_at": NOW}, "removed by a moderator"),
        ({"waiting_since": NOW}, "waiting for a moderator"),
    ],
)
def test_what_may_be_reported(state, refused):
    comment = Comment(content="Hi", **{"commenter_id": 1, **state})
    refusal = reports.refusal(BOB, comment)
    assert (refusal is None) if refused is None else (refused in refusal)

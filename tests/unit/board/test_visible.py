"""``visible.may_see``: who sees a comment waiting for approval (pre-moderation)."""

from datetime import UTC, datetime

import pytest

from scratchpad.board import visible
from scratchpad.models import Comment, User

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def user(user_id, role="member"):
    return User(id=user_id, username=f"user{user_id}", role=role)


def comment(waiting, author_id=1):
    return Comment(content="Hello", commenter_id=author_id, waiting_since=NOW if waiting else None)


@pytest.mark.parametrize(
    "viewer, waiting, sees",
    [
        (None, False, True),
        (None, True, False),
        (user(2), True, False),
        (user(1), True, True),  # its author
        (user(3, "admin"), True, True),
        (user(2), False, True),
    ],
)
def test_a_waiting_comment_is_seen_by_its_author_and_the_admins_only(viewer, waiting, sees):
    assert visible.may_see(viewer, comment(waiting)) is sees


def test_an_anonymous_waiting_comment_is_seen_by_admins_only():
    orphan = comment(True, author_id=None)
    assert (visible.may_see(None, orphan), visible.may_see(user(3, "admin"), orphan)) == (False, True)


def test_the_viewer_parameter_names_nobody_for_visitors():
    assert (visible.viewer_parameters(None), visible.viewer_parameters(user(7))) == (
        {visible.VIEWER_ID: 0},
        {visible.VIEWER_ID: 7},
    )

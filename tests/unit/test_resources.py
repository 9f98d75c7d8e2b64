"""Who may do what to one comment: the ACL of ``resources.CommentResource``."""

from datetime import timedelta

import pytest
from pyramid.authorization import ACLHelper, Authenticated, Everyone

from scratchpad.models import Comment
from scratchpad.models.types import utcnow
from scratchpad.resources import CommentResource

AUTHOR = [Everyone, Authenticated, "u:7", "role:member"]
OTHER_MEMBER = [Everyone, Authenticated, "u:8", "role:member"]
ADMIN = [Everyone, Authenticated, "u:9", "role:admin"]
VISITOR = [Everyone]


def resource(age, window=900, commenter_id=7, hidden=False):
    posted_at = None if age is None else utcnow() - timedelta(seconds=age)
    comment = Comment(content="x", posted_at=posted_at, commenter_id=commenter_id)
    comment.hidden_at = utcnow() if hidden else None
    return CommentResource(comment, window)


def permits(context, principals, permission):
    return bool(ACLHelper().permits(context, principals, permission))


@pytest.mark.parametrize(
    "age, window, allowed",
    [(0, 900, True), (899, 900, True), (901, 900, False), (59, 60, True), (61, 60, False), (1, 0, False)],
)
def test_the_author_may_edit_and_delete_within_the_window(age, window, allowed):
    context = resource(age, window)
    assert (permits(context, AUTHOR, "edit"), permits(context, AUTHOR, "delete")) == (allowed, allowed)


def test_nobody_else_may_edit():
    context = resource(0)
    assert [permits(context, who, "edit") for who in (OTHER_MEMBER, ADMIN, VISITOR)] == [False] * 3


def test_admins_may_delete_and_moderate_at_any_age():
    for context in (resource(0), resource(10**6), resource(None), resource(0, commenter_id=None)):
        assert (permits(context, ADMIN, "delete"), permits(context, ADMIN, "moderate")) == (True, True)


def test_members_and_visitors_may_not_moderate():
    context = resource(0)
    assert [permits(context, who, "moderate") for who in (AUTHOR, OTHER_MEMBER, VISITOR)] == [False] * 3


def test_a_hidden_comment_is_out_of_its_authors_hands():
    context = resource(0, hidden=True)
    assert (permits(context, AUTHOR, "edit"), permits(context, AUTHOR, "delete")) == (False, False)


def test_a_comment_without_a_time_or_author_cannot_be_edited():
    assert permits(resource(None), AUTHOR, "edit") is False
    assert permits(resource(0, commenter_id=None), AUTHOR, "edit") is False


def test_everyone_may_view():
    assert all(permits(resource(0, hidden=True), who, "view") for who in (VISITOR, AUTHOR, ADMIN))

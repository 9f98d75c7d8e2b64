"""Rows for tests, with explicit defaults: each test builds exactly what it reads."""

import sqlalchemy as sa

from scratchpad.models import Comment, User
from scratchpad.models.types import utcnow

TEST_ROUNDS = 4


def make_user(
    dbsession, username="alice", password="correct horse battery", rounds=TEST_ROUNDS, role="member"
):
    user = User(username=username, role=role)
    user.set_password(password, rounds)
    dbsession.add(user)
    dbsession.flush()
    return user


def make_comment(dbsession, content="Hello", commenter=None, posted_at="now"):
    """``posted_at=None`` makes a comment from before timestamps existed."""
    if posted_at == "now":
        posted_at = utcnow()
    elif posted_at is None:
        posted_at = sa.null()  # plain None would let the column default fill in "now"
    comment = Comment(content=content, commenter=commenter, posted_at=posted_at)
    dbsession.add(comment)
    dbsession.flush()
    return comment

"""Rows for tests, with explicit defaults: each test builds exactly what it reads."""

import sqlalchemy as sa

from scratchpad.models import Comment, User
from scratchpad.models.types import utcnow

TEST_ROUNDS = 4
#: The password of every user ``make_user`` makes (and so of the ``alice`` fixture).
PASSWORD = "correct horse battery"


def make_user(dbsession, username="alice", password=PASSWORD, rounds=TEST_ROUNDS, role="member"):
    user = User(username=username, role=role)
    user.set_password(password, rounds)
    dbsession.add(user)
    dbsession.flush()
    return user


def posted_time(posted_at):
    """The ``posted_at`` of a new comment: ``"now"`` is the time of the call, None none at all
    (a comment from before timestamps existed)."""
    if posted_at == "now":
        return utcnow()
    if posted_at is None:
        return sa.null()  # plain None would let the column default fill in "now"
    return posted_at


def make_comment(dbsession, content="Hello", commenter=None, posted_at="now"):
    """``posted_at=None`` makes a comment from before timestamps existed."""
    comment = Comment(content=content, commenter=commenter, posted_at=posted_time(posted_at))
    dbsession.add(comment)
    dbsession.flush()
    return comment


def make_comments(dbsession, contents, commenters=(None,), posted_at="now"):
    """A comment for each text of ``contents``, by ``commenters`` in turn, added in one flush:
    the rows that as many ``make_comment`` calls make, with ids in the same order, without a
    flush per comment (a statement-budget test built its 60 comments in 60 flushes, each
    changing the board's revision: a third of the test's CPU time)."""
    comments = [
        Comment(
            content=content,
            commenter=commenters[number % len(commenters)],
            posted_at=posted_time(posted_at),
        )
        for number, content in enumerate(contents)
    ]
    dbsession.add_all(comments)
    dbsession.flush()
    return comments


def stored_comments(dbsession):
    """Every comment in the database, oldest first."""
    return dbsession.scalars(sa.select(Comment).order_by(Comment.id)).all()


def stored_comment(dbsession, comment_id):
    """The comment as the database holds it now (None once deleted), not as the session
    last saw it."""
    dbsession.expire_all()
    return dbsession.get(Comment, comment_id)


def stored_user(dbsession, name="alice"):
    """The user as the database holds it now (None once deleted), not as the session last
    saw it."""
    dbsession.expire_all()
    return dbsession.scalars(sa.select(User).where(User.username == name)).one_or_none()


def make_reply(dbsession, parent, content="A reply", commenter=None, max_depth=3, posted_at="now"):
    """A reply to ``parent``, placed in its thread as the reply view places it."""
    from scratchpad.board import threads

    if posted_at == "now":
        posted_at = utcnow()
    reply = Comment(
        content=content,
        commenter=commenter,
        posted_at=posted_at,
        parent_id=parent.id,
        thread_id=parent.root_id,
    )
    dbsession.add(reply)
    dbsession.flush()
    threads.place(dbsession, reply, parent, max_depth)
    dbsession.expire(dbsession.get(Comment, parent.root_id), ["reply_count"])
    return reply


def make_replies(dbsession, parent, contents, commenters=(None,), max_depth=3, posted_at="now"):
    """A reply to ``parent`` for each text of ``contents``, by ``commenters`` in turn, added in
    one flush and then each placed in the thread as the reply view places it: the rows that as
    many ``make_reply`` calls make, ids in the same order, without a flush per reply (a thread
    of 300 replies took 300 flushes)."""
    from scratchpad.board import threads

    replies = [
        Comment(
            content=content,
            commenter=commenters[number % len(commenters)],
            posted_at=utcnow() if posted_at == "now" else posted_at,
            parent_id=parent.id,
            thread_id=parent.root_id,
        )
        for number, content in enumerate(contents)
    ]
    dbsession.add_all(replies)
    dbsession.flush()
    for reply in replies:
        threads.place(dbsession, reply, parent, max_depth)
    dbsession.expire(dbsession.get(Comment, parent.root_id), ["reply_count"])
    return replies

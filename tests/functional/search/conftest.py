"""Search tests write for real: MariaDB's FULLTEXT index sees only committed rows (InnoDB
updates it at commit), so the rolled-back transaction of ``testapp`` would find nothing
there. ``board`` commits, ``web`` is a browser on the app without the shared connection (its
requests commit), and every row they made is deleted after the test."""

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from scratchpad.models import Comment
from scratchpad.models.types import utcnow
from tests.support.factories import make_user

#: Every table a test here may write to, children first.
TABLES = ("moderation_actions", "rate_events", "login_failures", "comments", "users")
PASSWORD = "correct horse battery"


class Board:
    """Users and comments, each committed when made."""

    def __init__(self, dbsession):
        self.dbsession = dbsession

    def user(self, username, role="member"):
        user = make_user(self.dbsession, username, PASSWORD, role=role)
        self.dbsession.commit()
        return user

    def comment(self, content, commenter=None, hidden=False, waiting=False):
        comment = Comment(
            content=content,
            commenter=commenter,
            hidden_at=utcnow() if hidden else None,
            waiting_since=utcnow() if waiting else None,
        )
        self.dbsession.add(comment)
        self.dbsession.commit()
        return comment.id


@pytest.fixture
def board(dbengine):
    with Session(dbengine, expire_on_commit=False) as dbsession:
        yield Board(dbsession)
        dbsession.rollback()
    with dbengine.begin() as connection:
        for table in TABLES:
            connection.execute(sa.text(f"DELETE FROM {table}"))


@pytest.fixture
def web(app, board, testapp):
    """A browser whose requests commit (``board`` cleans up after it)."""
    return type(testapp)(app, extra_environ={"HTTP_HOST": "example.com"})


def results_of(response):
    return [
        int(article["id"].removeprefix("result-"))
        for article in response.html.select("article.search-result")
    ]


@pytest.fixture
def found():
    """A function: the ids of the comments a results page lists, in its order."""
    return results_of

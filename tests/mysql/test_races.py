"""Two requests at once on two real connections, each committing, ordered on purpose.

One request is held right after it has read the comment (or counted the failed logins), in
an SQLAlchemy event on the engine, while the other runs; then it is let go. On MariaDB the
comment is read ``FOR UPDATE`` by every request that may change it, and a user's row is
locked around each limit's count, so whoever comes second waits and then sees what the
first did. On SQLite every such request holds the write lock from its first statement, so
the same orders give the same outcomes.
"""

import threading
from contextlib import contextmanager, suppress

import pytest
import sqlalchemy as sa
import webtest
from sqlalchemy.orm import Session

from scratchpad.models import Comment, LoginFailure, ModerationAction, RateEvent, User
from tests.support.factories import PASSWORD, make_comment, make_user

#: Longest wait for anything that should happen; a test that is right never waits this long.
TIMEOUT = 20
#: How long the second request is given to finish while the first is held. Without the lock
#: it finishes in milliseconds; with it, it waits for the first whatever this is.
GRACE = 1.0
#: What alice's comment says, and what her edit would make it say.
FIRST, LATER = "what alice wrote first", "what alice wrote later"


class Browser(webtest.TestApp):
    def __init__(self, app):
        super().__init__(app, extra_environ={"HTTP_HOST": "example.com"})

    def login(self, username):
        form = self.get("/login/").forms["login-form"]
        form["username"] = username
        form["password"] = PASSWORD
        form.submit(status=303)
        return self

    def csrf_token(self):
        return self.get("/login/").html.find("input", attrs={"name": "csrf_token"})["value"]


@pytest.fixture
def board(app, dbengine):
    """alice (a member) and root (an admin), logged in on browsers of their own, and alice's
    fresh comment: all committed, and deleted afterwards."""
    with Session(dbengine) as session, session.begin():
        alice = make_user(session, "alice", PASSWORD)
        make_user(session, "root", PASSWORD, role="admin")
        comment_id = make_comment(session, FIRST, commenter=alice).id
    browsers = {name: Browser(app).login(name) for name in ("alice", "root")}
    yield browsers, comment_id
    with dbengine.begin() as connection:
        for model in (RateEvent, LoginFailure, ModerationAction, Comment, User):
            connection.execute(sa.delete(model))


class Hold:
    """Holds the request running in the thread named ``thread`` just after its first
    statement matching ``matches``, until ``release`` is set."""

    def __init__(self, thread, matches):
        self.thread = thread
        self.matches = matches
        self.reached = threading.Event()
        self.release = threading.Event()

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if threading.current_thread().name != self.thread or self.reached.is_set():
            return
        if self.matches(statement):
            self.reached.set()
            self.release.wait(TIMEOUT)


def reads_the_comment(statement):
    return statement.lstrip().startswith("SELECT") and "FROM comments \nWHERE comments.id =" in statement


@contextmanager
def listening(engine, listener):
    sa.event.listen(engine, "after_cursor_execute", listener)
    try:
        yield
    finally:
        sa.event.remove(engine, "after_cursor_execute", listener)


def race(dbengine, first, second):
    """Run ``first`` until it has read the comment, then ``second`` (given ``GRACE`` seconds),
    then let ``first`` go on; each is ``(browser, path, fields)``. Returns both responses."""
    responses = {}

    def send(name, browser, path, fields):
        token = browser.csrf_token()
        ready[name].set()
        responses[name] = browser.post(path, {**fields, "csrf_token": token}, status="*")

    ready = {"first": threading.Event(), "second": threading.Event()}
    hold = Hold("first", reads_the_comment)
    threads = {
        name: threading.Thread(target=send, args=(name, *request), name=name)
        for name, request in (("first", first), ("second", second))
    }
    with listening(dbengine, hold):
        threads["first"].start()
        assert hold.reached.wait(TIMEOUT), "the first request never read the comment"
        threads["second"].start()
        threads["second"].join(GRACE)
        hold.release.set()
        for thread in threads.values():
            thread.join(TIMEOUT)
    assert set(responses) == {"first", "second"}, "a request did not finish"
    return responses["first"], responses["second"]


def stored(dbengine, comment_id):
    """(content, hidden) of the comment as committed, or None; and the moderation log's
    (action, excerpt) entries for it."""
    with dbengine.connect() as connection:
        row = connection.execute(
            sa.select(Comment.content, Comment.hidden_at.is_not(None)).where(Comment.id == comment_id)
        ).first()
        log = connection.execute(
            sa.select(ModerationAction.action, ModerationAction.comment_excerpt)
            .where(ModerationAction.comment_id == comment_id)
            .order_by(ModerationAction.id)
        ).all()
    return (tuple(row) if row else None), [tuple(entry) for entry in log]


def act(browsers, comment_id, action, by_second_moderator=False):
    """(browser, path, fields) of alice's edit, or of root's hide or delete; from a second
    browser on which root logs in now when both requests are a moderator's."""
    if action == "edit":
        return browsers["alice"], f"/comments/{comment_id}/edit", {"contents": LATER}
    browser = Browser(browsers["root"].app).login("root") if by_second_moderator else browsers["root"]
    return browser, f"/comments/{comment_id}/{action}", {}


def message_of(response):
    return " ".join(response.html.select_one("main").get_text().split())


HIDDEN_EDIT = "not while a moderator has hidden it. Nothing was changed."
DELETED_EDIT = "That comment no longer exists (it was deleted)"

#: (first, second, their statuses, the comment as stored (content, hidden) or None, the
#: moderation log's (action, excerpt) entries, the message a refused edit shows).
RACES = [
    pytest.param(
        "hide", "edit", (303, 403), (FIRST, True), [("hide", FIRST)], HIDDEN_EDIT,
        id="an edit waiting on a hide is refused and the hidden text is what was seen",
    ),
    pytest.param(
        "edit", "hide", (303, 303), (LATER, True), [("hide", LATER)], None,
        id="a hide waiting on an edit hides the text it then sees",
    ),
    pytest.param(
        "delete", "edit", (303, 404), None, [("delete", FIRST)], DELETED_EDIT,
        id="an edit waiting on a delete is refused with a message",
    ),
    pytest.param(
        "edit", "delete", (303, 303), None, [("delete", LATER)], None,
        id="a delete waiting on an edit deletes what it then sees",
    ),
    pytest.param(
        "delete", "hide", (303, 404), None, [("delete", FIRST)], None,
        id="a hide waiting on a delete finds the comment gone",
    ),
    pytest.param(
        "hide", "delete", (303, 303), None, [("hide", FIRST), ("delete", FIRST)], None,
        id="a delete waiting on a hide deletes the hidden comment",
    ),
    pytest.param(
        "delete", "delete", (303, 404), None, [("delete", FIRST)], None,
        id="a delete waiting on a delete finds the comment gone",
    ),
]  # fmt: skip


@pytest.mark.parametrize("first, second, statuses, comment, log, refusal", RACES)
def test_the_second_of_two_acts_sees_what_the_first_did(
    board, dbengine, first, second, statuses, comment, log, refusal
):
    browsers, comment_id = board
    both_moderators = "edit" not in (first, second)
    responses = race(
        dbengine,
        act(browsers, comment_id, first),
        act(browsers, comment_id, second, by_second_moderator=both_moderators),
    )
    assert tuple(response.status_int for response in responses) == statuses
    if refusal:
        edit = responses[1]
        assert refusal in message_of(edit)
        assert edit.forms["comment-form"]["contents"].value == LATER  # the typed text kept
    assert stored(dbengine, comment_id) == (comment, log)


# Simultaneous password guesses


def counts_the_users_failures(statement):
    return "FROM login_failures \nWHERE login_failures.username =" in statement


def test_simultaneous_guesses_at_an_account_never_pass_the_limit(app, dbengine, board):
    """10 wrong guesses at alice at once, each held after its count until all have counted
    (or 2 s passed: with the lock, the others are waiting for the first to finish)."""
    guesses = 10
    all_counted = threading.Barrier(guesses, timeout=2)

    def hold(conn, cursor, statement, parameters, context, executemany):
        if threading.current_thread().name.startswith("guess") and counts_the_users_failures(statement):
            with suppress(threading.BrokenBarrierError):
                all_counted.wait()

    guessers = [Browser(app) for _ in range(guesses)]
    tokens = [guesser.csrf_token() for guesser in guessers]
    statuses = []

    def guess(guesser, token):
        fields = {"username": "alice", "password": "not the password", "csrf_token": token}
        statuses.append(guesser.post("/login/", fields, status="*").status_int)

    threads = [
        threading.Thread(target=guess, args=pair, name=f"guess{number}")
        for number, pair in enumerate(zip(guessers, tokens, strict=False))
    ]
    with listening(dbengine, hold):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(TIMEOUT)
    with dbengine.connect() as connection:
        recorded = connection.scalar(
            sa.select(sa.func.count()).select_from(LoginFailure).where(LoginFailure.username == "alice")
        )
    assert (sorted(statuses), recorded) == ([400] * 5 + [429] * 5, 5)

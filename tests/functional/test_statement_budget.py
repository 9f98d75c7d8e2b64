"""How many SQL statements each page costs, so a regression (an N+1, a stray query) fails CI.

Counted with SQLAlchemy's ``before_cursor_execute`` event (the ``statements`` fixture), data
statements only: savepoints and transaction control are left out.
"""

from datetime import UTC, datetime, timezone

import pytest
import sqlalchemy as sa
from factories import make_comment, make_reply, make_user

from scratchpad.models import Comment, ModerationAction

PASSWORD = "correct horse battery"
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def board(dbsession):
    """60 comments by 6 users: more than a page, with many distinct commenters (posted long
    ago, so the posting limit leaves them alone)."""
    users = [make_user(dbsession, f"user{number}", PASSWORD) for number in range(6)]
    for number in range(60):
        make_comment(dbsession, f"Comment {number}", commenter=users[number % 6], posted_at=LONG_AGO)
    return users


def comment_form(testapp):
    return next(form for form in testapp.get("/").forms.values() if "contents" in form.fields)


def test_anonymous_front_page_costs_two_statements_then_one(testapp, board, statements):
    testapp.get("/")
    drawn = list(statements)
    statements.clear()
    testapp.get("/")
    # The board's revision and the page of comments; then the revision alone, the page kept
    # for it (page_cache.py).
    assert (len(drawn), statements) == (2, drawn[:1])


def test_anonymous_front_page_costs_three_statements_after_a_change(testapp, dbsession, board, statements):
    testapp.get("/")
    make_comment(dbsession, "Changed", commenter=board[0], posted_at=LONG_AGO)
    statements.clear()
    testapp.get("/")
    # The revision, which the kept page no longer has; the revision again in the page's own
    # transaction, and the page.
    assert len(statements) == 3


def test_logged_in_front_page_costs_two_statements(testapp, board, statements):
    testapp.login("user0", PASSWORD)
    statements.clear()
    testapp.get("/")
    # The logged-in user, then the page of comments with their commenters.
    assert len(statements) == 2


def test_posting_costs_six_statements(testapp, board, statements):
    testapp.login("user0", PASSWORD)
    form = comment_form(testapp)
    form["contents"] = "Counted"
    statements.clear()
    form.submit(status=303)
    # The user, the user's row locked for the posting limit, its count, this post counted,
    # the board's new revision, the INSERT.
    expected = ["SELECT", "SELECT", "SELECT", "INSERT", "UPDATE", "INSERT"]
    assert [statement.split()[0] for statement in statements] == expected


def test_successful_login_costs_eight_statements(testapp, board, statements):
    form = testapp.get("/login/").forms[0]
    form["username"] = "user0"
    form["password"] = PASSWORD
    statements.clear()
    form.submit(status=303)
    # Before bcrypt, outside the write transaction: the two throttling counts, the user's hash.
    # After, in it: the user's row locked, the two counts again (guesses made meanwhile
    # count), the user, clearing the user's failed logins.
    assert [statement.split()[0] for statement in statements] == [
        "SELECT",
        "SELECT",
        "SELECT",
        "SELECT",
        "SELECT",
        "SELECT",
        "SELECT",
        "DELETE",
    ]


def test_failed_login_costs_eight_statements(testapp, board, statements):
    form = testapp.get("/login/").forms[0]
    form["username"] = "user0"
    form["password"] = "wrong password"
    statements.clear()
    form.submit(status=400)
    # Before bcrypt: the two throttling counts, the user's hash. After, in the write
    # transaction: the user's row locked, the two counts again, clearing expired failures,
    # recording this one.
    assert [statement.split()[0] for statement in statements] == [
        "SELECT",
        "SELECT",
        "SELECT",
        "SELECT",
        "SELECT",
        "SELECT",
        "DELETE",
        "INSERT",
    ]


def test_front_page_cost_does_not_grow_with_the_board(testapp, dbsession, board, statements):
    testapp.get("/")
    make_comment(dbsession, "Changed", commenter=board[0], posted_at=LONG_AGO)
    statements.clear()
    # Drawn again for the new revision, then kept: at 61 comments, then at 261.
    testapp.get("/")
    testapp.get("/")
    small = len(statements)
    users = [make_user(dbsession, f"more{number}", PASSWORD) for number in range(20)]
    for number in range(200):
        dbsession.add(Comment(content=f"More {number}", commenter=users[number % 20]))
    dbsession.flush()
    statements.clear()
    testapp.get("/")
    testapp.get("/")
    assert len(statements) == small


def test_the_page_query_never_reads_password_hashes(testapp, board, statements):
    testapp.get("/")
    assert not any("password_hash" in statement for statement in statements)


def test_a_replys_permalink_costs_three_statements(testapp, board, dbsession, statements):
    root = make_comment(dbsession, "Root", commenter=board[0], posted_at=LONG_AGO)
    replies = [make_reply(dbsession, root, f"Reply {n}", commenter=board[n % 6]) for n in range(60)]
    statements.clear()
    testapp.get(f"/comments/{replies[-1].id}", status=303)
    # The comment, how many replies come before it, the last reply of the thread page before.
    assert len(statements) == 3


# Threads (issue 14): the board and a thread's page cost the same whatever a thread's length.


@pytest.fixture
def threads(dbsession, board):
    """Every comment of the board gets a reply, the newest root three nested ones, and one
    root a thread of ``long`` replies (see ``lengthen``)."""
    roots = dbsession.scalars(sa.select(Comment).order_by(Comment.id)).all()
    for number, root in enumerate(roots):
        make_reply(
            dbsession, root, f"Reply to {number}", commenter=board[(number + 1) % 6], posted_at=LONG_AGO
        )
    deep = roots[-1]
    for level in range(3):
        deep = make_reply(dbsession, deep, f"Level {level + 2}", commenter=board[level], posted_at=LONG_AGO)
    return roots


def lengthen(dbsession, root, users, count):
    for number in range(count):
        make_reply(
            dbsession, root, f"More {number}", commenter=users[number % len(users)], posted_at=LONG_AGO
        )


def thread_pages(testapp, root_id):
    """Every page of a thread, following "Later replies"."""
    page = testapp.get(f"/comments/{root_id}")
    pages = [page]
    while (later := page.html.find("a", rel="next")) is not None:
        page = testapp.get(later["href"])
        pages.append(page)
    return pages


def test_anonymous_board_of_threads_costs_two_statements_then_one(testapp, threads, statements):
    testapp.get("/")
    drawn = list(statements)
    statements.clear()
    testapp.get("/")
    assert (len(drawn), len(statements)) == (2, 1)


def test_logged_in_board_of_threads_costs_two_statements(testapp, threads, statements):
    testapp.login("user0", PASSWORD)
    statements.clear()
    testapp.get("/")
    testapp.get("/?before=30")
    # The user, then the page of threads with their shown replies, authors and parents.
    assert len(statements) == 4


@pytest.mark.parametrize("member", [False, True])
def test_board_cost_does_not_grow_with_a_threads_length(
    testapp, dbsession, board, threads, statements, member
):
    if member:
        testapp.login("user0", PASSWORD)
    testapp.get("/")
    lengthen(dbsession, threads[-1], board, 1)  # measured after a change, as below
    statements.clear()
    testapp.get("/")
    short = len(statements)
    lengthen(dbsession, threads[-1], board, 300)
    statements.clear()
    testapp.get("/")
    assert (short, len(statements)) == (short, short)


@pytest.mark.parametrize("member", [False, True])
def test_a_thread_page_costs_two_statements_at_any_length_and_depth(
    testapp, dbsession, board, threads, statements, member
):
    root = threads[-1]
    lengthen(dbsession, root, board, 130)
    if member:
        testapp.login("user0", PASSWORD)
    statements.clear()
    pages = thread_pages(testapp, root.id)
    # Per page: the root (the URL's comment), then the page of replies with their authors and
    # the parents they answer; a member's pages load the member first.
    assert (len(pages), len(statements)) == (3, 3 * (3 if member else 2))


def test_replying_costs_a_fixed_number_of_statements(testapp, dbsession, board, threads, statements):
    testapp.login("user0", PASSWORD)
    root = threads[-1]
    lengthen(dbsession, root, board, 60)
    form = next(f for f in testapp.get(f"/comments/{root.id}/reply").forms.values() if "contents" in f.fields)
    form["contents"] = "Counted"
    statements.clear()
    form.submit(status=303)
    # The user, the parent (locked), the user's row locked for the posting limit, its count,
    # this post counted, the board's new revision, the INSERT, its place, the root's count of
    # replies; then where the reply is shown: replies before it, the last of the page before.
    assert [statement.split()[0] for statement in statements] == [
        "SELECT", "SELECT", "SELECT", "SELECT", "INSERT", "UPDATE", "INSERT", "UPDATE", "UPDATE", "SELECT", "SELECT",
    ]  # fmt: skip


def test_the_reply_form_costs_three_statements(testapp, threads, statements):
    testapp.login("user0", PASSWORD)
    statements.clear()
    testapp.get(f"/comments/{threads[1].id}/reply")  # user1's
    # The user, the comment answered, its author's name.
    assert len(statements) == 3


def test_thread_queries_never_read_password_hashes(testapp, threads, statements):
    testapp.get("/")
    thread_pages(testapp, threads[-1].id)
    assert [statement for statement in statements if "password_hash" in statement] == []


def test_editing_costs_a_fixed_number_of_statements(testapp, board, dbsession, statements):
    testapp.login("user0", PASSWORD)
    fresh = make_comment(dbsession, "Fresh", commenter=board[0])
    token = testapp.get(f"/comments/{fresh.id}/edit").forms[1]["csrf_token"].value
    statements.clear()
    testapp.post(f"/comments/{fresh.id}/edit", {"contents": "Changed", "csrf_token": token}, status=303)
    # The user, the comment (locked), the user's row locked for the editing limit, its count,
    # the board's new revision, the UPDATE, this edit counted, then how many comments are newer
    # (none: it is on the newest page, so no second look-up for the page).
    assert [statement.split()[0] for statement in statements] == [
        "SELECT",
        "SELECT",
        "SELECT",
        "SELECT",
        "UPDATE",
        "UPDATE",
        "INSERT",
        "SELECT",
    ]


def test_the_moderation_log_costs_two_statements(testapp, board, dbsession, statements):
    admin = make_user(dbsession, "root", PASSWORD, role="admin")
    for comment in dbsession.scalars(sa.select(Comment).limit(30)):
        dbsession.add(ModerationAction.record(admin, "hide", comment))
    dbsession.flush()
    testapp.login("root", PASSWORD)
    statements.clear()
    testapp.get("/admin/moderation")
    # The user, the page of the log (names are copied into it: no join, no N+1).
    assert len(statements) == 2


# The Atom feed and the JSON API: the same for every visitor, so nobody's login is looked up.


def test_feed_costs_two_statements(testapp, board, statements):
    testapp.get("/feed.atom", status=200)
    # The board's revision (for the ETag), then the newest comments with their commenters.
    assert len(statements) == 2


def test_feed_not_modified_costs_one_statement(testapp, board, statements):
    etag = testapp.get("/feed.atom").headers["ETag"]
    statements.clear()
    testapp.get("/feed.atom", headers={"If-None-Match": etag}, status=304)
    # Only the board's revision: nothing loaded, nothing rendered.
    assert len(statements) == 1


def test_logged_in_feed_costs_the_same_without_loading_the_user(testapp, board, statements):
    testapp.login("user0", PASSWORD)
    etag = testapp.get("/feed.atom").headers["ETag"]
    statements.clear()
    testapp.get("/feed.atom", status=200)
    testapp.get("/feed.atom", headers={"If-None-Match": etag}, status=304)
    assert len(statements) == 3


def test_api_page_costs_one_statement(testapp, board, statements):
    testapp.get("/api/comments", status=200)
    assert len(statements) == 1


def test_logged_in_api_page_costs_one_statement_without_loading_the_user(testapp, board, statements):
    testapp.login("user0", PASSWORD)
    statements.clear()
    testapp.get("/api/comments", status=200)
    assert len(statements) == 1


def test_api_error_costs_no_statement(testapp, board, statements):
    testapp.get("/api/comments?limit=1000", status=400)
    testapp.get("/api/nope", status=404)
    assert statements == []


def test_feed_and_api_cost_does_not_grow_with_the_board(testapp, dbsession, board, statements):
    users = [make_user(dbsession, f"more{number}", PASSWORD) for number in range(20)]
    for number in range(200):
        dbsession.add(Comment(content=f"More {number}", commenter=users[number % 20]))
    dbsession.flush()
    statements.clear()
    testapp.get("/feed.atom")
    testapp.get("/api/comments", {"limit": 100})
    testapp.get("/api/comments", {"limit": 100, "before": 100})
    assert len(statements) == 4


def test_feed_and_api_queries_never_read_password_hashes(testapp, board, statements):
    testapp.get("/feed.atom")
    testapp.get("/api/comments")
    assert [statement for statement in statements if "password_hash" in statement] == []

"""How many SQL statements each page costs, so a regression (an N+1, a stray query) fails CI.

Counted with SQLAlchemy's ``before_cursor_execute`` event (the ``statements`` fixture), data
statements only: savepoints and transaction control are left out.
"""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from scratchpad.accounts import tokens
from scratchpad.i18n.languages import SUPPORTED
from scratchpad.mail.unsubscribe import unsubscribe_token
from scratchpad.models import Comment, ModerationAction, Report, User
from scratchpad.models.types import utcnow
from tests.support.apps import TestApp
from tests.support.factories import PASSWORD, make_comment, make_comments, make_replies, make_reply, make_user

LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)
#: A page of comments reads their texts (HTML) in one more statement when it draws any of
#: them, the first time or after a change; a page whose comments are all kept does not
#: (board/threads.py ``PageTexts``).
TEXTS = 1


def kinds(statements):
    """The statements' kinds in order, e.g. "SELECT SELECT UPDATE": their first words."""
    return " ".join(statement.split()[0] for statement in statements)


@pytest.fixture
def board(dbsession):
    """60 comments by 6 users: more than a page, with many distinct commenters (posted long
    ago, so the posting limit leaves them alone)."""
    users = [make_user(dbsession, f"user{number}", PASSWORD) for number in range(6)]
    make_comments(dbsession, [f"Comment {number}" for number in range(60)], users, posted_at=LONG_AGO)
    return users


def comment_form(testapp, path="/"):
    """The form on ``path`` that posts (a comment, or a reply)."""
    return next(form for form in testapp.get(path).forms.values() if "contents" in form.fields)


def add_comments_by_more_users(dbsession, comments, users):
    """``comments`` more comments, by ``users`` more users in turn; those users."""
    more = [make_user(dbsession, f"more{number}", PASSWORD) for number in range(users)]
    for number in range(comments):
        dbsession.add(Comment(content=f"More {number}", commenter=more[number % users]))
    dbsession.flush()
    return more


def kept_page(testapp, statements, path="/"):
    """``path`` asked for a second time, its comments' drawings kept from the first (so no
    texts are read); only the second visit's statements are left in ``statements``."""
    testapp.get(path)
    statements.clear()
    return testapp.get(path)


def log_in(testapp, statements, username="user0"):
    """Log ``username`` in, then forget the statements that took: the test counts what follows."""
    testapp.login(username, PASSWORD)
    statements.clear()


def test_anonymous_front_page_costs_two_statements_then_one(testapp, board, statements):
    testapp.get("/")
    drawn = list(statements)
    statements.clear()
    testapp.get("/")
    # The board's revision, the page of comments and (drawn for the first time) their texts
    # (threads.PageTexts); then the revision alone, the page kept for it (page_cache.py).
    assert (len(drawn), statements) == (2 + TEXTS, drawn[:1])


def test_anonymous_front_page_costs_three_statements_after_a_change(testapp, dbsession, board, statements):
    testapp.get("/")
    make_comment(dbsession, "Changed", commenter=board[0], posted_at=LONG_AGO)
    statements.clear()
    testapp.get("/")
    # The revision, which the kept page no longer has; the revision again in the page's own
    # transaction, and the page; the new comment's text (the others' drawings are kept, but
    # a page's texts are read for all of its comments at once).
    assert len(statements) == 3 + TEXTS


def test_logged_in_front_page_drawn_for_every_member_costs_three_statements(testapp, board, statements):
    log_in(testapp, statements)
    kept_page(testapp, statements)  # first with the message that greets a login: never kept
    # The logged-in user with the board's revision, the page of comments with their
    # commenters, and their texts: drawn once for every member (board/member_pages.py).
    assert len(statements) == 2 + TEXTS


def test_logged_in_front_page_costs_one_statement_once_kept(testapp, board, statements):
    log_in(testapp, statements)
    testapp.get("/")  # with the message that greets a login: never kept
    testapp.get("/")
    statements.clear()
    testapp.get("/")
    # The user, with the board's revision: the page kept for every member is at it
    # (board/member_pages.py).
    assert len(statements) == 1


def test_posting_costs_seven_statements(testapp, board, statements):
    testapp.login("user0", PASSWORD)
    form = comment_form(testapp)
    form["contents"] = "Counted"
    statements.clear()
    form.submit(status=303)
    # The user, their newest comment (is this a repeat of it? board/comments.repeat_of), the
    # user's row locked for the posting limit, its count, this post counted, the board's new
    # revision, the INSERT.
    expected = ["SELECT", "SELECT", "SELECT", "SELECT", "INSERT", "UPDATE", "INSERT"]
    print([" ".join(s.split()[:4]) for s in statements])
    assert [statement.split()[0] for statement in statements] == expected


@pytest.mark.parametrize(
    "password, status, expected",
    [
        # Before bcrypt, outside the write transaction: the two throttling counts, the user's
        # hash. After, in it: the user's row locked, the two counts again (guesses made
        # meanwhile count), the user, the time of this login, clearing the user's failed logins.
        pytest.param(PASSWORD, 303, ["SELECT"] * 7 + ["UPDATE", "DELETE"], id="successful"),
        # Before bcrypt: the two throttling counts, the user's hash. After, in the write
        # transaction: the user's row locked, the two counts again, clearing expired
        # failures, recording this one.
        pytest.param("wrong password", 400, ["SELECT"] * 6 + ["DELETE", "INSERT"], id="failed"),
    ],
)
def test_a_login_costs_a_fixed_number_of_statements(testapp, board, statements, password, status, expected):
    form = testapp.get("/login/").forms["login-form"]
    form["username"] = "user0"
    form["password"] = password
    statements.clear()
    form.submit(status=status)
    print([" ".join(s.split()[:4]) for s in statements])
    assert [statement.split()[0] for statement in statements] == expected


def test_front_page_cost_does_not_grow_with_the_board(testapp, dbsession, board, statements):
    testapp.get("/")
    make_comment(dbsession, "Changed", commenter=board[0], posted_at=LONG_AGO)
    statements.clear()
    # Drawn again for the new revision, then kept: at 61 comments, then at 261.
    testapp.get("/")
    testapp.get("/")
    small = len(statements)
    add_comments_by_more_users(dbsession, 200, 20)
    statements.clear()
    testapp.get("/")
    testapp.get("/")
    assert len(statements) == small


def test_the_page_query_never_reads_password_hashes(testapp, board, statements):
    testapp.get("/")
    assert not any("password_hash" in statement for statement in statements)


def test_a_replys_permalink_costs_three_statements(testapp, board, dbsession, statements):
    root = make_comment(dbsession, "Root", commenter=board[0], posted_at=LONG_AGO)
    replies = make_replies(dbsession, root, [f"Reply {n}" for n in range(60)], board)
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
    make_replies(dbsession, root, [f"More {number}" for number in range(count)], users, posted_at=LONG_AGO)


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
    assert (len(drawn), len(statements)) == (2 + TEXTS, 1)


def test_logged_in_board_of_threads_costs_two_statements(testapp, threads, statements):
    log_in(testapp, statements)
    older = f"/?before={threads[30].id}"  # ids go on from earlier tests: a page with threads
    testapp.get("/")
    testapp.get(older)
    drawn = len(statements)
    statements.clear()
    testapp.get("/")
    testapp.get(older)
    # The user, then the page of threads with their shown replies, authors and parents, and
    # (drawn the first time) their texts.
    assert (drawn, len(statements)) == (2 * (2 + TEXTS), 4)


# In every language (i18n): choosing one costs nothing, and each keeps its own pages


@pytest.mark.parametrize("language", SUPPORTED)
def test_every_language_costs_the_same_board_kept_page_and_thread(testapp, threads, statements, language):
    headers = {"Accept-Language": language}
    testapp.get("/", headers=headers)
    drawn = list(statements)
    statements.clear()
    testapp.get("/", headers=headers)
    kept = list(statements)
    statements.clear()
    testapp.get(f"/comments/{threads[0].id}", headers=headers)
    # Drawn: the revision, the page, its comments' texts; kept: the revision alone; a thread
    # page drawn: its root with the revision, its replies, their texts.
    assert (len(drawn), len(kept), len(statements)) == (2 + TEXTS, 1, 2 + TEXTS)


@pytest.mark.parametrize("language", SUPPORTED)
def test_a_member_in_their_saved_language_costs_the_same_statements(
    testapp, threads, dbsession, statements, language
):
    dbsession.execute(sa.update(User).where(User.username == "user0").values(language=language))
    log_in(testapp, statements)
    page = testapp.get("/", headers={"Accept-Language": "en" if language != "en" else "de"})
    # The user (their language in the same row), then the page of threads and (drawn for the
    # first time) their texts.
    assert (page.html.html["lang"], len(statements)) == (language, 2 + TEXTS)


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
def test_a_kept_thread_page_costs_the_same_at_any_length_and_depth(
    testapp, dbsession, board, threads, statements, member
):
    root = threads[-1]
    lengthen(dbsession, root, board, 130)
    if member:
        testapp.login("user0", PASSWORD)
        testapp.get("/")  # the message that greets a login, shown there: never kept
    thread_pages(testapp, root.id)
    statements.clear()
    pages = thread_pages(testapp, root.id)
    # Per page, kept once drawn: the root (the URL's comment) with the board's revision; a
    # member's pages load the member first (board/kept_pages.py).
    assert (len(pages), len(statements)) == (3, 3 * (2 if member else 1))


def test_replying_costs_a_fixed_number_of_statements(testapp, dbsession, board, threads, statements):
    testapp.login("user0", PASSWORD)
    root = threads[-1]
    lengthen(dbsession, root, board, 60)
    form = comment_form(testapp, f"/comments/{root.id}/reply")
    form["contents"] = "Counted"
    statements.clear()
    form.submit(status=303)
    # The user, the parent (locked), their newest comment (board/comments.repeat_of), the
    # user's row locked for the posting limit, its count, this post counted, the board's new
    # revision, the INSERT, its place, the root's count of replies, who to notify and their
    # notification (notifications/notify.py); then where the reply is shown: replies before
    # it, the last of the page before.
    assert kinds(statements) == "SELECT SELECT SELECT SELECT SELECT INSERT UPDATE INSERT UPDATE UPDATE SELECT INSERT SELECT SELECT"  # fmt: skip


def test_the_reply_form_costs_three_statements(testapp, threads, statements):
    log_in(testapp, statements)
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
    token = testapp.get(f"/comments/{fresh.id}/edit").forms["comment-form"]["csrf_token"].value
    statements.clear()
    testapp.post(f"/comments/{fresh.id}/edit", {"contents": "Changed", "csrf_token": token}, status=303)
    # The user, the comment (locked), the user's row locked for the editing limit, its count,
    # the board's new revision, the UPDATE, this edit counted, then how many comments are newer
    # (none: it is on the newest page, so no second look-up for the page).
    assert kinds(statements) == "SELECT SELECT SELECT SELECT UPDATE UPDATE INSERT SELECT"


def test_the_moderation_log_costs_two_statements(testapp, board, dbsession, statements):
    admin = make_user(dbsession, "root", PASSWORD, role="admin")
    for comment in dbsession.scalars(sa.select(Comment).limit(30)):
        dbsession.add(ModerationAction.record(admin, "hide", comment))
    dbsession.flush()
    log_in(testapp, statements, "root")
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
    log_in(testapp, statements)
    testapp.get("/api/comments", status=200)
    assert len(statements) == 1


def test_api_error_costs_no_statement(testapp, board, statements):
    testapp.get("/api/comments?limit=1000", status=400)
    testapp.get("/api/nope", status=404)
    assert statements == []


def test_feed_and_api_cost_does_not_grow_with_the_board(testapp, dbsession, board, statements):
    add_comments_by_more_users(dbsession, 200, 20)
    statements.clear()
    testapp.get("/feed.atom")
    testapp.get("/api/comments", {"limit": 100})
    testapp.get("/api/comments", {"limit": 100, "before": 100})
    assert len(statements) == 4


def test_feed_and_api_queries_never_read_password_hashes(testapp, board, statements):
    testapp.get("/feed.atom")
    testapp.get("/api/comments")
    assert [statement for statement in statements if "password_hash" in statement] == []


# The account page, invitations and the admin's users page


def test_the_account_page_costs_two_statements(testapp, board, statements):
    log_in(testapp, statements)
    testapp.get("/account")
    # The user (with their unread count); their notifications' feed address, if any.
    assert len(statements) == 2


def test_the_time_zone_page_costs_no_statement_for_a_visitor(testapp, board, statements):
    testapp.get("/time-zone")
    assert statements == []


def test_choosing_a_time_zone_costs_no_statement_for_a_visitor(testapp, board, statements):
    form = testapp.get("/time-zone").forms["time-zone-form"]
    form["time_zone"] = "Europe/Berlin"
    statements.clear()
    form.submit(status=303)
    assert statements == []


def test_saving_a_members_time_zone_costs_two_statements(testapp, board, statements):
    log_in(testapp, statements)
    form = testapp.get("/account").forms["time-zone-form"]
    form["time_zone"] = "Asia/Tokyo"
    statements.clear()
    form.submit(status=303)
    # The user, and the update of their row.
    assert kinds(statements) == "SELECT UPDATE"


def test_downloading_my_data_costs_six_statements_up_to_a_batch(testapp, board, statements):
    log_in(testapp, statements)
    data = testapp.get("/account/data.json").json
    # The user; their feed address, reports, notifications and the log's entries about them
    # (one each, however many); then their 10 comments in one batch (one per 500 comments).
    assert (len(data["comments"]), len(statements)) == (10, 6)


def test_changing_the_password_costs_a_fixed_number_of_statements(testapp, board, statements):
    testapp.login("user0", PASSWORD)
    form = next(form for form in testapp.get("/account").forms.values() if form.action == "/account/password")
    form["current_password"] = PASSWORD
    form["new_password"] = form["new_password_again"] = "a brand new password"
    statements.clear()
    form.submit(status=303)
    # The user, their row locked, the two throttling counts, the UPDATE of hash and session
    # secret, their open reset links revoked and their feed address ended (rules.end_every_way_in),
    # clearing their failed logins. The new ticket reuses the loaded user.
    assert kinds(statements) == "SELECT SELECT SELECT SELECT UPDATE UPDATE DELETE DELETE"


def test_the_admins_users_page_costs_three_statements(testapp, board, dbsession, statements):
    make_user(dbsession, "root", PASSWORD, role="admin")
    for number in range(30):
        tokens.create_invitation(dbsession, f"invitee{number}", "member", "root", 168)
    users = add_comments_by_more_users(dbsession, 100, 60)
    log_in(testapp, statements, "root")
    testapp.get("/admin/users")
    testapp.get("/admin/users", {"before": users[20].id})
    # Each: the admin, a page of users with their comment counts (one statement, however many
    # users and comments), the open invitations (creators' names copied in: no join, no N+1).
    assert len(statements) == 6


def test_the_users_page_never_reads_secrets(testapp, board, dbsession, statements):
    make_user(dbsession, "root", PASSWORD, role="admin")
    log_in(testapp, statements, "root")
    testapp.get("/admin/users")
    # Only the logged-in admin's own row is loaded whole (by the security policy).
    assert [s for s in statements[1:] if "password_hash" in s or "session_secret" in s or "email" in s] == []


def test_the_users_page_costs_the_same_whatever_state_its_users_are_in(testapp, board, dbsession, statements):
    make_user(dbsession, "root", PASSWORD, role="admin")
    users = add_comments_by_more_users(dbsession, 100, 60)
    for number, user in enumerate(users):
        user.is_active = number % 3 != 0
        user.suspended_until = utcnow() + timedelta(days=1) if number % 3 == 1 else None
    dbsession.flush()
    log_in(testapp, statements, "root")
    page = testapp.get("/admin/users")
    # The admin, the page of users (state and comment count in the same statement), the
    # open invitations; each row's forms cost nothing more.
    assert (len(statements), "suspended until" in page.text, "disabled" in page.text) == (3, True, True)


@pytest.mark.parametrize(
    "act, fields, expected",
    [
        # The admin, the user acted on, the UPDATE, their reset links revoked, their feed
        # address ended, the moderation log's INSERT, the links they made revoked.
        ("disable", {}, ["SELECT", "SELECT", "UPDATE", "UPDATE", "DELETE", "INSERT", "UPDATE"]),
        # The admin, the user acted on, the UPDATE, the moderation log's INSERT.
        ("suspend", {"duration": "7d"}, ["SELECT", "SELECT", "UPDATE", "INSERT"]),
        # Promoting: no need to count the admins (only taking one away could leave none).
        ("role", {"role": "admin"}, ["SELECT", "SELECT", "UPDATE", "INSERT"]),
        # Also: revoking older links, the new link, then the page: users and open invitations.
        ("reset", {}, ["SELECT", "SELECT", "UPDATE", "INSERT", "INSERT", "SELECT", "SELECT"]),
    ],
)
def test_an_act_on_a_user_costs_a_fixed_number_of_statements(
    testapp, board, dbsession, statements, act, fields, expected
):
    make_user(dbsession, "root", PASSWORD, role="admin")
    log_in(testapp, statements, "root")
    token = testapp.get_csrf_token()
    statements.clear()
    testapp.post(f"/admin/users/{board[1].id}/{act}", {"csrf_token": token, **fields})
    assert [statement.split()[0] for statement in statements] == expected


def test_a_suspended_members_board_costs_the_same_two_statements(testapp, board, dbsession, statements):
    board[0].suspended_until = utcnow() + timedelta(days=1)
    dbsession.flush()
    log_in(testapp, statements)
    page = kept_page(testapp, statements)
    # The user (whose row holds the suspension), the page of comments.
    assert (len(statements), page.html.find(id="suspension-notice") is not None) == (2, True)


def test_a_suspended_members_refused_post_costs_two_statements(testapp, board, dbsession, statements):
    testapp.login("user0", PASSWORD)
    form = comment_form(testapp)
    board[0].suspended_until = utcnow() + timedelta(days=1)
    dbsession.flush()
    form["contents"] = "Refused"
    statements.clear()
    form.submit(status=403)
    # The user, then the board's threads drawn again around the kept text: nothing is written.
    assert kinds(statements) == "SELECT WITH"


def test_an_invitation_page_costs_two_statements(testapp, board, dbsession, statements):
    token, _ = tokens.create_invitation(dbsession, "invitee", "member", "root", 168)
    dbsession.flush()
    statements.clear()
    testapp.get(f"/invitations/{token}")
    # The address's failed-login count, the link.
    assert len(statements) == 2


def test_an_unusable_link_costs_four_statements(testapp, board, statements):
    testapp.get("/invitations/" + "A" * 43, status=404)
    # The address's count, the (missing) link, clearing the address's expired failures,
    # counting this one.
    assert kinds(statements) == "SELECT SELECT DELETE INSERT"


def warmed_up_search(testapp):
    """A first search: on MariaDB it reads the server's index rules, once per process."""
    testapp.get("/search", {"q": "warm"}, status=200)


def test_a_search_page_costs_one_statement(testapp, board, statements):
    warmed_up_search(testapp)
    statements.clear()
    testapp.get("/search", {"q": "comment"}, status=200)
    testapp.get("/search", {"q": '"comment 5"', "before": 40}, status=200)
    testapp.get("/api/comments", {"q": "comment", "limit": 100}, status=200)
    # The comments that match, with their commenters' names, in one query each.
    assert len(statements) == 3
    assert [statement for statement in statements if "password_hash" in statement] == []


def test_a_logged_in_admin_search_costs_two_statements(testapp, dbsession, board, statements):
    make_user(dbsession, "moderator", PASSWORD, role="admin")
    testapp.login("moderator", PASSWORD)
    warmed_up_search(testapp)
    statements.clear()
    testapp.get("/search", {"q": "comment"}, status=200)
    # The logged-in user, then the matches (hidden ones included).
    assert len(statements) == 2


def test_a_refused_search_costs_no_statement(testapp, board, statements):
    testapp.get("/search", status=200)
    testapp.get("/search", {"q": "*"}, status=400)
    testapp.get("/search", {"q": "x" * 500}, status=400)
    testapp.get("/api/comments", {"q": "-"}, status=400)
    assert statements == []


# Reports, the inbox and pre-moderation (issue 15, lines 3 and 4).


def report_everything(dbsession, board, reporters):
    """Every comment of ``board`` reported by ``reporters`` more members; those members."""
    more = [make_user(dbsession, f"reporter{number}", PASSWORD) for number in range(reporters)]
    for comment in dbsession.scalars(sa.select(Comment)):
        for member in more:
            dbsession.add(Report(comment_id=comment.id, reporter_id=member.id, reason="spam", details="why"))
    dbsession.flush()
    return more


def test_an_admins_front_page_costs_two_statements_with_the_inbox_count(
    testapp, board, dbsession, statements
):
    make_user(dbsession, "root", PASSWORD, role="admin")
    report_everything(dbsession, board, 2)
    log_in(testapp, statements, "root")
    page = kept_page(testapp, statements)
    # The admin with the navbar's counts (one statement), then the page: as for a member.
    assert len(statements) == 2
    assert "120" in page.html.find("a", id="navbar-inbox").get_text()


@pytest.mark.parametrize("reporters", [1, 3])
def test_the_inbox_costs_three_statements_however_many_reports(
    testapp, board, dbsession, statements, reporters
):
    make_user(dbsession, "root", PASSWORD, role="admin")
    report_everything(dbsession, board, reporters)
    log_in(testapp, statements, "root")
    page = testapp.get("/admin/inbox")
    # The admin (with the counts), the page of reported comments with their authors, their
    # open reports with the reporters' names.
    assert len(statements) == 3
    assert len(page.html.select("section.inbox-entry")) == 25


def test_the_waiting_list_costs_two_statements(testapp, board, dbsession, statements):
    make_user(dbsession, "root", PASSWORD, role="admin")
    dbsession.execute(sa.update(Comment).values(waiting_since=LONG_AGO))
    log_in(testapp, statements, "root")
    page = testapp.get("/admin/inbox/waiting")
    # The admin (with the counts), the page of waiting comments with their authors.
    assert len(statements) == 2
    assert len(page.html.select("section.inbox-entry")) == 25


def someone_elses_comment(dbsession, board):
    """The id of a comment of user0's, for user1 to report."""
    return dbsession.scalar(sa.select(sa.func.min(Comment.id)).where(Comment.commenter_id == board[0].id))


def test_the_report_form_costs_four_statements(testapp, board, dbsession, statements):
    comment_id = someone_elses_comment(dbsession, board)
    log_in(testapp, statements, "user1")
    testapp.get(f"/comments/{comment_id}/report")
    # The user, the comment, its author's name (as the reply form), whether they reported it already.
    assert len(statements) == 4


@pytest.mark.parametrize("reporters", [0, 3])
def test_reporting_costs_a_fixed_number_of_statements(testapp, board, dbsession, statements, reporters):
    report_everything(dbsession, board, reporters)
    comment_id = someone_elses_comment(dbsession, board)
    log_in(testapp, statements, "user1")
    token = testapp.get_csrf_token()
    statements.clear()
    testapp.post(f"/comments/{comment_id}/report", {"csrf_token": token, "reason": "spam"}, status=303)
    # The user; the comment, locked; the reporting limit (lock, count, its event); the
    # report already there?; the report; the board page that shows the comment (two).
    assert len(statements) == 9


# Mentions and notifications (issue 14, lines 4 and 5)


@pytest.fixture
def notified(dbsession, board):
    """user0 is told of 60 comments: mentioned in 30 (by five users), answered in 30."""
    from scratchpad.notifications.notify import notify_about

    question = make_comment(dbsession, "user0 asks", commenter=board[0], posted_at=LONG_AGO)
    for number in range(30):
        notify_about(dbsession, make_comment(dbsession, f"@user0 {number}", commenter=board[1 + number % 5]))
        notify_about(
            dbsession, make_reply(dbsession, question, f"Answer {number}", commenter=board[1 + number % 5])
        )
    return question


def test_the_notifications_page_costs_three_statements_at_any_length(
    testapp, dbsession, board, notified, statements
):
    from scratchpad.notifications.notify import notify_about

    log_in(testapp, statements)
    testapp.get("/notifications")
    first = len(statements)
    statements.clear()
    older = testapp.get("/notifications").html.find("a", rel="next")["href"]
    statements.clear()
    testapp.get(older)
    deeper = len(statements)
    for number in range(100):
        notify_about(dbsession, make_comment(dbsession, f"More for @user0 {number}", commenter=board[2]))
    statements.clear()
    testapp.get("/notifications")
    # The user with their unread count, the page of notifications with their comments and
    # authors, marking the shown ones read.
    assert (first, deeper, len(statements)) == (3, 3, 3)


def test_the_notifications_page_writes_nothing_when_nothing_on_it_is_new(
    testapp, board, notified, statements
):
    log_in(testapp, statements)
    testapp.get("/notifications")
    statements.clear()
    testapp.get("/notifications")
    # The user with their unread count, the page: no UPDATE when every entry shown is read.
    assert kinds(statements) == "SELECT SELECT"


def test_the_navbar_count_costs_no_statement_more(testapp, board, notified, statements):
    log_in(testapp, statements)
    testapp.get("/")  # the message that greets a login
    page = kept_page(testapp, statements)
    # The user, with the count and the board's revision in the same statement; the page kept
    # for every member, the count filled into its slot.
    assert (
        len(statements),
        page.html.find("a", id="notifications-link").find(class_="badge") is not None,
    ) == (
        1,
        True,
    )


def test_marking_all_read_costs_two_statements(testapp, board, notified, statements):
    log_in(testapp, statements)
    token = testapp.get_csrf_token()
    statements.clear()
    testapp.post("/notifications/read", {"csrf_token": token}, status=303)
    assert kinds(statements) == "SELECT UPDATE"


def test_the_notifications_feed_costs_two_statements(testapp, browser, board, notified, statements):
    log_in(testapp, statements)
    page = testapp.get("/account").forms["feed-address-form"].submit(status=200)
    address = page.html.find("input", id="feed-url")["value"]
    statements.clear()
    browser().get(address)
    # The address's owner, the page of their notifications.
    assert len(statements) == 2


def test_a_users_page_costs_one_statement_at_any_size(testapp, dbsession, board, statements):
    statements.clear()
    testapp.get("/users/user1")
    small = len(statements)
    for number in range(200):
        dbsession.add(Comment(content=f"More {number}", commenter=board[1]))
    dbsession.flush()
    statements.clear()
    page = testapp.get("/users/user1")
    older = page.html.find("a", rel="next")["href"]
    statements.clear()
    testapp.get(older)
    deeper = len(statements)
    statements.clear()
    testapp.get("/users/nobody", status=404)
    assert (small, deeper, len(statements)) == (1, 1, 1)


def test_posting_with_mentions_costs_a_fixed_number_of_statements(testapp, board, statements):
    testapp.login("user0", PASSWORD)
    form = comment_form(testapp)
    form["contents"] = "Counted, @user1 @user2 @user3 @user4 @nobody"
    statements.clear()
    form.submit(status=303)
    # As posting without (the user, their newest comment, locked, counted, the post counted,
    # the board's revision, the INSERT), with the names mentioned that exist (one look-up for
    # all), who to tell, then their notifications: one INSERT each on SQLite, one for all on
    # MariaDB (at most notify.MAX_MENTIONS_TOLD people are told).
    expected = ["SELECT"] * 4 + ["INSERT", "SELECT", "UPDATE", "INSERT", "SELECT"]
    kinds = [statement.split()[0] for statement in statements]
    notifying = [statement for statement in statements[len(expected) :] if "INTO notifications" in statement]
    assert (
        kinds[: len(expected)],
        len(notifying) in (1, 4),
        len(statements) - len(expected) - len(notifying),
    ) == (
        expected,
        True,
        0,
    )


# Email: the confirmation link, the unsubscribe link, saving an address


@pytest.fixture
def mail_app(app_with):
    """Mail on (nothing is sent in these tests: the outbox only fills)."""
    return app_with(
        smtp_url="smtp://127.0.0.1:25", mail_from="board@example.com", public_url="http://example.com"
    )


def test_a_confirmation_page_costs_three_statements(browser, mail_app, board, dbsession, statements):
    board[0].email = "user0@example.org"
    token, _ = tokens.create_email_confirmation(dbsession, board[0], 48)
    dbsession.flush()
    statements.clear()
    browser(mail_app).get(f"/confirm-email/{token}")
    # The address's failed-login count, the link, its user.
    assert len(statements) == 3


def test_confirming_costs_a_fixed_number_of_statements(browser, mail_app, board, dbsession, statements):
    board[0].email = "user0@example.org"
    token, _ = tokens.create_email_confirmation(dbsession, board[0], 48)
    dbsession.flush()
    visitor = browser(mail_app)
    form = visitor.get(f"/confirm-email/{token}").forms["confirm-form"]
    statements.clear()
    form.submit(status=303)
    # Read on their own: the count, the link, its user; then in the write transaction the
    # link again (locked) and its user, and the two updates (link used, user confirmed).
    assert kinds(statements) == "SELECT SELECT SELECT SELECT SELECT UPDATE UPDATE"


def unsubscribe_path(mail_app, user):
    return f"/unsubscribe/{unsubscribe_token(mail_app.registry.settings['scratchpad.secret'], user)}"


def test_an_unsubscribe_page_costs_one_statement(browser, mail_app, board, dbsession, statements):
    board[0].email, board[0].email_notifications = "user0@example.org", True
    dbsession.flush()
    statements.clear()
    browser(mail_app).get(unsubscribe_path(mail_app, board[0]))
    assert len(statements) == 1  # the user the token names


def test_unsubscribing_in_one_click_costs_two_statements(browser, mail_app, board, dbsession, statements):
    board[0].email, board[0].email_notifications = "user0@example.org", True
    dbsession.flush()
    path = unsubscribe_path(mail_app, board[0])
    statements.clear()
    browser(mail_app).post(
        path, params="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert kinds(statements) == "SELECT UPDATE"


def test_saving_an_address_costs_a_fixed_number_of_statements(browser, mail_app, board, statements):
    visitor = browser(mail_app)
    visitor.login("user0", PASSWORD)
    form = visitor.get("/account").forms["email-form"]
    form["email"] = "user0@example.org"
    statements.clear()
    form.submit(status=303)
    # The user; their new address; this hour's confirmation mails; revoking older links; the
    # new link; the mail in the outbox.
    assert kinds(statements) == "SELECT UPDATE SELECT UPDATE INSERT INSERT"


def test_a_metrics_scrape_costs_no_statement(app_with, dbconnection, board, statements):
    """/metrics reads no database, logged in or not: it must answer while the database is down."""
    reader = app_with(metrics_allow="127.0.0.1")
    browser = TestApp(reader, extra_environ={"REMOTE_ADDR": "127.0.0.1", "app.dbconnection": dbconnection})
    browser.login("user0", PASSWORD)
    statements.clear()
    browser.get("/metrics", status=200)
    assert statements == []

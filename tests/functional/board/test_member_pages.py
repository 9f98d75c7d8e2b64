"""Pages kept for every member (board/member_pages.py, board/kept_pages.py): drawn once, each
member's own parts put in per request; never stale, never anyone else's, and the same bytes
as the page drawn for them with the cache off."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from scratchpad import resources
from scratchpad.board import member_pages
from scratchpad.models import Comment, Notification, User
from scratchpad.models.board import board_revision, mark_board_changed
from scratchpad.models.notification import REPLY
from scratchpad.models.types import utcnow
from tests.support.factories import PASSWORD, make_comment, make_reply

SUBMISSION_ID = re.compile(r'name="submission_id" value="[0-9a-f]*"')


def logged_in(browser, username):
    """A browser logged in as ``username``, past the page that greeted them (its message is
    never kept)."""
    member = browser()
    member.login(username, PASSWORD).follow()
    return member


def navbar_name(page):
    return page.html.select_one(".navbar-text strong").get_text()


def tokens(page):
    return {field["value"] for field in page.html.select('input[name="csrf_token"]')}


def buttons(page, comment_id):
    """The names of the buttons and links on a comment, in order."""
    actions = page.html.select_one(f"#comment-{comment_id} .comment-actions")
    return (
        [] if actions is None else [element.get_text().split()[0] for element in actions.select("a, button")]
    )


def same_page(page):
    """The page's body, the form's submission id (new each time) left out."""
    return SUBMISSION_ID.sub("", page.text)


@pytest.fixture
def board(dbsession, alice, bob):
    """Comments by alice (one fresh, one long past its edit window), bob and nobody."""
    old = make_comment(dbsession, "Alice's old one", commenter=alice, posted_at=utcnow() - timedelta(days=2))
    fresh = make_comment(dbsession, "Alice's fresh one", commenter=alice)
    by_bob = make_comment(dbsession, "Bob's", commenter=bob)
    anonymous = make_comment(dbsession, "Nobody's")
    return dict(old=old.id, fresh=fresh.id, bob=by_bob.id, anonymous=anonymous.id)


# Kept, and cheap


def test_a_members_second_visit_costs_one_statement(browser, board, statements):
    alice = logged_in(browser, "alice")
    alice.get("/")
    statements.clear()
    alice.get("/")
    # The member with the board's revision; the page was kept at that revision.
    assert [("FROM users" in statement) for statement in statements] == [True]


def test_the_page_is_kept_once_for_every_member(browser, board, statements):
    logged_in(browser, "alice").get("/")
    bob = logged_in(browser, "bob")
    statements.clear()
    bob.get("/")
    assert len(statements) == 1


def test_a_kept_page_is_what_the_cache_off_draws(browser, app_with, board):
    alice = logged_in(browser, "alice")
    alice.get("/")
    kept = alice.get("/")
    drawn = browser(app_with(page_cache_bytes=0))
    drawn.cookiejar = alice.cookiejar
    assert same_page(kept) == same_page(drawn.get("/"))


def test_a_kept_thread_page_is_what_the_cache_off_draws(browser, app_with, board, dbsession, alice, bob):
    root = dbsession.get(Comment, board["bob"])
    for number in range(3):
        make_reply(dbsession, root, f"Reply {number}", commenter=alice if number % 2 else bob)
    alice_browser = logged_in(browser, "alice")
    alice_browser.get(f"/comments/{root.id}")
    kept = alice_browser.get(f"/comments/{root.id}")
    drawn = browser(app_with(page_cache_bytes=0))
    drawn.cookiejar = alice_browser.cookiejar
    assert same_page(kept) == same_page(drawn.get(f"/comments/{root.id}"))


# Never anyone else's


def test_each_member_gets_their_own_name_token_and_buttons(browser, board):
    alice, bob = logged_in(browser, "alice"), logged_in(browser, "bob")
    alice_page = alice.get("/")
    bob_page = bob.get("/")  # from the page kept while alice looked
    assert (
        navbar_name(bob_page),
        tokens(bob_page) == tokens(bob.get("/account")),
        tokens(bob_page) & tokens(alice_page),
        buttons(bob_page, board["fresh"]),
        buttons(bob_page, board["bob"]),
        buttons(alice_page, board["fresh"]),
        buttons(alice_page, board["old"]),
        buttons(alice_page, board["bob"]),
    ) == (
        "bob",
        True,
        set(),
        ["Reply", "Report"],
        ["Reply", "Edit", "Delete"],
        ["Reply", "Edit", "Delete"],
        ["Reply"],
        ["Reply", "Report"],
    )


def test_the_submission_id_is_new_on_each_page(browser, board):
    alice = logged_in(browser, "alice")
    ids = {alice.get("/").forms["comment-form"]["submission_id"].value for _ in range(3)}
    assert sorted(map(len, ids)) == [32, 32, 32]


def test_a_moderators_hide_never_reaches_members(browser, board, admin):
    root = logged_in(browser, "root")
    moderator_page = root.get("/")
    member_page = logged_in(browser, "bob").get("/")
    assert (buttons(moderator_page, board["fresh"]), buttons(member_page, board["fresh"])) == (
        ["Reply", "Hide", "Delete", "Report"],
        ["Reply", "Report"],
    )


def test_a_member_never_sees_anothers_waiting_comment_nor_is_served_the_page_without_theirs(
    browser, board, dbsession, alice, bob
):
    bob_browser = logged_in(browser, "bob")
    bob_browser.get("/")  # the page for every member, kept
    waiting = make_comment(dbsession, "Waiting for a moderator", commenter=alice)
    waiting.waiting_since = utcnow()
    dbsession.flush()
    alice_page = logged_in(browser, "alice").get("/")
    bob_page = bob_browser.get("/")
    assert ("Waiting for a moderator" in alice_page.text, "Waiting for a moderator" in bob_page.text) == (
        True,
        False,
    )


def test_the_own_buttons_pattern_is_checked_against_a_second_drawing(browser, board, monkeypatch):
    # Were the id shown otherwise than as its digits, the pattern would be refused and each
    # comment's buttons drawn through the template: the page is the same either way.
    alice = logged_in(browser, "alice")
    with_pattern = alice.get("/")
    monkeypatch.setattr(member_pages.OwnButtons, "pattern", lambda self, is_hidden, edit: None)
    alice.app.registry["page_cache"].clear()
    assert same_page(alice.get("/")) == same_page(with_pattern)


# Never stale


def test_the_edit_window_closing_removes_edit_at_once(browser, board, monkeypatch):
    alice = logged_in(browser, "alice")
    before = buttons(alice.get("/"), board["fresh"])
    later = utcnow() + timedelta(hours=1)
    monkeypatch.setattr(member_pages, "utcnow", lambda: later)
    assert (before, buttons(alice.get("/"), board["fresh"])) == (["Reply", "Edit", "Delete"], ["Reply"])


@pytest.mark.parametrize("change", ["edit", "hide", "delete", "reply", "rename"])
def test_a_change_shows_at_once_on_a_members_kept_page(browser, board, dbsession, bob, change):
    alice = logged_in(browser, "alice")
    alice.get("/")
    alice.get("/")
    comment = dbsession.get(Comment, board["bob"])
    if change == "edit":
        comment.content = "Bob's, edited"
        expected = "Bob's, edited"
    elif change == "hide":
        comment.hidden_at = utcnow()
        expected = "removed by a moderator"
    elif change == "delete":
        dbsession.delete(comment)
        expected = None
    elif change == "reply":
        make_reply(dbsession, comment, "A fresh answer", commenter=bob)
        expected = "A fresh answer"
    else:
        dbsession.get(User, bob.id).username = "robert"
        expected = "by <bdi>robert</bdi>"
    dbsession.flush()
    page = alice.get("/")
    if expected is None:
        assert page.html.select_one(f"#comment-{board['bob']}") is None
    else:
        assert expected in page.text


def test_a_comment_posted_through_another_process_shows_at_once(browser, app_with, board):
    alice = logged_in(browser, "alice")
    alice.get("/")
    poster = browser(app_with())
    poster.login("bob", PASSWORD)
    form = poster.get("/").forms["comment-form"]
    form["contents"] = "From the other process"
    form.submit(status=303)
    assert "From the other process" in alice.get("/").text


def test_logging_out_takes_effect_at_once(browser, board):
    alice = logged_in(browser, "alice")
    token = alice.get("/").forms["logout-form"]["csrf_token"].value
    alice.post("/logout/", {"csrf_token": token}, status=303).follow()
    page = alice.get("/")
    assert ("Logged in as" in page.text, "comment-form" in page.forms) == (False, False)


def test_a_suspension_takes_effect_at_once(browser, board, dbsession, alice):
    alice_browser = logged_in(browser, "alice")
    alice_browser.get("/")
    dbsession.get(User, alice.id).suspended_until = utcnow() + timedelta(days=1)
    dbsession.flush()
    page = alice_browser.get("/")
    assert ("comment-form" in page.forms, "suspended" in page.text.lower()) == (False, True)


def test_a_role_change_takes_effect_at_once(browser, board, dbsession, bob):
    bob_browser = logged_in(browser, "bob")
    before = buttons(bob_browser.get("/"), board["fresh"])
    dbsession.get(User, bob.id).role = "admin"
    dbsession.flush()
    assert (before, buttons(bob_browser.get("/"), board["fresh"])) == (
        ["Reply", "Report"],
        ["Reply", "Hide", "Delete", "Report"],
    )


def test_a_member_with_a_message_gets_it_once(browser, board):
    alice = logged_in(browser, "alice")
    alice.get("/")
    form = alice.get("/").forms["comment-form"]
    form["contents"] = "Posted"
    posted = form.submit(status=303).follow()
    assert ("Your comment was posted." in posted.text, "Your comment was posted." in alice.get("/").text) == (
        True,
        False,
    )


# Bounded


def test_no_page_is_kept_for_members_with_the_cache_off(browser, app_with, board, statements):
    alice = browser(app_with(page_cache_bytes=0))
    alice.login("alice", PASSWORD).follow()
    statements.clear()
    alice.get("/")
    alice.get("/")
    assert len(statements) == 4


def test_a_kept_member_page_is_weighed_by_what_it_holds(browser, board, app):
    logged_in(browser, "alice").get("/")
    cache = app.registry["page_cache"]
    ((page, size),) = [entry for key, entry in cache._entries.items() if key[0] == "member"]
    assert size >= sum(map(len, page.chunks)) + sum(map(len, page.merged))


# Anonymous visitors' thread pages


def test_an_anonymous_thread_page_is_kept_and_costs_one_statement(browser, board, dbsession, bob, statements):
    root = dbsession.get(Comment, board["bob"])
    make_reply(dbsession, root, "An answer", commenter=bob)
    anonymous = browser()
    first = anonymous.get(f"/comments/{root.id}")
    statements.clear()
    second = anonymous.get(f"/comments/{root.id}")
    # The root, with the board's revision; the page was kept at it.
    assert (len(statements), second.body == first.body, second.headers["ETag"]) == (
        1,
        True,
        first.headers["ETag"],
    )


def test_a_new_reply_shows_at_once_on_a_kept_thread_page(browser, board, dbsession, bob):
    root = dbsession.get(Comment, board["bob"])
    anonymous = browser()
    anonymous.get(f"/comments/{root.id}")
    make_reply(dbsession, root, "A later answer", commenter=bob)
    assert "A later answer" in anonymous.get(f"/comments/{root.id}").text


def test_thread_pages_are_kept_apart(browser, board, dbsession, bob):
    first, second = (dbsession.get(Comment, board[name]) for name in ("bob", "fresh"))
    anonymous = browser()
    anonymous.get(f"/comments/{first.id}")
    page = anonymous.get(f"/comments/{second.id}")
    assert page.html.select_one("h1").get_text() == f"Thread of comment {second.id}"


def test_a_members_kept_page_is_never_stored_by_a_browser_or_proxy(browser, board):
    alice = logged_in(browser, "alice")
    alice.get("/")
    kept = alice.get("/")
    assert (kept.headers["Cache-Control"], "ETag" in kept.headers) == ("no-store", False)


# No ORM session for a kept page


def test_a_members_kept_page_makes_no_orm_session(browser, board, sessions_begun, statements):
    alice = logged_in(browser, "alice")
    first = alice.get("/")
    sessions_begun.clear()
    statements.clear()
    kept = alice.get("/")
    # The member and the revision on a connection of the request's own (models/loaded.py).
    assert (len(sessions_begun), len(statements), navbar_name(kept), same_page(kept)) == (
        0,
        1,
        "alice",
        same_page(first),
    )


@pytest.mark.parametrize("reader", ["alice", None])
def test_a_kept_thread_page_makes_no_orm_session(
    browser, board, dbsession, bob, sessions_begun, statements, reader
):
    root = dbsession.get(Comment, board["bob"])
    make_reply(dbsession, root, "An answer", commenter=bob)
    visitor = browser() if reader is None else logged_in(browser, reader)
    visitor.get(f"/comments/{root.id}")
    sessions_begun.clear()
    statements.clear()
    page = visitor.get(f"/comments/{root.id}")
    # The root with the revision, and the member's row: in one snapshot, on one connection.
    assert (len(sessions_begun), len(statements), "An answer" in page.text) == (
        0,
        1 if reader is None else 2,
        True,
    )


@pytest.mark.parametrize("reader", [None, "root"])
@pytest.mark.parametrize("shown", ["board", "thread"])
def test_a_drawn_page_makes_no_orm_session(
    browser, app_with, board, dbsession, bob, admin, sessions_begun, statements, reader, shown
):
    """A visitor's page with the page cache off, and an admin's (never kept): the rows, and
    the admin and a thread's root before them, on the request's own connection
    (models/loaded.py)."""
    root = dbsession.get(Comment, board["bob"])
    make_reply(dbsession, root, "An answer", commenter=bob)
    path = "/" if shown == "board" else f"/comments/{root.id}"
    drawn = app_with(page_cache_bytes=0)
    visitor = browser(drawn)
    if reader is not None:
        visitor.login(reader, PASSWORD).follow()
    visitor.get(path)
    sessions_begun.clear()
    statements.clear()
    page = visitor.get(path)
    # A visitor's board page: its roots and their stamps; a visitor's thread page: its root,
    # with its thread's stamp, under which the page is kept (board/stamped.py). An admin's:
    # the admin, then the rows (a thread page's after its root).
    expected = 1 if reader is None else (2 if shown == "board" else 3)
    assert (len(sessions_begun), len(statements), "An answer" in page.text) == (0, expected, True)


def test_a_page_is_kept_under_the_first_revision_its_request_read(
    browser, board, dbsession, dbconnection, app
):
    """The root's revision, which its checks saw, not the member's read after it: were the
    two ever to differ (a change landing between them), the page is kept under the older
    one, so the next visit, which reads the newer one, draws it again."""
    root = dbsession.get(Comment, board["bob"])
    alice = logged_in(browser, "alice")
    revisions = []

    def change_after_the_root_is_read(conn, cursor, statement, parameters, context, executemany):
        if statement == resources.THREAD_ROOT_READ.by_dialect[conn.dialect].sql and not revisions:
            revisions.append(board_revision(conn))
            mark_board_changed(conn)

    event.listen(dbconnection, "after_cursor_execute", change_after_the_root_is_read)
    try:
        alice.get(f"/comments/{root.id}")
    finally:
        event.remove(dbconnection, "after_cursor_execute", change_after_the_root_is_read)
    (page,) = [page for key, (page, _) in app.registry["page_cache"]._entries.items() if key[0] == "member"]
    assert (page.revision == revisions[0], board_revision(dbconnection) != revisions[0]) == (True, True)


def test_the_navbar_link_is_drawn_once_per_count(browser, board, dbsession, alice, bob, monkeypatch):
    for comment in ("bob", "anonymous"):
        dbsession.add(Notification(recipient_id=alice.id, comment_id=board[comment], kind=REPLY))
    dbsession.flush()
    alice_browser, bob_browser = logged_in(browser, "alice"), logged_in(browser, "bob")
    alice_page, bob_page = alice_browser.get("/"), bob_browser.get("/")
    drawn = []
    template_module = member_pages.template_module

    def counted(request, name, context=None):
        drawn.append(name)
        return template_module(request, name, context)

    monkeypatch.setattr(member_pages, "template_module", counted)
    again = alice_browser.get("/"), bob_browser.get("/")
    links = [page.html.select_one("#notifications-link").get_text(" ", strip=True) for page in again]
    assert (drawn, links, [same_page(page) for page in again]) == (
        [],
        ["Notifications 2 unread", "Notifications"],
        [same_page(alice_page), same_page(bob_page)],
    )

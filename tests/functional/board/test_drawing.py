"""Issue 14, line 2: comments drawn once and kept (board/drawing.py), never stale, never
someone else's. Every test draws its pages (the page cache off), through the whole app."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from scratchpad import resources
from scratchpad.accounts.security import SecurityPolicy
from scratchpad.board import drawing, markup
from scratchpad.models import Comment
from scratchpad.models.types import utcnow
from tests.support.factories import PASSWORD, make_comment, make_reply, make_user


@pytest.fixture
def drawn(app_with, browser):
    """A function making a fresh browser on an app of its own (its own kept comments) that
    draws every page: no page cache, and ``settings`` changed."""

    def make(wsgi=None, **settings):
        return browser(wsgi or app_with(page_cache_bytes=0, **settings))

    return make


@pytest.fixture
def wsgi(app_with):
    """One app the browsers of a test share: what one reader drew is kept for the next."""
    return app_with(page_cache_bytes=0)


@pytest.fixture
def renders(monkeypatch):
    """How many comments' HTML a page put together (``markup.stored_or_rendered`` is what
    ``content_html`` calls for each comment it shows)."""
    calls = []
    original = markup.stored_or_rendered

    def counted(*args):
        calls.append(args)
        return original(*args)

    monkeypatch.setattr(markup, "stored_or_rendered", counted)
    return calls


def logged_in_as(browser, wsgi, username):
    reader = browser(wsgi)
    reader.login(username, PASSWORD)
    return reader


def article(page, comment_id):
    """The text of one comment's entry, whitespace squeezed."""
    return " ".join(page.html.find("article", id=f"comment-{comment_id}").get_text().split())


def test_a_page_drawn_again_draws_none_of_its_comments_again(dbsession, alice, drawn, renders):
    root = make_comment(dbsession, "Root", commenter=alice)
    for number in range(3):
        make_reply(dbsession, root, f"Reply {number}", commenter=alice)
    visitor = drawn()
    first = visitor.get("/")
    drawn_first = len(renders)
    again = visitor.get("/")
    assert (drawn_first, len(renders) - drawn_first, again.body) == (4, 0, first.body)


def test_a_thread_page_drawn_again_draws_none_of_its_comments_again(dbsession, alice, drawn, renders):
    root = make_comment(dbsession, "Root", commenter=alice)
    for number in range(3):
        make_reply(dbsession, root, f"Reply {number}", commenter=alice)
    visitor = drawn()
    first = visitor.get(f"/comments/{root.id}")
    drawn_first = len(renders)
    again = visitor.get(f"/comments/{root.id}")
    assert (drawn_first, len(renders) - drawn_first, again.body) == (4, 0, first.body)


def test_a_members_page_draws_only_their_own_buttons_again(dbsession, alice, bob, browser, wsgi, renders):
    root = make_comment(dbsession, "Root", commenter=bob)
    make_reply(dbsession, root, "Reply", commenter=bob)
    browser(wsgi).get("/")  # a visitor draws the shared parts
    drawn_for_visitor = len(renders)
    page = logged_in_as(browser, wsgi, "alice").get("/")
    assert (drawn_for_visitor, len(renders) - drawn_for_visitor) == (2, 0)
    assert len(page.html.select(".comment-actions .comment-reply-link")) == 2


def test_without_kept_comments_every_page_is_drawn_and_the_same(dbsession, alice, drawn, renders):
    root = make_comment(dbsession, "Root", commenter=alice)
    make_reply(dbsession, root, "Reply", commenter=alice)
    kept = drawn().get("/")
    visitor = drawn(fragment_cache_bytes=0)
    first = visitor.get("/")
    before = len(renders)
    again = visitor.get("/")
    assert (len(renders) - before, first.body, again.body) == (2, kept.body, kept.body)


def test_an_edit_shows_at_once(dbsession, alice, drawn):
    root = make_comment(dbsession, "First words", commenter=alice)
    reply = make_reply(dbsession, root, "A first reply", commenter=alice)
    visitor = drawn()
    assert "First words" in visitor.get("/")
    assert "A first reply" in visitor.get(f"/comments/{root.id}")
    root.content = "Second thoughts"
    reply.content = "A second reply"
    dbsession.flush()
    board, thread = visitor.get("/"), visitor.get(f"/comments/{root.id}")
    assert ("Second thoughts" in board, "First words" in board, "A second reply" in board) == (
        True,
        False,
        True,
    )
    assert ("A second reply" in thread, "A first reply" in thread) == (True, False)


def test_an_edit_through_the_form_shows_at_once(dbsession, alice, browser, wsgi):
    root = make_comment(dbsession, "Root", commenter=alice)
    reply = make_reply(dbsession, root, "First words", commenter=alice)
    visitor = browser(wsgi)
    assert "First words" in visitor.get("/")
    author = logged_in_as(browser, wsgi, "alice")
    form = author.get(f"/comments/{reply.id}/edit").forms["comment-form"]
    form["contents"] = "Second thoughts"
    form.submit(status=303)
    for reader in (visitor, author):
        page = reader.get("/")
        assert ("Second thoughts" in article(page, reply.id), "edited" in article(page, reply.id)) == (
            True,
            True,
        )


def test_a_hidden_reply_is_a_placeholder_for_all_but_moderators(dbsession, alice, admin, browser, wsgi):
    root = make_comment(dbsession, "Root", commenter=alice)
    reply = make_reply(dbsession, root, "Spam reply", commenter=alice)
    visitor, member = browser(wsgi), logged_in_as(browser, wsgi, "alice")
    moderator = logged_in_as(browser, wsgi, "root")
    assert all("Spam reply" in reader.get("/") for reader in (visitor, member, moderator))
    token = moderator.get_csrf_token()
    moderator.post(f"/comments/{reply.id}/hide", {"csrf_token": token}, status=303)
    seen_by_moderator = article(moderator.get("/"), reply.id)
    for reader in (visitor, member):
        assert article(reader.get("/"), reply.id).startswith("This comment was removed by a moderator.")
    # The moderator, drawn first or not, still sees the text, marked; nobody else ever does.
    assert (
        seen_by_moderator.startswith("Hidden from others Spam reply"),
        "Spam reply" in visitor.get("/"),
    ) == (
        True,
        False,
    )
    moderator.post(f"/comments/{reply.id}/unhide", {"csrf_token": token}, status=303)
    assert "Spam reply" in article(visitor.get("/"), reply.id)


def test_a_deleted_comment_with_replies_becomes_a_placeholder(dbsession, alice, bob, browser, wsgi):
    root = make_comment(dbsession, "Root words", commenter=alice)
    make_reply(dbsession, root, "An answer", commenter=bob)
    visitor = browser(wsgi)
    assert "Root words" in visitor.get("/")
    author = logged_in_as(browser, wsgi, "alice")
    form = author.get(f"/comments/{root.id}/delete").forms["delete-form"]
    form.submit(status=303)
    page = visitor.get("/")
    assert (
        article(page, root.id).startswith("This comment was deleted by its author."),
        "An answer" in page,
    ) == (
        True,
        True,
    )


def test_a_new_reply_shows_and_is_counted_at_once(dbsession, alice, bob, drawn):
    root = make_comment(dbsession, "Root", commenter=alice)
    make_reply(dbsession, root, "Reply 1", commenter=bob)
    visitor = drawn(replies_shown=1)
    assert "All 2 replies" not in visitor.get("/")
    make_reply(dbsession, root, "Reply 2", commenter=bob)
    assert "All 2 replies" in visitor.get("/")
    make_reply(dbsession, root, "Reply 3", commenter=bob)
    page = visitor.get("/")
    assert ("All 3 replies" in page, "All 2 replies" in page) == (True, False)


def test_a_renamed_commenter_shows_under_the_new_name(dbsession, alice, drawn):
    root = make_comment(dbsession, "Root", commenter=alice)
    make_reply(dbsession, root, "Reply", commenter=alice)
    visitor = drawn()
    assert "by <bdi>alice</bdi>" in visitor.get("/")
    alice.username = "alicia"
    dbsession.flush()
    page = visitor.get("/")
    assert (page.text.count("by <bdi>alicia</bdi>"), ">alice<" in page) == (2, False)


def test_whom_a_reply_answers_follows_the_answered_comment(dbsession, alice, bob, drawn):
    """A reply at the deepest level says whom it answers: that line changes when the
    answered comment is hidden, though the reply itself does not change."""
    root = make_comment(dbsession, "Root", commenter=alice)
    deepest = make_reply(dbsession, root, "Level 1", commenter=bob, max_depth=1)
    beyond = make_reply(dbsession, deepest, "Beside it", commenter=alice, max_depth=1)
    visitor = drawn(reply_depth=1)
    assert "In reply to @bob" in article(visitor.get("/"), beyond.id)
    dbsession.get(Comment, deepest.id).hidden_at = root.posted_at
    dbsession.flush()
    assert "In reply to a removed comment" in article(visitor.get("/"), beyond.id)


def test_the_mount_point_is_part_of_what_is_kept(dbsession, alice, browser, wsgi):
    root = make_comment(dbsession, "Root", commenter=alice)
    browser(wsgi).get("/")
    mounted = browser(wsgi, SCRIPT_NAME="/board").get("/board/")
    assert mounted.html.find("a", class_="comment-permalink")["href"] == f"/board/comments/{root.id}"


def test_an_admins_buttons_never_reach_a_member_or_a_visitor(dbsession, alice, admin, browser, wsgi):
    root = make_comment(dbsession, "Root", commenter=admin)
    make_reply(dbsession, root, "Reply", commenter=admin)
    moderator = logged_in_as(browser, wsgi, "root")
    assert len(moderator.get("/").html.select("form[action$='/hide']")) == 2
    member, visitor = logged_in_as(browser, wsgi, "alice"), browser(wsgi)
    member_page, visitor_page = member.get("/"), visitor.get("/")
    assert (
        member_page.html.select("form[action$='/hide']"),
        member_page.html.select("a[href$='/edit'], a[href$='/delete']"),
        visitor_page.html.select(".comment-actions"),
        moderator.get_csrf_token() in member_page.text + visitor_page.text,
    ) == ([], [], [], False)


def test_a_members_edit_link_never_reaches_another_member(dbsession, alice, bob, browser, wsgi):
    root = make_comment(dbsession, "Root", commenter=alice)
    reply = make_reply(dbsession, root, "Reply", commenter=alice)
    author = logged_in_as(browser, wsgi, "alice")
    assert len(author.get("/").html.select("a[href$='/edit']")) == 2
    other = logged_in_as(browser, wsgi, "bob")
    page = other.get(f"/comments/{root.id}")
    assert (
        page.html.select("a[href$='/edit']"),
        len(page.html.select(f"#comment-{reply.id} .comment-reply-link")),
    ) == (
        [],
        1,
    )


def test_a_role_change_shows_at_once(dbsession, alice, browser, wsgi):
    root = make_comment(dbsession, "Root", commenter=alice)
    make_reply(dbsession, root, "Reply", commenter=alice)
    member = logged_in_as(browser, wsgi, "alice")
    assert member.get("/").html.select("form[action$='/hide']") == []
    alice.role = "admin"
    dbsession.flush()
    assert len(member.get("/").html.select("form[action$='/hide']")) == 2
    alice.role = "member"
    dbsession.flush()
    assert member.get("/").html.select("form[action$='/hide']") == []


def test_after_logging_out_a_reader_has_no_buttons(dbsession, alice, browser, wsgi):
    root = make_comment(dbsession, "Root", commenter=alice)
    make_reply(dbsession, root, "Reply", commenter=alice)
    member = logged_in_as(browser, wsgi, "alice")
    assert len(member.get("/").html.select(".comment-actions")) == 2
    member.post("/logout/", {"csrf_token": member.get_csrf_token()}, status=303)
    page = member.get("/")
    assert (page.html.select(".comment-actions"), "Root" in page) == ([], True)


def test_kept_comments_never_weigh_more_than_the_setting(dbsession, alice, app_with, browser):
    for number in range(10):
        root = make_comment(dbsession, f"Root {number} " + "x" * 2000, commenter=alice)
        make_reply(dbsession, root, f"Reply {number}", commenter=alice)
    capacity = 20_000  # a few threads' worth, not a page's
    wsgi = app_with(page_cache_bytes=0, fragment_cache_bytes=capacity)
    pages = [browser(wsgi).get("/") for _ in range(2)]
    kept = wsgi.registry["comment_fragments"]
    assert (0 < kept.weight <= capacity, pages[0].body == pages[1].body, "Reply 9" in pages[1]) == (
        True,
        True,
        True,
    )


# Issue 17, line 1: a member's page put together from kept parts, the ACL asked once per kind
# of comment (drawing.Actions), never once per comment.


@pytest.fixture
def permission_checks(monkeypatch):
    """Every permission the app asks of its security policy, in order."""
    asked = []
    original = SecurityPolicy.permits

    def counted(self, request, context, permission):
        asked.append(permission)
        return original(self, request, context, permission)

    monkeypatch.setattr(SecurityPolicy, "permits", counted)
    return asked


def test_a_members_page_asks_the_acl_the_same_whatever_its_length(
    dbsession, alice, bob, browser, wsgi, permission_checks
):
    def asked_for_a_page_of(count):
        for number in range(count):
            make_comment(dbsession, f"Comment {number}", commenter=(alice, bob)[number % 2])
        member = logged_in_as(browser, wsgi, "alice")
        permission_checks.clear()
        page = member.get("/")
        return len(permission_checks), len(page.html.select(".comment-reply-link"))

    # Alice's own comments (in their edit window) and bob's: two kinds, whatever their number.
    assert (asked_for_a_page_of(4), asked_for_a_page_of(36)) == ((5, 4), (5, 40))


def test_a_members_page_drawn_again_is_the_same_page(dbsession, alice, bob, browser, wsgi):
    root = make_comment(dbsession, "Root", commenter=bob)
    make_reply(dbsession, root, "Reply", commenter=alice)
    member = logged_in_as(browser, wsgi, "alice")
    member.get("/")  # with the flashed "logged in" message
    first = member.get("/")
    again = member.get("/")
    # The same threads (the post form's submission id is new each time); alice may edit
    # her reply only, and report bob's root only.
    assert (
        str(again.html.find("section", attrs={"aria-label": "Threads"}))
        == str(first.html.find("section", attrs={"aria-label": "Threads"})),
        len(first.html.select("a[href$='/edit']")),
        len(first.html.select(".comment-report-link")),
    ) == (True, 1, 1)


def test_the_edit_window_closing_takes_edit_off_a_kept_page(dbsession, alice, browser, wsgi, monkeypatch):
    root = make_comment(dbsession, "Root", commenter=alice)
    make_reply(dbsession, root, "Reply", commenter=alice)
    author = logged_in_as(browser, wsgi, "alice")
    assert len(author.get("/").html.select("a[href$='/edit']")) == 2
    later = utcnow() + timedelta(seconds=wsgi.registry.settings["scratchpad.edit_window"] + 1)
    monkeypatch.setattr(drawing, "utcnow", lambda: later)
    monkeypatch.setattr(resources, "utcnow", lambda: later)
    page = author.get("/")
    # The rows did not change, only the time: no Edit, Delete either, Reply still.
    assert (
        page.html.select("a[href$='/edit'], a[href$='/delete']"),
        len(page.html.select(".comment-reply-link")),
    ) == ([], 2)


def test_each_moderator_gets_hide_forms_with_their_own_token(dbsession, alice, admin, browser, wsgi):
    make_user(dbsession, "second", role="admin")
    root = make_comment(dbsession, "Root", commenter=alice)
    make_reply(dbsession, root, "Reply", commenter=alice)
    for username in ("root", "second", "root"):
        moderator = logged_in_as(browser, wsgi, username)
        page = moderator.get("/")
        tokens = {
            field["value"] for field in page.html.select("form[action$='/hide'] input[name=csrf_token]")
        }
        assert tokens == {moderator.get_csrf_token()}


def test_a_waiting_reply_says_only_you_to_its_author_alone(dbsession, alice, admin, browser, wsgi):
    root = make_comment(dbsession, "Root", commenter=admin)
    reply = make_reply(dbsession, root, "Waiting words", commenter=alice)
    reply.waiting_since = utcnow()
    dbsession.flush()
    notes = {}
    for username in ("alice", "root", "alice"):
        page = logged_in_as(browser, wsgi, username).get(f"/comments/{root.id}")
        notes[username] = page.html.select_one(f"#comment-{reply.id} .comment-waiting-note").get_text()
    assert (notes["alice"].startswith("Only you "), notes["root"].startswith("Only its author ")) == (
        True,
        True,
    )


# What a page reads to know its kept comments are current (issue 14 line 2: the board of
# threads read every comment's HTML and text to compare them with the kept ones).


def test_a_page_whose_comments_are_kept_reads_no_html_and_no_text(dbsession, alice, drawn, statements):
    root = make_comment(dbsession, "Root", commenter=alice)
    make_reply(dbsession, root, "Reply", commenter=alice)
    visitor = drawn()
    visitor.get("/")
    visitor.get(f"/comments/{root.id}")
    statements.clear()
    visitor.get("/")
    visitor.get(f"/comments/{root.id}")
    # The board's roots with their stamps (board/stamped.py: its threads are kept under
    # them), the thread page's root with its thread's stamp (the page is kept under it), and
    # no statement of the pages' rows (threads.py: the ids they show are the subquery
    # "shown") nor any other naming the HTML.
    root_reads = [statement for statement in statements if "AS board_revision" in statement]
    roots = [s for s in statements if "thread_stamps" in s and s not in root_reads]
    pages = [statement for statement in statements if "AS shown" in statement]
    texts = [statement for statement in statements if "comments.html" in statement and "IN (" in statement]
    read_texts = [s for s in roots + pages if "html" in s or "content" in s]
    assert (len(roots), len(root_reads), len(pages), read_texts, texts) == (1, 1, 0, [], [])


def test_a_change_of_the_html_alone_shows_at_once(dbsession, alice, drawn):
    """A writer that changes nothing but the stored HTML (a new rendering, a mention linked)
    gives the row a new change stamp: the kept drawing is not shown again."""
    root = make_comment(dbsession, "Root", commenter=alice)
    reply = make_reply(dbsession, root, "Reply", commenter=alice)
    visitor = drawn()
    visitor.get("/")
    table = Comment.__table__
    for comment in (root, reply):
        dbsession.execute(
            sa.update(table).where(table.c.id == comment.id).values(html=f"<p>Drawn anew {comment.id}</p>")
        )
    page = visitor.get("/")
    assert (f"Drawn anew {root.id}" in page, f"Drawn anew {reply.id}" in page) == (True, True)


def test_an_edit_in_the_same_instant_shows_at_once(dbsession, alice, drawn):
    """Two edits whose times are equal (a clock's step, or MariaDB's seconds) still differ in
    their change stamps."""
    root = make_comment(dbsession, "First words", commenter=alice)
    visitor = drawn()
    visitor.get("/")
    root.content = "Second thoughts"
    dbsession.flush()
    assert "Second thoughts" in visitor.get("/")
    edited_at = root.edited_at
    root.content = "Third thoughts"
    root.edited_at = edited_at
    dbsession.flush()
    assert "Third thoughts" in visitor.get("/")


def test_the_language_is_part_of_what_is_kept(dbsession, alice, drawn, renders):
    """A drawing is kept under the language it was drawn in (``request.locale_name``; here
    chosen by the browser's Accept-Language): a reader of another language gets the comments
    drawn again, not the words of the first."""
    root = make_comment(dbsession, "Root", commenter=alice)
    make_reply(dbsession, root, "Reply", commenter=alice)
    visitor = drawn()
    visitor.get("/")
    drawn_first = len(renders)
    in_french = {"Accept-Language": "fr"}
    visitor.get("/", headers=in_french)
    drawn_in_french = len(renders) - drawn_first
    visitor.get("/", headers=in_french)
    assert (drawn_first, drawn_in_french, len(renders) - drawn_first - drawn_in_french) == (2, 2, 0)

"""A board page for readers who are not logged in, read by its threads' stamps
(board/stamped.py): one statement of short rows while nothing on it changed, only the
changed threads read again, and never stale, whoever wrote and however. Every test draws its
pages (the page cache off), through the whole app, on SQLite and MariaDB."""

import re
from wsgiref.util import FileWrapper

import pytest
import sqlalchemy as sa

from scratchpad.board import frames
from scratchpad.models import Comment
from scratchpad.models.comment import with_html
from scratchpad.models.types import utcnow
from tests.support.factories import make_comment, make_reply, make_user


@pytest.fixture
def board(dbsession, alice):
    """Three threads by Alice and Bob, each with a reply."""
    bob = make_user(dbsession, "bob")
    roots = [make_comment(dbsession, f"Root {number}", commenter=alice) for number in range(3)]
    replies = [
        make_reply(dbsession, root, f"Reply {number}", commenter=bob) for number, root in enumerate(roots)
    ]
    return roots, replies


@pytest.fixture
def visitor(app_with, browser):
    return browser(app_with(page_cache_bytes=0))


def comment_statements(statements):
    """The statements that read comments (the board's roots and stamps, the threads)."""
    return [statement for statement in statements if "FROM comments" in statement]


def test_a_kept_page_is_one_statement_of_its_roots_and_their_stamps(board, visitor, statements):
    visitor.get("/")
    statements.clear()
    visitor.get("/")
    # The page's roots and their stamps, nothing of their comments' authors or texts.
    assert [("thread_stamps" in s, "users" in s, "html" in s) for s in comment_statements(statements)] == [
        (True, False, False)
    ]


def test_after_a_change_only_the_changed_thread_is_read_again(dbsession, board, visitor, statements):
    _roots, replies = board
    visitor.get("/")
    dbsession.execute(sa.update(Comment).where(Comment.id == replies[1].id).values(**with_html("Changed")))
    statements.clear()
    page = visitor.get("/")
    roots_read, threads_read = comment_statements(statements)
    # One root's thread read (one id in its list), with its texts, in the page's second and
    # last statement.
    one_id = re.search(r"comments\.id IN \((\?|%\(\w+\)s)\)", threads_read) is not None
    assert ("Changed" in page, "thread_stamps" in roots_read, "comments.html" in threads_read, one_id) == (
        True,
        True,
        True,
        True,
    )


def same_page(visitor, app_with, browser, path):
    """The page as the visitor gets it, and as a reader of a fresh app with nothing kept does."""
    return visitor.get(path).text, browser(app_with(page_cache_bytes=0)).get(path).text


def set_html_with_core(dbsession, board):
    """A writer that changes a reply's HTML and nothing else (a new rendering): a Core UPDATE."""
    table = Comment.__table__
    dbsession.execute(
        sa.update(table).where(table.c.id == board[1][0].id).values(html="<p>Rendered anew</p>")
    )
    return "Rendered anew"


def rename_around_the_app(dbsession, board):
    dbsession.execute(sa.text("UPDATE users SET username = 'robert' WHERE username = 'bob'"))
    return "robert"


def reply_deeper(dbsession, board):
    make_reply(dbsession, board[1][0], "A new answer", commenter=board[0][0].commenter)
    return "A new answer"


def hide_a_reply(dbsession, board):
    board[1][0].hidden_at = utcnow()
    return "removed by a moderator"


def a_new_thread(dbsession, board):
    make_comment(dbsession, "A thread of its own")
    return "A thread of its own"


CHANGES = [set_html_with_core, rename_around_the_app, reply_deeper, hide_a_reply]


@pytest.mark.parametrize(
    "page, change",
    [
        *(("board", change) for change in [*CHANGES, a_new_thread]),
        *(("thread", change) for change in CHANGES),
    ],
)
def test_every_change_shows_at_once_and_the_page_is_what_a_fresh_drawing_gives(
    dbsession, board, visitor, app_with, browser, page, change
):
    """On the board, and on the page of the thread changed (its first)."""
    path = "/" if page == "board" else f"/comments/{board[0][0].id}"
    before, fresh = same_page(visitor, app_with, browser, path)
    shown = change(dbsession, board)
    dbsession.flush()
    after, fresh_after = same_page(visitor, app_with, browser, path)
    assert (before == fresh, shown in before, shown in after, after == fresh_after) == (
        True,
        False,
        True,
        True,
    )


@pytest.mark.parametrize("language", ["de", "ar"])
def test_a_page_kept_in_one_language_is_never_shown_in_another(board, app_with, browser, language):
    wsgi = app_with(page_cache_bytes=0)
    english = browser(wsgi).get("/")
    other = browser(wsgi, HTTP_ACCEPT_LANGUAGE=language).get("/")
    again = browser(wsgi, HTTP_ACCEPT_LANGUAGE=language).get("/")
    assert (english.html.html["lang"], other.html.html["lang"], again.text == other.text) == (
        "en",
        language,
        True,
    )


# A thread page, kept whole under its thread's stamp (board/stamped.py ``thread_page_key``).


def test_a_kept_thread_page_is_one_statement_its_root_with_its_stamp(board, visitor, statements):
    root = board[0][0]
    visitor.get(f"/comments/{root.id}")
    statements.clear()
    page = visitor.get(f"/comments/{root.id}")
    assert ([("thread_stamps" in s, "AS shown" in s) for s in statements], "Reply 0" in page) == (
        [(True, False)],
        True,
    )


def test_a_change_in_another_thread_leaves_a_thread_page_kept(dbsession, board, visitor, statements):
    roots, replies = board
    visitor.get(f"/comments/{roots[0].id}")
    dbsession.execute(sa.update(Comment).where(Comment.id == replies[1].id).values(**with_html("Elsewhere")))
    statements.clear()
    visitor.get(f"/comments/{roots[0].id}")
    assert len(statements) == 1


@pytest.mark.parametrize("path", ["/", "thread"])
@pytest.mark.parametrize("joined_up_to, wrapped_pages", [(frames.JOINED_UP_TO, 0), (1_000, 1)])
def test_a_large_page_kept_whole_goes_to_the_servers_file_wrapper_as_it_was_drawn(
    board, app_with, browser, monkeypatch, path, joined_up_to, wrapped_pages
):
    """A page over ``frames.JOINED_UP_TO`` is sent as one buffer the server may send without
    copying it (frames.respond_whole), a smaller one as a plain body; either is the same
    bytes and ETag as when it was drawn."""
    wrapped = []

    def file_wrapper(file, block_size=8192):
        wrapped.append(file)
        return FileWrapper(file, block_size)

    monkeypatch.setattr(frames, "JOINED_UP_TO", joined_up_to)
    path = f"/comments/{board[0][0].id}" if path == "thread" else path
    visitor = browser(app_with(page_cache_bytes=0), **{"wsgi.file_wrapper": file_wrapper})
    drawn = visitor.get(path)
    kept = visitor.get(path)
    assert (len(wrapped), kept.body, kept.headers["ETag"]) == (
        wrapped_pages,
        drawn.body,
        drawn.headers["ETag"],
    )

"""``initialize_scratchpad_db`` (run on every deploy) stores the HTML of comments that have
none, or whose HTML was made under older formatting rules; run as an operator would, in this
process (tests/support/in_process.py)."""

import contextlib
import shutil
import sqlite3

import pytest
import sqlalchemy as sa

from scratchpad.board.markup import RULES_VERSION, render_markdown
from scratchpad.board.rerender import rerender_stale
from tests.support import in_process
from tests.support.databases import sqlite_file
from tests.support.html_safety import comment_problems
from tests.support.xss_vectors import ALL as XSS_VECTORS

FRESH_HTML = "<p>made under today's rules</p>"


def run_ok(database):
    """The script with testing.ini on ``database``, as an operator runs it on each deploy."""
    return in_process.run_ok("initialize_scratchpad_db", "testing.ini", database_url=f"sqlite:///{database}")


@pytest.fixture
def migrated(tmp_path, migrated_template):
    path = tmp_path / "scratchpad.sqlite"
    shutil.copyfile(migrated_template, path)
    return path


def insert_comments(path, rows):
    """``rows`` of (content, html, html_version), written around the app as an older release
    (or a row from before HTML was stored) left them."""
    with sqlite_file(path) as connection:
        connection.executemany("INSERT INTO comments (content, html, html_version) VALUES (?, ?, ?)", rows)
        connection.commit()


def stored(path):
    with sqlite_file(path) as connection:
        return connection.execute("SELECT content, html, html_version FROM comments ORDER BY id").fetchall()


@pytest.fixture
def board(migrated):
    """Every XSS vector as a stale row whose stored HTML is the vector itself, one row with no
    HTML, one with HTML of today's rules."""
    path = migrated
    rows = [(vector, vector, RULES_VERSION - 1) for vector in XSS_VECTORS]
    rows += [("*never rendered*", None, None), ("today's", FRESH_HTML, RULES_VERSION)]
    insert_comments(path, rows)
    return path


def test_stale_and_missing_html_is_rendered_by_the_script(board):
    run_ok(board)
    texts = [*XSS_VECTORS, "*never rendered*"]
    expected = [(text, str(render_markdown(text)), RULES_VERSION) for text in texts]
    assert stored(board)[:-1] == expected


def test_html_of_todays_rules_is_left_as_it_is(board):
    run_ok(board)
    assert stored(board)[-1] == ("today's", FRESH_HTML, RULES_VERSION)


def test_xss_vectors_in_stale_rows_are_stored_dead(board):
    run_ok(board)
    assert [problem for _, html, _ in stored(board) for problem in comment_problems(html)] == []


def test_the_script_says_how_many_it_rendered_and_the_next_run_none(board):
    first = run_ok(board).stdout
    second = run_ok(board).stdout
    line = f"Stored the HTML of {len(XSS_VECTORS) + 1} comment(s) under the current formatting rules."
    assert (line in first, "Stored the HTML" in second) == (True, False)


def board_revision(path):
    with sqlite_file(path) as connection:
        return connection.execute("SELECT revision FROM board_state").fetchone()[0]


def test_the_board_gets_a_new_revision_when_html_is_remade_and_only_then(board):
    """Kept pages and the feed's ETag follow the board's revision (models/board.py)."""
    before = board_revision(board)
    run_ok(board)
    remade = board_revision(board)
    run_ok(board)
    assert (remade != before, board_revision(board) == remade) == (True, True)


def test_rerender_goes_through_every_stale_row_in_batches(migrated):
    path = migrated
    insert_comments(path, [(f"*{number}*", None, None) for number in range(7)])
    engine = sa.create_engine(f"sqlite:///{path}")
    try:
        rewritten = rerender_stale(engine, batch_size=3)
    finally:
        engine.dispose()
    assert (rewritten, {version for _, _, version in stored(path)}) == (7, {RULES_VERSION})


def test_a_row_edited_since_it_was_read_keeps_the_html_of_its_edit(migrated):
    """The write is conditional: between the read and the write of a batch, the app edits a
    comment (new text, new HTML); the old text's HTML must not overwrite it."""
    path = migrated
    insert_comments(path, [("old *text*", None, None)])
    engine = sa.create_engine(f"sqlite:///{path}")
    edits = []

    @sa.event.listens_for(engine, "before_cursor_execute")
    def edit_before_the_write(connection, cursor, statement, parameters, context, executemany):
        if statement.startswith("UPDATE comments") and not edits:
            edits.append(statement)
            with contextlib.closing(sqlite3.connect(path)) as other, other:
                other.execute(
                    "UPDATE comments SET content = 'new', html = '<p>new</p>', html_version = ?, "
                    "edited_at = '2026-12-04 16:00:00.000000'",
                    (RULES_VERSION,),
                )

    try:
        rewritten = rerender_stale(engine)
    finally:
        engine.dispose()
    assert (rewritten, stored(path)) == (0, [("new", "<p>new</p>", RULES_VERSION)])


def test_remade_html_links_the_users_its_text_mentions(migrated):
    """Raising RULES_VERSION is how older comments get their mentions linked (issue 14):
    the script looks up the names of each batch, so a user created after the comment counts."""
    with sqlite_file(migrated) as connection:
        connection.execute(
            "INSERT INTO users (username, password_hash, session_secret, role) VALUES ('bob', 'h', 's', 'member')"
        )
        connection.commit()
    insert_comments(migrated, [("Ask @Bob or @nobody", "<p>Ask @Bob or @nobody</p>", RULES_VERSION - 1)])
    run_ok(migrated)
    assert stored(migrated) == [
        ("Ask @Bob or @nobody", str(render_markdown("Ask @Bob or @nobody", {"bob"})), RULES_VERSION)
    ]
    assert 'href="/users/bob"' in stored(migrated)[0][1]

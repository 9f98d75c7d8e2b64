"""The board's and a thread's one statement read the comments through their indexes on
MariaDB too, never the whole table: on 100,000 comments the board's first page took 0.5 s
on MariaDB (its optimizer scanned every comment and joined the page's few ids to them), and
2 ms once it reads the page's ids first and looks each comment up by its key."""

import sqlalchemy as sa

from scratchpad.board import threads
from scratchpad.models import Comment, User
from scratchpad.models.comment import with_html

#: The names the statements give the comments table.
COMMENT_TABLES = {"comments", "later", "parent"}


def board_with_a_thread(dbsession):
    """300 comments, the newest a thread of 20 replies; returns the thread's root id."""
    user = User(username="planner", password_hash="x", role="member")
    dbsession.add(user)
    dbsession.flush()
    row = with_html("a comment")
    dbsession.execute(sa.insert(Comment), [dict(row, commenter_id=user.id) for _ in range(280)])
    root = Comment(content="the root", commenter=user)
    dbsession.add(root)
    dbsession.flush()
    for number in range(20):
        reply = Comment(content=f"reply {number}", commenter=user, parent_id=root.id, thread_id=root.id)
        dbsession.add(reply)
        dbsession.flush()
        reply.path = threads.reply_path(root, reply.id, 3)
    dbsession.flush()
    return root.id


def captured(dbsession, read):
    """The statement ``read(dbsession)`` sends, and its parameters."""
    sent = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    engine = dbsession.get_bind().engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        read(dbsession)
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    return sent[-1]


def full_scans(dbsession, statement, parameters):
    """The comments tables the plan reads whole: MariaDB's EXPLAIN type ALL, SQLite's SCAN."""
    connection = dbsession.connection()
    if connection.dialect.name == "sqlite":
        plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        return [
            row[3] for row in plan if row[3].split(" ")[:2] in (["SCAN", name] for name in COMMENT_TABLES)
        ]
    plan = connection.exec_driver_sql("EXPLAIN " + statement, parameters).mappings().all()
    return [
        f"{row['table']} {row['type']}"
        for row in plan
        if row["table"] in COMMENT_TABLES and row["type"] == "ALL"
    ]


def test_the_board_page_reads_no_comments_table_whole(dbsession):
    board_with_a_thread(dbsession)
    statement, parameters = captured(dbsession, lambda session: threads.newest_threads(session, 50, 3, 3))
    assert full_scans(dbsession, statement, parameters) == []


def test_a_thread_page_reads_no_comments_table_whole(dbsession):
    root_id = board_with_a_thread(dbsession)
    statement, parameters = captured(dbsession, lambda session: threads.thread_page(session, root_id, 50, 3))
    assert full_scans(dbsession, statement, parameters) == []


def test_an_older_board_page_starts_its_roots_at_before(dbsession):
    """Page 1,000 of 2,000 took 0.45 s on MariaDB: it read the roots as every one with no
    parent (``ref``), newest first, skipping those newer than ``before`` one by one. A range
    on the index starts at ``before``; SQLite's plan did already."""
    board_with_a_thread(dbsession)
    before = dbsession.scalar(sa.select(sa.func.max(Comment.id))) - 100

    def older_page(session):
        threads.newest_threads(session, 50, 3, 3, before)

    statement, parameters = captured(dbsession, older_page)
    connection = dbsession.connection()
    if connection.dialect.name == "sqlite":
        plan = [row[3] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]
        assert any("ix_comments_parent_id (parent_id=? AND rowid<?)" in line for line in plan), plan
        return
    plan = connection.exec_driver_sql("EXPLAIN " + statement, parameters).mappings().all()
    roots = [
        row["type"] for row in plan if row["table"] == "comments" and row["key"] == "ix_comments_parent_id"
    ]
    assert roots, plan
    assert set(roots) == {"range"}, plan


def comment_indexes(dbsession, statement, parameters):
    """The indexes the plan reads the comments table by."""
    connection = dbsession.connection()
    if connection.dialect.name == "sqlite":
        plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        return {row[3].split(" INDEX ")[1].split(" ")[0] for row in plan if " comments USING " in row[3]}
    plan = connection.exec_driver_sql("EXPLAIN " + statement, parameters).mappings().all()
    return {row["key"] for row in plan if row["table"] == "comments"}


def test_the_roots_and_their_stamps_are_read_down_the_roots_index(dbsession):
    """board/stamped.py's one statement: 4 ms a page at 100,000 comments when SQLite took the
    waiting_since index for "waiting_since IS NULL" and walked every comment, newest first,
    through a long thread's replies, to find 51 roots."""
    board_with_a_thread(dbsession)
    for before in (None, dbsession.scalar(sa.select(sa.func.max(Comment.id))) - 100):
        statement, parameters = captured(
            dbsession, lambda session, before=before: threads.newest_stamps(session, 50, before)
        )
        assert (
            full_scans(dbsession, statement, parameters),
            comment_indexes(dbsession, statement, parameters),
        ) == (
            [],
            {"ix_comments_parent_id"},
        )


def test_the_threads_of_a_few_roots_read_no_comments_table_whole(dbsession):
    root_id = board_with_a_thread(dbsession)
    statement, parameters = captured(
        dbsession, lambda session: threads.threads_of(session, [root_id, root_id - 1], 3, 3)
    )
    assert full_scans(dbsession, statement, parameters) == []

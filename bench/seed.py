"""A fresh SQLite database with N comments, in seconds.

The schema comes from the app's own migrations and the users from the admin script, exactly
as an operator makes them (so their passwords are bcrypt hashes at the ini's cost, 12 in
production.ini); only the comments are bulk-inserted, through SQLAlchemy Core into the app's
own table (so the values are stored the way the app stores them), in one ``executemany``.
"""

import random
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scratchpad.board import threads
from scratchpad.board.threads import newest_threads
from scratchpad.models import Comment, Notification, User
from scratchpad.models.board import mark_board_changed
from scratchpad.models.comment import with_html
from scratchpad.models.notification import MENTION

WORDS = (  # noqa: SIM905 (three lines of words read better than 36 list items)
    "the a board comment scratchpad pyramid python waitress sqlite index page query "
    "hello world note idea today tomorrow fast slow thanks agreed really <b>bold</b> "
    "&amp; quotes\" 'single' café naïve 日本語 emoji🙂 lorem ipsum dolor sit amet"
).split()


def admin_script():
    """``initialize_scratchpad_db`` of the Python that runs the bench (the venv's)."""
    return str(Path(sys.executable).parent / "initialize_scratchpad_db")


def migrate_and_add_users(ini, env, passwords):
    """Run the admin script: migrations to head, then one user per ``passwords`` entry.

    The passwords go through standard input, one line per user, as docs/interface.md ("Admin script") says.
    """
    command = [admin_script(), str(ini)]
    for username in passwords:
        command += ["--user", username]
    stdin = "".join(f"{password}\n" for password in passwords.values())
    done = subprocess.run(command, input=stdin, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"initialize_scratchpad_db failed:\n{done.stdout}{done.stderr}")


def fake_comments(count, user_ids, seed=0):
    """``count`` comment rows, oldest first, a minute apart, ending now; 5% anonymous."""
    rng = random.Random(seed)
    start = datetime.now(UTC) - timedelta(minutes=count)
    for number in range(count):
        words = rng.choices(WORDS, k=rng.randint(3, 60))
        yield dict(
            with_html(" ".join(words)),
            posted_at=start + timedelta(minutes=number),
            commenter_id=None if rng.random() < 0.05 else rng.choice(user_ids),
        )


def add_comments(database_url, count):
    """Insert ``count`` comments by the existing users, in one transaction."""
    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as connection:
            user_ids = list(connection.scalars(sa.select(User.id)))
            # A list of dicts to Core's insert() is one DBAPI executemany.
            connection.execute(sa.insert(Comment), list(fake_comments(count, user_ids)))
            # Core bypasses the ORM's flush events: say so, or a server's kept pages would stay.
            mark_board_changed(connection)
            return connection.scalar(sa.select(sa.func.count()).select_from(Comment))
    finally:
        engine.dispose()


def add_comments_as_posted(database_url, texts):
    """One comment per text, newest last, by the first user, written through the app's model
    (which stores each text's HTML as posting does) in one transaction."""
    engine = sa.create_engine(database_url)
    try:
        with Session(engine) as dbsession, dbsession.begin():
            commenter = dbsession.scalars(sa.select(User).order_by(User.id).limit(1)).one()
            dbsession.add_all(Comment(content=text, commenter=commenter) for text in texts)
    finally:
        engine.dispose()


def seed(ini, env, database_url, count, passwords):
    """Migrate, add users and ``count`` comments; returns the seconds each part took."""
    started = time.perf_counter()
    migrate_and_add_users(ini, env, passwords)
    users_done = time.perf_counter()
    stored = add_comments(database_url, count)
    if stored != count:
        raise RuntimeError(f"seeded {stored} comments, wanted {count}")
    return dict(migrate_and_users=users_done - started, comments=time.perf_counter() - users_done)


def nth_newest_id(database_url, n):
    """The id of the ``n``-th newest comment (1 = the newest)."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.scalar(sa.select(Comment.id).order_by(Comment.id.desc()).limit(1).offset(n - 1))
    finally:
        engine.dispose()


def before_after_clicks(database_url, clicks, page_size):
    """The ``before`` of the URL that ``clicks`` clicks on "Older comments" lead to.

    Each link carries the id of the last (oldest) comment on the page it is on, so after
    ``clicks`` clicks it is the id of the ``clicks * page_size``-th newest comment.
    """
    return nth_newest_id(database_url, clicks * page_size)


def page_befores(database_url, page_size):
    """The ``before`` of every page after the first, oldest last: what following "Older
    comments" from the first page to the last leads to, one page at a time."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            newest_first = connection.scalars(sa.select(Comment.id).order_by(Comment.id.desc())).all()
    finally:
        engine.dispose()
    # The k-th page's link carries the id of its oldest comment, the (k * page_size)-th newest.
    return newest_first[slice(page_size - 1, len(newest_first) - 1, page_size)]


def page_query_plan(database_url, page_size, before):
    """``(sql, plan lines)``: the statement the app's ``newest_threads`` runs for this page,
    captured as it is sent, and SQLite's EXPLAIN QUERY PLAN for it."""
    engine = sa.create_engine(database_url)
    captured = []

    @sa.event.listens_for(engine, "before_cursor_execute")
    def capture(connection, cursor, statement, parameters, context, executemany):
        captured.append((statement, parameters))

    try:
        with Session(engine) as dbsession:
            newest_threads(dbsession, page_size, 3, 3, before)
            statement, parameters = captured[-1]
            rows = dbsession.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    finally:
        engine.dispose()
    depth = {0: -1}
    lines = []
    for node, parent, _unused, detail in rows:
        depth[node] = depth.get(parent, -1) + 1
        lines.append("  " * depth[node] + detail)
    return " ".join(statement.split()), parameters, lines


def threaded_comments(count, thread_count, deep_length, user_ids, max_depth=3, seed=0):
    """``count`` comment rows with explicit ids, in ``thread_count`` threads, oldest first:
    the newest thread has ``deep_length`` comments (its root included), the others share the
    rest. Each reply answers a random earlier comment of its thread and is placed as the
    reply view places it (``threads.reply_path``), so the nesting reaches ``max_depth``
    and answers beyond it attach there."""
    rng = random.Random(seed)
    others = count - deep_length
    sizes = [others // (thread_count - 1)] * (thread_count - 1)
    for number in range(others - sum(sizes)):
        sizes[number] += 1
    sizes.append(deep_length)
    start = datetime.now(UTC) - timedelta(minutes=count)
    rows, next_id = [], 1
    for size in sizes:
        root_id = next_id
        thread = [SimpleNamespace(id=root_id, path=None)]
        for position in range(size):
            words = rng.choices(WORDS, k=rng.randint(3, 60))
            row = dict(
                with_html(" ".join(words)),
                id=next_id,
                posted_at=start + timedelta(minutes=next_id),
                commenter_id=rng.choice(user_ids),
                parent_id=None,
                thread_id=None,
                path=None,
                reply_count=size - 1 if position == 0 else 0,
            )
            if position:
                parent = rng.choice(thread)
                path = threads.reply_path(parent, next_id, max_depth)
                row.update(parent_id=parent.id, thread_id=root_id, path=path)
                thread.append(SimpleNamespace(id=next_id, path=path))
            rows.append(row)
            next_id += 1
    return rows


def add_threads(database_url, count, thread_count, deep_length):
    """Insert ``threaded_comments``; returns ``(stored count, the deep thread's root id)``."""
    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as connection:
            user_ids = list(connection.scalars(sa.select(User.id)))
            rows = threaded_comments(count, thread_count, deep_length, user_ids)
            connection.execute(sa.insert(Comment), rows)
            mark_board_changed(connection)
            stored = connection.scalar(sa.select(sa.func.count()).select_from(Comment))
            return stored, rows[-deep_length]["id"]
    finally:
        engine.dispose()


def nth_reply_id(database_url, root_id, n):
    """The id of the ``n``-th reply (1 = the first) of thread ``root_id``, in thread order:
    the ``after`` that leads to the page starting with reply ``n + 1``."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            query = sa.select(Comment.id).where(Comment.thread_id == root_id).order_by(Comment.path)
            return connection.scalar(query.offset(n - 1).limit(1))
    finally:
        engine.dispose()


def make_thread_of_oldest(database_url, length, max_depth=3, seed=0):
    """Turn the oldest ``length`` comments into one thread (the oldest its root, each other a
    reply to a random earlier one, placed as the reply view places it); returns the root's id.

    At the oldest end of the board, so the newest pages (and the raw baseline's newest
    comments) stay as they were; the thread page row reads it."""
    rng = random.Random(seed)
    engine = sa.create_engine(database_url)
    table = Comment.__table__
    try:
        with engine.begin() as connection:
            ids = connection.scalars(sa.select(Comment.id).order_by(Comment.id).limit(length)).all()
            root = SimpleNamespace(id=ids[0], path=None)
            thread = [root]
            for reply_id in ids[1:]:
                parent = rng.choice(thread)
                path = threads.reply_path(parent, reply_id, max_depth)
                connection.execute(
                    sa.update(table)
                    .where(table.c.id == reply_id)
                    .values(parent_id=parent.id, thread_id=root.id, path=path)
                )
                thread.append(SimpleNamespace(id=reply_id, path=path))
            connection.execute(sa.update(table).where(table.c.id == root.id).values(reply_count=len(ids) - 1))
            mark_board_changed(connection)
            return root.id
    finally:
        engine.dispose()


def add_notifications(database_url, username, count):
    """Tell ``username`` of the ``count`` newest comments others wrote (as mentions), read or
    not as a first visit to their page leaves them: rows of the notifications table only, so
    the board itself, its revision and every other row of the bench stay as they were."""
    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as connection:
            recipient = connection.scalar(sa.select(User.id).where(User.username == username))
            comment_ids = connection.scalars(
                sa.select(Comment.id)
                .where(Comment.commenter_id != recipient)
                .order_by(Comment.id.desc())
                .limit(count)
            ).all()
            rows = [
                dict(
                    recipient_id=recipient, comment_id=comment_id, kind=MENTION, created_at=datetime.now(UTC)
                )
                for comment_id in reversed(comment_ids)
            ]
            connection.execute(sa.insert(Notification), rows)
            return len(rows)
    finally:
        engine.dispose()

"""Whole boards for the export, copy and backup tests: a fresh database on either backend, a
board seeded fast with Core executemany (100,000 comments in seconds), and every row of the
board in a form that compares equal across SQLite and MariaDB."""

import itertools
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from scratchpad.accounts.passwords import hash_password
from scratchpad.models import Comment, ModerationAction, Report, User, get_engine
from scratchpad.models.comment import with_html
from scratchpad.portability.tables import to_json
from tests.support.in_process import run_ok
from tests.support.locks import locked

PASSWORD = "pw-seeded-123456"
START = datetime(2026, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)
_names = itertools.count()


def new_database(backend, tmp_path, request):
    """The URL of a new, empty database (no tables) on ``backend``: "sqlite" or "mariadb"."""
    number = next(_names)
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / f'board{number}.sqlite'}"
    server = request.getfixturevalue("mariadb_server")
    name = f"board_{tmp_path.name[-16:].replace('-', '_')}_{number}"
    server.create_database(name)
    return server.url(name)


#: The SQLite board ``migrate`` made first in this process, as the script left it.
_first_sqlite = None


def migrate(url):
    """``initialize_scratchpad_db`` on ``url``, as an operator makes a new board.

    The script runs in this process (tests/support/in_process.py: no second of imports and
    coverage start-up), and on SQLite once per process; later boards are copies of the file it
    made, taken before anything else opened it. What the script itself does, as a process too,
    is tests/scripts/test_initialize_db.py's to show."""
    global _first_sqlite
    path = Path(sa.make_url(url).database) if url.startswith("sqlite:") else None
    if path is not None and _first_sqlite is not None and _first_sqlite.is_file():
        shutil.copyfile(_first_sqlite, path)
        return
    run_ok("initialize_scratchpad_db", "testing.ini", database_url=url)
    if path is not None:
        # The script closed the database: no write-ahead log is left to copy with it.
        assert not path.with_name(path.name + "-wal").exists()
        _first_sqlite = path.with_name(f"migrated-first-{path.name}")
        shutil.copyfile(path, _first_sqlite)


def seed(url, comments, deleted_last=2):
    """A board at ``url`` (migrated already): an admin ``root`` and a member ``mia`` (both with
    ``PASSWORD``), ``comments`` comments with times, edits, hidden ones, emoji and accents, a
    moderation log, reports (open and resolved), comments waiting for a moderator, and the
    last ``deleted_last`` comments deleted (their ids stay taken)."""
    engine = get_engine({"sqlalchemy.url": url})
    password_hash = hash_password(PASSWORD, 4)
    html = with_html("Seeded comment *{n}* with é and 🎉")
    try:
        with engine.begin() as connection:
            connection.execute(
                User.__table__.insert(),
                [
                    {
                        "username": "root",
                        "role": "admin",
                        "password_hash": password_hash,
                        "session_secret": "s-root",
                    },
                    {
                        "username": "mia",
                        "role": "member",
                        "password_hash": password_hash,
                        "session_secret": "s-mia",
                    },
                ],
            )
            batch = []
            for number in range(1, comments + 1):
                posted = START + timedelta(seconds=number, microseconds=number)
                batch.append(
                    {
                        "content": f"Seeded comment *{number}* with é and 🎉",
                        "html": html["html"].replace("{n}", str(number)),
                        "html_version": html["html_version"],
                        "posted_at": posted,
                        "commenter_id": 1 + number % 2,
                        "submission_id": f"{number:032x}",
                        "edited_at": posted + timedelta(minutes=1) if number % 7 == 0 else None,
                        "hidden_at": posted + timedelta(minutes=2) if number % 11 == 0 else None,
                        "waiting_since": posted if number % 13 == 0 else None,
                    }
                )
                if len(batch) == 5000:
                    connection.execute(Comment.__table__.insert(), batch)
                    batch = []
            if batch:
                connection.execute(Comment.__table__.insert(), batch)
            log = [
                {
                    "acted_at": START + timedelta(days=1, seconds=number),
                    "action": "hide",
                    "moderator_id": 1,
                    "moderator_name": "root",
                    "comment_id": number,
                    "comment_author": "mia" if number % 2 else "root",
                    "comment_excerpt": f"Seeded comment *{number}*",
                }
                for number in range(11, comments + 1, 11)
            ]
            if log:
                connection.execute(ModerationAction.__table__.insert(), log)
                # Root reported each comment it then hid (resolved); mia's reports stay open.
                reports = [
                    {
                        "comment_id": entry["comment_id"],
                        "reporter_id": 2,
                        "reason": "spam",
                        "details": "Seeded report é 🎉" if number % 2 else "",
                        "reported_at": entry["acted_at"] - timedelta(seconds=1),
                        "is_open": True if number % 3 else None,
                        "resolved_at": None if number % 3 else entry["acted_at"],
                        "resolved_by_id": None if number % 3 else 1,
                        "resolved_by": None if number % 3 else "root",
                        "resolution": None if number % 3 else "hidden",
                    }
                    for number, entry in enumerate(log)
                ]
                connection.execute(Report.__table__.insert(), reports)
            if deleted_last:
                connection.execute(
                    Comment.__table__.delete().where(Comment.__table__.c.id > comments - deleted_last)
                )
    finally:
        engine.dispose()


def seeded_sqlite(path, comments, shared_folder):
    """``path``, a SQLite file holding what ``migrate`` then ``seed(url, comments)`` make: a
    copy of the file they made once for the whole run in ``shared_folder`` (under a lock, by
    whichever worker asks first). At 100,000 comments that is seconds saved per test; the
    tests change only their copy."""
    template = shared_folder / f"seeded-{comments}.sqlite"
    with locked(shared_folder / f"seeded-{comments}.lock"):
        if not template.exists():
            making = template.with_name(f"making-{template.name}")
            migrate(f"sqlite:///{making}")
            seed(f"sqlite:///{making}", comments)
            # Every connection closed: no write-ahead log is left beside the file to copy.
            assert not making.with_name(making.name + "-wal").exists()
            making.rename(template)
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


#: The tables a board is made of, as compared between two databases.
BOARD_TABLES = (User.__table__, Comment.__table__, ModerationAction.__table__, Report.__table__)


def board_rows(url, tables=BOARD_TABLES, skip=("session_secret", "change_stamp")):
    """{table name: [row as a tuple of JSON values, in id order]}: equal for equal boards on
    any two backends. Session secrets and comments' change stamps are left out: an import or
    a copy makes new ones (models/comment.py)."""
    engine = get_engine({"sqlalchemy.url": url})
    try:
        with engine.connect() as connection:
            found = {}
            for table in tables:
                columns = [column for column in table.columns if column.name not in skip]
                rows = connection.execute(sa.select(*columns).order_by(table.c.id))
                found[table.name] = [
                    tuple(to_json(column, value) for column, value in zip(columns, row, strict=True))
                    for row in rows
                ]
            return found
    finally:
        engine.dispose()

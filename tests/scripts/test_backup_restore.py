"""``scratchpad-admin CONFIG backup DIR`` and ``restore FILE``: a backup taken while the board
takes posts and moderation through the real app restores to one moment of that board, every
transaction whole or absent; files are named by UTC time, private, and pruned by age; bad
input is one line and leaves the target as it was."""

import os
import re
import secrets
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from scratchpad.models import Comment, ModerationAction, get_engine
from scratchpad.portability import backup as backups
from scratchpad.portability.errors import Refused
from tests.support.apps import app_on
from tests.support.boards import PASSWORD, board_rows, new_database, seed
from tests.support.left_files import LEFT, leave

NAME = re.compile(r"scratchpad-\d{8}T\d{6}Z\.(sqlite|json)")
COMMENT_COLUMNS = [column.name for column in Comment.__table__.columns]
LOG_COLUMNS = [column.name for column in ModerationAction.__table__.columns]
#: Bounds of the posting loop: it stops at whichever comes first.
MAX_POSTS, MAX_SECONDS = 600, 60


@pytest.fixture(params=["sqlite", pytest.param("mariadb", marks=pytest.mark.mysql)])
def backend(request):
    return request.param


@pytest.fixture
def source(backend, tmp_path, request, migrate):
    url = new_database(backend, tmp_path, request)
    migrate(url)
    seed(url, 0, deleted_last=0)
    return url


@pytest.fixture
def admin(run_script):
    return lambda url, *args: run_script("scratchpad-admin", url, *args)


#: The rate limits out of the way of a test that posts as fast as it can.
UNLIMITED = {
    "scratchpad.posts_per_minute": "1000000",
    "scratchpad.edits_per_minute": "1000000",
    "scratchpad.deletions_per_minute": "1000000",
}


class Poster(threading.Thread):
    """Posts "post 1", "post 2", ... as the admin root and hides every third one right after
    posting it (a second transaction: the comment's hidden_at and a moderation log entry),
    until told to stop or a bound is reached."""

    def __init__(self, url):
        super().__init__(daemon=True)
        self.url = url
        self.posted = 0
        self.stop = threading.Event()
        self.error = None

    def run(self):
        try:
            self._post()
        except Exception as error:  # reported by the test, not lost in the thread
            self.error = error

    def _post(self):
        lookup = get_engine({"sqlalchemy.url": self.url})
        deadline = time.monotonic() + MAX_SECONDS
        with app_on(self.url, UNLIMITED) as browser:
            form = browser.get("/login/").forms["login-form"]
            form["username"], form["password"] = "root", PASSWORD
            form.submit(status=303)
            token = browser.get("/").html.find("input", attrs={"name": "csrf_token"})["value"]
            while not self.stop.is_set() and self.posted < MAX_POSTS and time.monotonic() < deadline:
                number = self.posted + 1
                submission = secrets.token_hex(16)
                browser.post(
                    "/",
                    {"contents": f"post {number}", "csrf_token": token, "submission_id": submission},
                    status=303,
                )
                self.posted = number
                if number % 3 == 0:
                    with lookup.connect() as connection:
                        comment_id = connection.scalar(
                            sa.text("SELECT id FROM comments WHERE submission_id = :s"), {"s": submission}
                        )
                    browser.post(f"/comments/{comment_id}/hide", {"csrf_token": token}, status=303)
                # Shows the board, as the redirect does, which also takes the "posted" notices
                # out of the session cookie.
                browser.get("/")
        lookup.dispose()


def test_a_backup_taken_while_posting_restores_one_moment_of_the_board(
    source, backend, tmp_path, request, admin
):
    backups = tmp_path / "backups"
    backups.mkdir()
    poster = Poster(source)
    poster.start()
    try:
        while poster.posted < 30 and poster.is_alive():
            time.sleep(0.05)
        taken = admin(source, "backup", str(backups))
        posted_by_then = poster.posted
        while poster.posted < posted_by_then + 10 and poster.is_alive():
            time.sleep(0.05)
    finally:
        poster.stop.set()
        poster.join(timeout=MAX_SECONDS)
    assert poster.error is None, poster.error
    assert taken.returncode == 0, taken.stderr
    [backup] = list(backups.iterdir())
    target = new_database(backend, tmp_path, request)
    restored = admin(target, "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert "board restored" in restored.stderr

    now, then = board_rows(source), board_rows(target)
    contents = [row[1] for row in then["comments"]]
    kept = len(contents)
    # A moment while posting went on: some posts before it, some after, in order, none torn.
    assert 30 <= kept < poster.posted, (kept, poster.posted)
    assert contents == [f"post {number}" for number in range(1, kept + 1)]
    assert then["users"] == now["users"]
    # Every moderation transaction whole or absent: a hidden comment has its log entry, and
    # the other way round; all but the last comment are exactly as they are now.
    log = then["moderation_actions"]
    assert log == now["moderation_actions"][: len(log)]
    hidden_at = COMMENT_COLUMNS.index("hidden_at")
    assert then["comments"][:-1] == now["comments"][: kept - 1]
    assert then["comments"][-1][:hidden_at] == now["comments"][kept - 1][:hidden_at]
    hidden = {row[0] for row in then["comments"] if row[hidden_at] is not None}
    assert hidden == {row[LOG_COLUMNS.index("comment_id")] for row in log}
    assert oct(os.stat(backup).st_mode & 0o777) == "0o600"
    assert NAME.fullmatch(backup.name)


def one_line_refusal(done, status):
    lines = done.stderr.strip().splitlines()
    return (done.returncode, len(lines), "Traceback" in done.stderr) == (status, 1, False)


def old_name(days_ago, suffix):
    return (datetime.now(UTC) - timedelta(days=days_ago)).strftime(f"scratchpad-%Y%m%dT%H%M%SZ.{suffix}")


def test_keep_days_deletes_only_this_commands_backups_older_than_that(source, tmp_path, admin):
    backups = tmp_path / "backups"
    backups.mkdir()
    names = [
        old_name(30, "sqlite"),
        old_name(8, "json"),
        old_name(6, "sqlite"),
        "notes.txt",
        "scratchpad-mine.sqlite",
    ]
    for name in names:
        (backups / name).write_text("kept unless old")
    done = admin(source, "backup", str(backups), "--keep-days", "7")
    left = sorted(path.name for path in backups.iterdir())
    [new] = [name for name in left if name not in names]
    assert done.returncode == 0, done.stderr
    assert "Deleted 2 backup(s)" in done.stdout
    assert sorted(set(left) - {new}) == sorted(names[2:])
    assert NAME.fullmatch(new)


def test_restore_refuses_a_board_that_is_not_empty(source, tmp_path, admin):
    backups = tmp_path / "backups"
    backups.mkdir()
    admin(source, "backup", str(backups))
    [backup] = list(backups.iterdir())
    before = board_rows(source)
    done = admin(source, "restore", str(backup))
    assert one_line_refusal(done, 1), done.stderr
    assert "not empty" in done.stderr, done.stderr
    assert board_rows(source) == before


@pytest.mark.parametrize(
    "content, said",
    [
        (b"SQLite format 3\x00" + b"\x00" * 200, "SQLite backup"),
        (b"these are not the rows you are looking for", "not an export"),
        (None, "no such file"),
    ],
)
def test_a_file_that_is_not_a_backup_is_one_line_and_the_target_stays_empty(
    content, said, backend, tmp_path, request, admin
):
    path = tmp_path / "scratchpad-20261204T000000Z.sqlite"
    if content is not None:
        path.write_bytes(content)
    target = new_database(backend, tmp_path, request)
    done = admin(target, "restore", str(path))
    engine = sa.create_engine(target)
    with engine.connect() as connection:
        tables = sa.inspect(connection).get_table_names()
    engine.dispose()
    assert one_line_refusal(done, 2), done.stderr
    assert said in done.stderr, done.stderr
    assert tables == []


def test_a_backup_into_a_directory_that_is_not_there_is_one_line(source, tmp_path, admin):
    done = admin(source, "backup", str(tmp_path / "nowhere"))
    assert one_line_refusal(done, 2), done.stderr
    assert "not a directory" in done.stderr, done.stderr


@pytest.mark.mysql
def test_a_sqlite_backup_restores_into_mariadb(tmp_path, request, admin, migrate):
    source = new_database("sqlite", tmp_path, request)
    migrate(source)
    seed(source, 25)
    backups = tmp_path / "backups"
    backups.mkdir()
    admin(source, "backup", str(backups))
    [backup] = list(backups.iterdir())
    target = new_database("mariadb", tmp_path, request)
    done = admin(target, "restore", str(backup))
    assert done.returncode == 0, done.stderr
    assert board_rows(target, skip=()) == board_rows(source, skip=())


MOMENT = datetime(2026, 12, 4, 3, 17, tzinfo=UTC)


@pytest.mark.parametrize("left", LEFT)
def test_a_partial_backup_left_behind_is_never_reused_or_followed(left, source, tmp_path):
    """A temporary file left by a run that died, or put there by someone else, kept its mode
    (0666: the backup with every password hash readable by all) or led the write elsewhere."""
    backup_dir = tmp_path / "backups"
    backup_dir.mkdir()
    partial = (
        backup_dir
        / f".{MOMENT.strftime(backups.NAME_FORMAT)}{'.sqlite' if 'sqlite' in source else '.json'}.partial"
    )
    elsewhere = tmp_path / "elsewhere.txt"
    leave(left, partial, elsewhere)
    engine = get_engine({"sqlalchemy.url": source})
    try:
        path = backups.backup(engine, backup_dir, now=MOMENT)
    finally:
        engine.dispose()
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    assert (elsewhere.read_text() if elsewhere.exists() else None) == (
        "not yours" if left == "a symlink to a file" else None
    )
    assert sorted(os.listdir(backup_dir)) == [path.name]


def test_a_backup_never_writes_over_a_file_of_its_name(source, tmp_path):
    backup_dir = tmp_path / "backups"
    backup_dir.mkdir()
    engine = get_engine({"sqlalchemy.url": source})
    try:
        first = backups.backup(engine, backup_dir, now=MOMENT)
        kept = first.read_bytes()
        with pytest.raises(Refused, match="exists already"):
            backups.backup(engine, backup_dir, now=MOMENT)
    finally:
        engine.dispose()
    assert (first.read_bytes(), sorted(os.listdir(backup_dir))) == (kept, [first.name])

"""``scratchpad-admin CONFIG copy-to URL``: a whole board from SQLite into an empty database
(MariaDB above all), every row exact and checked on both sides before it commits; shown end
to end at 100,000 comments, where the copy's export is byte-identical to the source's."""

import re
import time

import pytest
import sqlalchemy as sa

from scratchpad.models.meta import Base
from scratchpad.portability.tables import tables_to_copy
from tests.support.boards import board_rows, new_database, seed
from tests.support.commands import run_ok, unmeasured_environment

MOVER_PASSWORD = "pw-mover-5ecret"
EVERY_TABLE = tuple(tables_to_copy(Base.metadata))


@pytest.fixture
def source(tmp_path, request, migrate):
    url = new_database("sqlite", tmp_path, request)
    migrate(url)
    seed(url, 40)
    return url


@pytest.fixture
def admin(run_script):
    return lambda url, *args: run_script("scratchpad-admin", url, *args)


def with_password(server, url):
    """``url`` as a user ``mover`` who has a password, allowed everything on its database."""
    database = sa.make_url(url).database
    with server.connect() as connection, connection.cursor() as cursor:
        cursor.execute(f"CREATE USER IF NOT EXISTS 'mover'@'%' IDENTIFIED BY '{MOVER_PASSWORD}'")
        cursor.execute(f"GRANT ALL ON `{database}`.* TO 'mover'@'%'")
    return (
        sa.make_url(url).set(username="mover", password=MOVER_PASSWORD).render_as_string(hide_password=False)
    )


@pytest.fixture(params=["sqlite", pytest.param("mariadb", marks=pytest.mark.mysql)])
def target(request, tmp_path):
    """A new database with no tables; on MariaDB reached as a user with a password."""
    url = new_database(request.param, tmp_path, request)
    if request.param == "mariadb":
        url = with_password(request.getfixturevalue("mariadb_server"), url)
    return url


def one_line_refusal(done, status):
    lines = done.stderr.strip().splitlines()
    return (done.returncode, len(lines), "Traceback" in done.stderr) == (status, 1, False)


def test_the_copy_holds_every_row_of_every_table_and_exports_the_same(source, target, admin, tmp_path):
    copied = admin(source, "copy-to", target)
    admin(source, "export", str(tmp_path / "source.json"), "--with-password-hashes")
    admin(target, "export", str(tmp_path / "copy.json"), "--with-password-hashes")
    assert copied.returncode == 0, copied.stderr
    assert board_rows(target, EVERY_TABLE, skip=()) == board_rows(source, EVERY_TABLE, skip=())
    assert (tmp_path / "copy.json").read_bytes() == (tmp_path / "source.json").read_bytes()


def test_the_copy_says_what_it_checked_and_what_to_put_in_production_ini(source, target, admin):
    copied = admin(source, "copy-to", target)
    out = copied.stdout
    ini_line = next(line for line in out.splitlines() if "sqlalchemy.url =" in line)
    checksums = [line.split() for line in out.splitlines() if re.fullmatch(r"  \S+ +\d+  [0-9a-f]{64}", line)]
    assert [(name, rows) for name, rows, _ in checksums] == [
        ("login_failures", "0"),
        ("users", "2"),
        ("account_tokens", "0"),
        ("comments", "38"),
        ("moderation_actions", "3"),
        ("notification_feeds", "0"),
        ("rate_events", "0"),
        ("notifications", "0"),
        ("outbox", "0"),  # after comments, whose rows a mail may name (outbox.comment_id)
        ("reports", "3"),
    ]
    assert MOVER_PASSWORD not in out + copied.stderr
    assert sa.make_url(ini_line.split("= ", 1)[1]).password is None
    assert "board copied" in copied.stderr


def test_a_copy_into_a_board_that_is_not_empty_is_refused(source, tmp_path, request, admin, migrate):
    other = new_database("sqlite", tmp_path, request)
    migrate(other)
    seed(other, 3)
    before = board_rows(other)
    done = admin(source, "copy-to", other)
    assert one_line_refusal(done, 1), done.stderr
    assert "not empty" in done.stderr, done.stderr
    assert board_rows(other) == before


def test_a_database_of_something_else_is_refused_untouched(source, tmp_path, admin):
    other = f"sqlite:///{tmp_path / 'other.sqlite'}"
    engine = sa.create_engine(other)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    done = admin(source, "copy-to", other)
    with engine.connect() as connection:
        tables = sa.inspect(connection).get_table_names()
    engine.dispose()
    assert one_line_refusal(done, 1), done.stderr
    assert "schema" in done.stderr, done.stderr
    assert tables == ["notes"]


@pytest.mark.parametrize(
    "url, said",
    [
        ("not a url", "not a database URL"),
        ("postgresql+nosuchdriver://u@localhost/x", "not a database URL"),
        (f"mysql+pymysql://mover:{MOVER_PASSWORD}@127.0.0.1:1/scratchpad", "cannot reach"),
    ],
)
def test_a_bad_or_unreachable_url_is_one_line_without_the_password(url, said, source, admin):
    done = admin(source, "copy-to", url)
    assert one_line_refusal(done, 2), done.stderr
    assert said in done.stderr, done.stderr
    assert MOVER_PASSWORD not in done.stderr + done.stdout


def test_the_board_itself_is_refused(source, admin):
    done = admin(source, "copy-to", source)
    assert one_line_refusal(done, 1), done.stderr
    assert "own database" in done.stderr, done.stderr


BIG = 100_000


def unmeasured_admin(url, *args):
    """scratchpad-admin testing.ini ARGS on ``url``, in a process that coverage does not measure:
    the small copies above run the same code on both backends, and measuring 100,000 rows
    doubled the test's CPU time (in the test's process, 31 CPU-s against 17; pytest-cov's
    ``no_cover`` marker does not stop the measuring in a pytest-xdist worker, where coverage's
    own start-up hook has a collector running under pytest-cov's)."""
    return run_ok("scratchpad-admin", "testing.ini", *args, database_url=url, env=unmeasured_environment())


@pytest.mark.slow
@pytest.mark.mysql
def test_100000_comments_move_from_sqlite_to_mariadb_byte_for_byte(
    tmp_path, request, mariadb_server, seeded_board
):
    source = seeded_board(tmp_path / "source.sqlite", BIG)
    target = with_password(mariadb_server, new_database("mariadb", tmp_path, request))
    started = time.monotonic()
    copied = unmeasured_admin(source, "copy-to", target)
    took = time.monotonic() - started
    unmeasured_admin(source, "export", str(tmp_path / "source.json"), "--with-password-hashes")
    unmeasured_admin(target, "export", str(tmp_path / "copy.json"), "--with-password-hashes")
    print(f"copy-to MariaDB of {BIG} comments: {took:.1f} s")
    assert copied.returncode == 0, copied.stderr
    assert f"{BIG - 2}" in copied.stdout
    assert (tmp_path / "copy.json").read_bytes() == (tmp_path / "source.json").read_bytes()
    assert took < 60

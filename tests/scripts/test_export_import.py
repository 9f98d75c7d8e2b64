"""``scratchpad-admin CONFIG export FILE`` and ``import FILE``, run as an operator would (the
installed script, testing.ini, a throwaway database on SQLite and on MariaDB): the imported
board equals the exported one, ids, times and moderation state included, its permalinks and
logins work through the app, and every refusal is one line with nothing written."""

import json
import os

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from scratchpad.models import Comment, User, get_engine
from scratchpad.portability.errors import Refused
from scratchpad.portability.importer import import_board, read_document
from tests.support import xss_vectors
from tests.support.boards import BOARD_TABLES, PASSWORD, board_rows, new_database, seed
from tests.support.commands import run_ok, unmeasured_environment
from tests.support.factories import make_reply
from tests.support.html_safety import page_problems
from tests.support.left_files import LEFT, leave

SEEDED = 30  # comments; the last two deleted, so the highest id left is 28


@pytest.fixture(params=["sqlite", pytest.param("mariadb", marks=pytest.mark.mysql)])
def backend(request):
    return request.param


@pytest.fixture
def new_db(backend, tmp_path, request):
    """``new_db()``: the URL of another new database (no tables) on this test's backend."""
    return lambda: new_database(backend, tmp_path, request)


@pytest.fixture
def source(new_db, migrate):
    url = new_db()
    migrate(url)
    seed(url, SEEDED)
    return url


@pytest.fixture
def admin(run_script):
    """``admin(url, *args)``: scratchpad-admin testing.ini ARGS on the database at ``url``."""
    return lambda url, *args: run_script("scratchpad-admin", url, *args)


def tables_of(url):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return sa.inspect(connection).get_table_names()
    finally:
        engine.dispose()


def one_line_refusal(done, status):
    """The script ended with ``status`` and one line on stderr, no traceback."""
    lines = done.stderr.strip().splitlines()
    return (done.returncode, len(lines), "Traceback" in done.stderr) == (status, 1, False)


def test_an_imported_board_equals_the_exported_one(source, new_db, admin, tmp_path):
    exported = tmp_path / "board.json"
    target = new_db()
    export = admin(source, "export", str(exported), "--with-password-hashes")
    imported = admin(target, "import", str(exported))
    again = tmp_path / "again.json"
    admin(target, "export", str(again), "--with-password-hashes")
    assert (export.returncode, imported.returncode) == (0, 0), export.stderr + imported.stderr
    assert board_rows(target) == board_rows(source)
    # Byte for byte, next ids included: the deleted comments' ids 29 and 30 stay taken.
    assert again.read_bytes() == exported.read_bytes()
    assert json.loads(exported.read_text())["next_ids"] == {
        "users": 3,
        "comments": 31,
        "moderation_log": 3,
        "reports": 3,
    }


def test_permalinks_survive_and_new_ids_continue_after_the_deleted_ones(
    source, new_db, admin, tmp_path, app_on
):
    exported = tmp_path / "board.json"
    target = new_db()
    admin(source, "export", str(exported), "--with-password-hashes")
    assert admin(target, "import", str(exported)).returncode == 0
    pages = {}
    for url in (source, target):
        with app_on(url) as browser:
            # 27 shown, 22 hidden by a moderator, 29 deleted.
            pages[url] = [
                (page.status_int, page.text)
                for page in (browser.get(f"/comments/{n}", status="*").maybe_follow() for n in (27, 22, 29))
            ]
    with app_on(target) as browser:
        browser.login("mia", PASSWORD)
        form = next(form for form in browser.get("/").forms.values() if "contents" in form.fields)
        form["contents"] = "after the move"
        form.submit(status=303)
    content = board_columns("comments").index("content")
    [new_id] = [row[0] for row in board_rows(target)["comments"] if row[content] == "after the move"]
    assert [status for status, _ in pages[target]] == [200, 404, 404]
    assert 'id="comment-27"' in pages[target][0][1]
    assert (pages[target], new_id) == (pages[source], 31)


def board_columns(table_name):
    table = next(table for table in BOARD_TABLES if table.name == table_name)
    return [column.name for column in table.columns if column.name != "session_secret"]


def test_without_the_flag_no_hash_leaves_and_imported_users_cannot_log_in(
    source, new_db, admin, tmp_path, app_on
):
    exported = tmp_path / "board.json"
    target = new_db()
    admin(source, "export", str(exported))
    imported = admin(target, "import", str(exported))
    with app_on(target) as browser:
        login = browser.login("mia", PASSWORD, status="*")
    text = exported.read_text()
    assert ("$2b$" in text, '"password_hash":' in text, imported.returncode, login.status_int) == (
        False,
        False,
        0,
        400,
    )


def test_with_the_flag_imported_users_log_in_and_the_file_is_private(source, new_db, admin, tmp_path, app_on):
    exported = tmp_path / "board.json"
    target = new_db()
    admin(source, "export", str(exported), "--with-password-hashes")
    admin(target, "import", str(exported))
    with app_on(target) as browser:
        login = browser.login("mia", PASSWORD, status="*")
    assert (login.status_int, oct(os.stat(exported).st_mode & 0o777)) == (303, "0o600")


@pytest.mark.parametrize("with_hashes", [False, True])
def test_every_export_is_readable_by_its_owner_only(source, admin, tmp_path, with_hashes):
    """Without the hashes it still holds every member's email, the reports and their words, and
    the text of hidden and waiting comments."""
    exported = tmp_path / "board.json"
    done = admin(source, "export", str(exported), *(["--with-password-hashes"] if with_hashes else []))
    assert (done.returncode, oct(os.stat(exported).st_mode & 0o777)) == (0, "0o600"), done.stderr


def sqlite_board(tmp_path, migrate, name="victim.sqlite"):
    """A seeded board in ``tmp_path/name``: its URL and its file."""
    path = tmp_path / name
    url = f"sqlite:///{path}"
    migrate(url)
    seed(url, 5)
    return url, path


@pytest.mark.parametrize("what", ["the board's own database", "another file", "a broken symlink"])
def test_export_never_writes_over_what_is_there(what, admin, tmp_path, migrate):
    """``export victim.sqlite`` on the board's own file replaced the board with JSON."""
    url, database = sqlite_board(tmp_path, migrate)
    before = board_rows(url)
    if what == "the board's own database":
        path = database
    elif what == "another file":
        path = tmp_path / "notes.json"
        path.write_text("keep me")
    else:
        path = tmp_path / "dangling.json"
        path.symlink_to(tmp_path / "nowhere.json")
    content = path.read_bytes() if path.exists() else None
    done = admin(url, "export", str(path))
    assert one_line_refusal(done, 1), done.stderr
    assert f"{path} exists already" in done.stderr, done.stderr
    assert (path.read_bytes() if path.exists() else None, board_rows(url)) == (content, before)
    assert not (tmp_path / "nowhere.json").exists()
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".partial")]


@pytest.mark.parametrize("left", LEFT)
def test_a_partial_file_left_behind_is_never_reused_or_followed(left, admin, tmp_path, migrate):
    """A ``.pre.json.partial`` left with mode 0666 made the export (hashes and all) readable by
    everyone; a symlink there led the write into another file."""
    url, _ = sqlite_board(tmp_path, migrate)
    exported = tmp_path / "pre.json"
    partial = tmp_path / ".pre.json.partial"
    elsewhere = tmp_path / "elsewhere.txt"
    leave(left, partial, elsewhere)
    done = admin(url, "export", str(exported), "--with-password-hashes")
    assert done.returncode == 0, done.stderr
    assert oct(os.stat(exported).st_mode & 0o777) == "0o600"
    assert '"password_hash"' in exported.read_text()
    assert (elsewhere.read_text() if elsewhere.exists() else None) == (
        "not yours" if left == "a symlink to a file" else None
    )
    assert not os.path.lexists(partial)


def test_import_refuses_a_board_that_is_not_empty(source, admin, tmp_path):
    exported = tmp_path / "board.json"
    admin(source, "export", str(exported))
    before = board_rows(source)
    done = admin(source, "import", str(exported))
    assert one_line_refusal(done, 1), done.stderr
    assert "not empty" in done.stderr, done.stderr
    assert board_rows(source) == before


def test_import_refuses_another_format_version_and_writes_nothing(source, new_db, admin, tmp_path):
    exported = tmp_path / "board.json"
    admin(source, "export", str(exported))
    document = json.loads(exported.read_text())
    document["version"] = 99
    exported.write_text(json.dumps(document))
    target = new_db()
    done = admin(target, "import", str(exported))
    assert one_line_refusal(done, 1), done.stderr
    assert "format version 99" in done.stderr, done.stderr
    assert tables_of(target) == []


def edited(document, change):
    change(document)
    return json.dumps(document)


BAD_FILES = {
    "not JSON": lambda document: '{"format": "scratchpad-export", "version": 2,',
    "not an export": lambda document: '{"comments": []}',
    "an array": lambda document: "[1, 2, 3]",
    "a missing section": lambda document: edited(document, lambda d: d.pop("moderation_log")),
    "a row with an unknown column": lambda document: edited(
        document, lambda d: d["users"][0].update(admin=True)
    ),
    "a bad time": lambda document: edited(document, lambda d: d["comments"][0].update(posted_at="yesterday")),
    "a string for an id": lambda document: edited(document, lambda d: d["comments"][0].update(id="1")),
    "a missing next id": lambda document: edited(document, lambda d: d["next_ids"].pop("users")),
    "a comment too long": lambda document: edited(
        document, lambda d: d["comments"][0].update(content="x" * 5000)
    ),
}


@pytest.mark.parametrize("bad", list(BAD_FILES))
def test_a_file_that_is_not_a_valid_export_is_one_line_and_writes_nothing(
    bad, source, new_db, admin, tmp_path
):
    exported = tmp_path / "board.json"
    admin(source, "export", str(exported))
    exported.write_text(BAD_FILES[bad](json.loads(exported.read_text())))
    target = new_db()
    done = admin(target, "import", str(exported))
    assert one_line_refusal(done, 2), done.stderr
    assert str(exported) in done.stderr, done.stderr
    assert tables_of(target) == []


def open_report(document):
    return next(row for row in document["reports"] if row["is_open"])


#: Hand edits of the right type and length that the board's own rules refuse, and what the
#: refusal says after "ROW: ".
RULE_BREAKS = {
    "a name in capitals": (lambda d: d["users"][1].update(username="Mia"), "users row 2: username 'Mia'"),
    "a case twin of another name": (
        lambda d: d["users"][1].update(username="ROOT"),
        "users row 2: username 'ROOT'",
    ),
    "a name with a control character": (
        lambda d: d["users"][1].update(username="mi\x07a"),
        "users row 2: username 'mi\\x07a': A username must not contain control or invisible characters",
    ),
    "an unknown role": (
        lambda d: d["users"][0].update(role="superuser"),
        "users row 1: role 'superuser' is not one of admin, member",
    ),
    "an email with a header in it": (
        lambda d: d["users"][1].update(email="not an address\r\nBcc: x@evil"),
        "users row 2: email 'not an address\\r\\nBcc: x@evil': An email address must not contain spaces",
    ),
    "an email not as stored": (
        lambda d: d["users"][1].update(email="mia@Example.ORG"),
        "users row 2: email 'mia@Example.ORG' is not as the board stores addresses ('mia@example.org')",
    ),
    "an unknown report reason": (
        lambda d: d["reports"][0].update(reason="boring"),
        "reports row 1: reason 'boring' is not one of spam, abuse, off-topic, other",
    ),
    "a report neither open nor resolved": (
        lambda d: open_report(d).update(is_open=False),
        "is_open False is not one of True, null",
    ),
    "an unknown resolution": (
        lambda d: d["reports"][0].update(is_open=None, resolution="maybe"),
        "reports row 1: resolution 'maybe' is not one of hidden, deleted, dismissed",
    ),
    "an open report with a resolution": (
        lambda d: open_report(d).update(resolution="hidden"),
        "resolution 'hidden' is set on an open report",
    ),
    "an unknown moderation act": (
        lambda d: d["moderation_log"][0].update(action="nuke"),
        "moderation_log row 1: action 'nuke' is not one of hide",
    ),
    "a placeholder deleted by nobody known": (
        lambda d: d["comments"][0].update(deleted_by="ghost"),
        "comments row 1: deleted_by 'ghost' is not one of author, moderator, null",
    ),
}


@pytest.mark.parametrize("broken", list(RULE_BREAKS))
def test_rows_the_boards_rules_refuse_are_one_line_and_write_nothing(broken, source, new_db, admin, tmp_path):
    """Before, these imported with exit status 0: a user nobody could log in as ("Mia": names
    are stored lower case), a role the board does not have, a line break in an address that
    mail would send as a header, reports the inbox cannot show."""
    exported = tmp_path / "board.json"
    admin(source, "export", str(exported))
    change, said = RULE_BREAKS[broken]
    exported.write_text(edited(json.loads(exported.read_text()), change))
    target = new_db()
    done = admin(target, "import", str(exported))
    assert one_line_refusal(done, 2), done.stderr
    assert f"{exported} is not a valid export: " in done.stderr, done.stderr
    assert said in done.stderr, done.stderr
    assert tables_of(target) == []


def test_a_missing_file_is_one_line(new_db, admin, tmp_path):
    target = new_db()
    done = admin(target, "import", str(tmp_path / "nowhere.json"))
    assert one_line_refusal(done, 2), done.stderr
    assert "nowhere.json" in done.stderr, done.stderr
    assert tables_of(target) == []


CLASHES = {
    "a second user of a name": (
        lambda d: d["users"][1].update(username=d["users"][0]["username"]),
        "users row 2: username 'root' is also row 1's",
    ),
    "a second row of an id": (
        lambda d: d["comments"][1].update(id=1),
        "comments row 2: id 1 is also row 1's",
    ),
    "a comment by nobody in the file": (
        lambda d: d["comments"][0].update(commenter_id=99),
        "comments row 1: commenter_id 99 names no users row",
    ),
    "a reply to a later comment": (
        lambda d: d["comments"][0].update(parent_id=5),
        "comments row 1: parent_id 5 names no earlier comments row",
    ),
    "a report of no comment in the file": (
        lambda d: d["reports"][0].update(comment_id=999),
        "reports row 1: comment_id 999 names no comments row",
    ),
}


@pytest.mark.parametrize("clash", list(CLASHES))
def test_rows_that_clash_are_refused_before_the_new_database_is_migrated(
    clash, source, new_db, admin, tmp_path
):
    """What the database would reject (a second "alice", a row naming a row not there) is
    found in the file: one line naming the row, and a new database is left as it was, where it
    used to be left migrated (and, with development.ini, ~25 lines of alembic's log printed)."""
    exported = tmp_path / "board.json"
    admin(source, "export", str(exported))
    change, said = CLASHES[clash]
    exported.write_text(edited(json.loads(exported.read_text()), change))
    target = new_db()
    done = admin(target, "import", str(exported))
    assert one_line_refusal(done, 1), done.stderr
    assert f"{exported} does not fit a board: {said}." in done.stderr, done.stderr
    assert tables_of(target) == []


def test_rows_the_database_still_rejects_leave_the_board_empty(source, new_db, admin, tmp_path, migrate):
    """Should a clash get past the checks, the database's own refusal rolls the whole import back."""
    exported = tmp_path / "board.json"
    admin(source, "export", str(exported))
    document = read_document(exported)
    document["users"][1]["username"] = document["users"][0]["username"]
    target = migrate(new_db())
    engine = get_engine({"sqlalchemy.url": target})
    try:
        with pytest.raises(Refused, match="does not fit the database"):
            import_board(engine, document, exported)
    finally:
        engine.dispose()
    assert board_rows(target) == {table.name: [] for table in BOARD_TABLES}


def test_an_import_is_in_the_audit_log(source, new_db, admin, tmp_path):
    exported = tmp_path / "board.json"
    admin(source, "export", str(exported))
    done = admin(new_db(), "import", str(exported))
    [line] = [line for line in done.stderr.splitlines() if "scratchpad.audit" in line]
    assert all(part in line for part in ("board imported", "comments=28", "users=2")), done.stderr


def test_export_to_an_unwritable_place_is_one_line(source, admin, tmp_path):
    done = admin(source, "export", str(tmp_path / "no" / "such" / "dir.json"))
    assert one_line_refusal(done, 2), done.stderr
    assert "cannot write" in done.stderr, done.stderr
    assert not (tmp_path / "no").exists()


BIG = 100_000
#: The issue's bound on what exporting 100,000 comments may add to the process's peak memory.
RSS_BUDGET_KB = 20 * 1024


#: Runs scratchpad-admin's main in this interpreter, then prints the process's peak resident
#: memory (VmHWM: of this process image only, where ru_maxrss would count the forked test
#: runner's memory from before exec).
MEASURED = (
    "import sys; from scratchpad.scripts.admin import main; status = main(sys.argv); "
    "print([line for line in open('/proc/self/status') if line.startswith('VmHWM')][0], file=sys.stderr); "
    "sys.exit(status)"
)


def peak_rss_kb(url, *args):
    """Peak resident memory (kB) of scratchpad-admin testing.ini ARGS on ``url``, in a process
    coverage does not measure: what the process holds is the app's own (the small exports
    above measure the same code)."""
    done = run_ok(
        "python",
        "-c",
        MEASURED,
        "testing.ini",
        *args,
        database_url=url,
        env=unmeasured_environment(),
        timeout=300,
    )
    [peak] = [line.split()[1] for line in done.stderr.splitlines() if line.startswith("VmHWM")]
    return int(peak)


@pytest.mark.big
def test_export_of_100000_comments_stays_within_20_mb_of_an_empty_boards(tmp_path, seeded_board, migrate):
    """Measured here, on SQLite: the same command's peak RSS on an empty board is the idle
    process (everything imported, nothing read); streaming keeps the big board within 20 MB
    of it, where reading the rows into a list would take several times that."""
    empty = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    migrate(empty)
    big = seeded_board(tmp_path / "big.sqlite", BIG)
    idle = peak_rss_kb(empty, "export", str(tmp_path / "empty.json"))
    busy = peak_rss_kb(big, "export", str(tmp_path / "big.json"))
    exported = json.loads((tmp_path / "big.json").read_text())
    print(f"peak RSS: idle {idle} kB, exporting {BIG} comments {busy} kB, +{busy - idle} kB")
    assert (len(exported["comments"]), busy - idle < RSS_BUDGET_KB) == (BIG - 2, True), (idle, busy)


def test_a_file_cannot_smuggle_markup_past_the_sanitiser(source, new_db, admin, tmp_path, app_on):
    """The stored HTML never travels: a hostile file's comments are rendered afresh on import,
    and a row that brings its own ``html`` is refused."""
    exported = tmp_path / "board.json"
    admin(source, "export", str(exported))
    document = json.loads(exported.read_text())
    for row, vector in zip(document["comments"], xss_vectors.ALL, strict=False):
        row["content"] = vector
    exported.write_text(json.dumps(document))
    target = new_db()
    imported = admin(target, "import", str(exported))
    with app_on(target) as browser:
        problems = [page_problems(browser.get("/").text)]
    document["comments"][0]["html"] = "<script>alert(1)</script>"
    smuggled = tmp_path / "smuggled.json"
    smuggled.write_text(json.dumps(document))
    refused = admin(new_db(), "import", str(smuggled))
    assert imported.returncode == 0, imported.stderr
    assert problems == [[]]
    assert one_line_refusal(refused, 2), refused.stderr


def moved(source, new_db, admin, tmp_path):
    """The URL of a new board that ``source`` was exported to and imported into, its comments
    checked equal to the source's."""
    exported = tmp_path / "moved.json"
    admin(source, "export", str(exported))
    target = new_db()
    done = admin(target, "import", str(exported))
    assert done.returncode == 0, done.stderr
    assert board_rows(target)["comments"] == board_rows(source)["comments"]
    return target


def test_a_thread_survives_export_and_import(source, new_db, admin, tmp_path, app_on):
    """Replies keep their place: parent, thread, path and the root's count travel, so the
    thread page of the imported board shows the answer under what it answers."""
    engine = get_engine({"sqlalchemy.url": source})
    with Session(engine) as dbsession, dbsession.begin():
        answer = make_reply(
            dbsession, dbsession.get(Comment, 1), "An answer that travels", dbsession.get(User, 1)
        )
        dbsession.flush()
        answer_id = answer.id
    engine.dispose()
    target = moved(source, new_db, admin, tmp_path)
    with app_on(target) as browser:
        page = browser.get("/comments/1")
    assert page.html.find("article", id=f"comment-{answer_id}") is not None


def test_a_suspension_and_the_log_of_acts_on_users_survive_export_and_import(source, new_db, admin, tmp_path):
    """Version 3: a member's suspension and the moderation log's entries about users travel,
    so a move (or a MariaDB backup restored) keeps who is suspended until when, and why."""
    suspended = admin(source, "users", "suspend", "mia", "--until", "30d")
    exported = tmp_path / "suspended.json"
    admin(source, "export", str(exported), "--with-password-hashes")
    target = new_db()
    done = admin(target, "import", str(exported))
    assert (suspended.returncode, done.returncode) == (0, 0), suspended.stderr + done.stderr
    source_rows, target_rows = board_rows(source), board_rows(target)
    assert (
        target_rows["users"] == source_rows["users"],
        target_rows["moderation_actions"] == source_rows["moderation_actions"],
        next(row for row in json.loads(exported.read_text())["moderation_log"] if row["user_name"])["action"],
    ) == (True, True, "suspend")


CHOICES = {"email_notifications": True, "language": "de", "time_zone": "Europe/Berlin"}


def choose(url, **values):
    engine = get_engine({"sqlalchemy.url": url})
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.update(User.__table__).where(User.__table__.c.username == "mia").values(**values)
            )
    finally:
        engine.dispose()


def test_a_members_mail_language_and_time_zone_choices_survive_export_and_import(
    source, new_db, admin, tmp_path
):
    """Version 4: before, an import turned everyone's mail notifications off and forgot the
    language and time zone they had chosen."""
    choose(source, **CHOICES)
    exported = tmp_path / "choices.json"
    admin(source, "export", str(exported), "--with-password-hashes")
    target = new_db()
    done = admin(target, "import", str(exported))
    assert done.returncode == 0, done.stderr
    mia = next(row for row in json.loads(exported.read_text())["users"] if row["username"] == "mia")
    assert {name: mia[name] for name in CHOICES} == CHOICES
    assert board_rows(target)["users"] == board_rows(source)["users"]


def test_a_version_3_file_is_still_read_with_the_boards_defaults(source, new_db, admin, tmp_path):
    """A file from before version 4 has no email_notifications, language or time_zone: its users
    get the board's defaults (mail off, the browser's language, no zone chosen)."""
    exported = tmp_path / "v3.json"
    admin(source, "export", str(exported), "--with-password-hashes")
    document = json.loads(exported.read_text())
    document["version"] = 3
    for row in document["users"]:
        for name in CHOICES:
            del row[name]
    exported.write_text(json.dumps(document))
    target = new_db()
    done = admin(target, "import", str(exported))
    choose(source, email_notifications=False, language=None, time_zone=None)
    assert done.returncode == 0, done.stderr
    assert board_rows(target) == board_rows(source)


def test_a_version_3_file_with_the_new_members_is_refused(source, new_db, admin, tmp_path):
    exported = tmp_path / "v3.json"
    admin(source, "export", str(exported))
    exported.write_text(edited(json.loads(exported.read_text()), lambda d: d.update(version=3)))
    target = new_db()
    done = admin(target, "import", str(exported))
    assert one_line_refusal(done, 2), done.stderr
    assert 'every row of "users" must have exactly' in done.stderr, done.stderr
    assert tables_of(target) == []


def test_mentions_still_link_after_import(source, new_db, admin, tmp_path, app_on):
    """A comment's HTML is made again on import: its ``@name`` of a user of the board links to
    that user's page as it did on the board it came from, and a name of nobody stays text."""
    engine = get_engine({"sqlalchemy.url": source})
    with Session(engine) as dbsession, dbsession.begin():
        author = dbsession.get(User, 1)
        mention = Comment(content=f"Thanks @{author.username}, and @nobody_here", commenter=author)
        dbsession.add(mention)
        dbsession.flush()
        mention_id, username = mention.id, author.username
    engine.dispose()
    target = moved(source, new_db, admin, tmp_path)
    with app_on(target) as browser:
        article = browser.get(f"/comments/{mention_id}").html.find("article", id=f"comment-{mention_id}")
    assert [link["href"] for link in article.select("a.mention")] == [f"/users/{username}"]

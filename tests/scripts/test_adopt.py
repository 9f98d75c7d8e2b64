"""``initialize_scratchpad_db`` on a database made by the Flask tutorial's app, on SQLite and on
MariaDB: every row survives, times become UTC, werkzeug hashes still log in and become bcrypt;
and when adopting is refused or fails half way, the tutorial's database is left as it was.

The tutorial's tables are written here in SQL, as Flask-SQLAlchemy and Flask-Migrate create
them from its final flask_app.py; the hashes are made with hashlib the way werkzeug makes them.
"""

import hashlib
import hmac
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from scratchpad.board.markup import RULES_VERSION, render_markdown
from scratchpad.models import Comment
from scratchpad.scripts import adopt, initialize_db
from tests.support.databases import execute
from tests.support.paths import ROOT
from tests.support.schema import SQLITE_SEARCH_TABLES, TABLES_AT_HEAD, head_revision

SCRIPT = "initialize_scratchpad_db"
TESTING_INI = str(ROOT / "testing.ini")
TUTORIAL_REVISION = "3d8a1f0c9b27"  # some Flask-Migrate revision of the tutorial's
SALT = "tmVmSuqCXZOZsxe1"
PASSWORDS = {
    "alice": "alice-password-1",
    "bob": "bob-password-12",
    "carol": "carol-password-1",
}

TUTORIAL_SCHEMA = {
    "sqlite": [
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL,"
        " CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))",
        "CREATE TABLE users (id INTEGER NOT NULL, username VARCHAR(128),"
        " password_hash VARCHAR(128), PRIMARY KEY (id))",
        "CREATE TABLE comments (id INTEGER NOT NULL, content VARCHAR(4096), posted DATETIME,"
        " commenter_id INTEGER, PRIMARY KEY (id), FOREIGN KEY(commenter_id) REFERENCES users (id))",
    ],
    "mariadb": [
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL,"
        " CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))",
        "CREATE TABLE users (id INTEGER NOT NULL AUTO_INCREMENT, username VARCHAR(128),"
        " password_hash VARCHAR(128), PRIMARY KEY (id))",
        "CREATE TABLE comments (id INTEGER NOT NULL AUTO_INCREMENT, content VARCHAR(4096),"
        " posted DATETIME, commenter_id INTEGER, PRIMARY KEY (id),"
        " FOREIGN KEY(commenter_id) REFERENCES users (id))",
    ],
}


def pbkdf2(password, digest="sha256", iterations=600000):
    derived = hashlib.pbkdf2_hmac(digest, password.encode(), SALT.encode(), iterations).hex()
    return f"pbkdf2:{digest}:{iterations}${SALT}${derived}"


def scrypt(password):
    derived = hashlib.scrypt(
        password.encode(), salt=SALT.encode(), n=32768, r=8, p=1, maxmem=132 * 32768 * 8, dklen=64
    ).hex()
    return f"scrypt:32768:8:1${SALT}${derived}"


def salted_sha256(password):
    return f"sha256${SALT}${hmac.new(SALT.encode(), password.encode(), 'sha256').hexdigest()}"


def tutorial_users(backend):
    """(id, username as the tutorial stored it, password_hash)."""
    return [
        (1, "Alice", pbkdf2(PASSWORDS["alice"])),
        (2, "bob", salted_sha256(PASSWORDS["bob"])),
        # A werkzeug 3 scrypt hash (~162 characters) fits the tutorial's VARCHAR(128) only on
        # SQLite, which ignores lengths; MariaDB would refuse it (see the widened test below).
        (
            4,
            "carol",
            scrypt(PASSWORDS["carol"]) if backend == "sqlite" else pbkdf2(PASSWORDS["carol"], "sha1", 1000),
        ),
        (5, "dave", None),
    ]


def local(text):
    return datetime.strptime(text, "%Y-%m-%d %H:%M")


def utc(text):
    return local(text).replace(tzinfo=UTC)


#: (id, content, posted in London time, commenter_id) -> what we expect after adoption.
TUTORIAL_COMMENTS = [
    ((1, "Before timestamps existed", None, None), (1, "Before timestamps existed", None, None)),
    ((2, "Summer time", local("2024-07-01 12:00"), 1), (2, "Summer time", utc("2024-07-01 11:00"), 1)),
    # A mention of a tutorial user links to their page, as on every comment posted here.
    (
        (3, "Winter time, @alice", local("2024-01-15 09:30"), 2),
        (3, "Winter time, @alice", utc("2024-01-15 09:30"), 2),
    ),
    # 01:30 happened twice that night; taken as the first, still summer time.
    (
        (5, "Clocks went back", local("2024-10-27 01:30"), 4),
        (5, "Clocks went back", utc("2024-10-27 00:30"), 4),
    ),
    # 01:30 never happened that night; read with the offset from before the change.
    (
        (6, "Clocks went forward", local("2024-03-31 01:30"), None),
        (6, "Clocks went forward", utc("2024-03-31 01:30"), None),
    ),
    (
        (8, "By someone long gone", local("2024-02-01 10:00"), 99),
        (8, "By someone long gone", utc("2024-02-01 10:00"), None),
    ),
    (
        (9, "Just after midnight", local("2024-08-01 00:15"), None),
        (9, "Just after midnight", utc("2024-07-31 23:15"), None),
    ),
    ((10, None, local("2024-09-01 12:00"), 1), (10, "", utc("2024-09-01 11:00"), 1)),
]


@pytest.fixture(scope="module", params=["sqlite", pytest.param("mariadb", marks=pytest.mark.mysql)])
def backend(request):
    return request.param


@pytest.fixture(scope="module")
def new_database(backend, request, tmp_path_factory):
    """``new_database(name)``: the URL of a new, empty database on this backend."""

    def create(name):
        if backend == "sqlite":
            return f"sqlite:///{tmp_path_factory.mktemp(name) / 'tutorial.sqlite'}"
        server = request.getfixturevalue("mariadb_server")
        server.create_database(name)
        return server.url(name)

    return create


def build_tutorial(url, backend, users=None, comments=None, revision=TUTORIAL_REVISION, extra_sql=()):
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            for statement in TUTORIAL_SCHEMA[backend]:
                connection.exec_driver_sql(statement)
            if backend == "mariadb":
                # Comment 8's user is gone; the tutorial on SQLite never enforced the key.
                connection.exec_driver_sql("SET FOREIGN_KEY_CHECKS = 0")
            if revision:
                connection.execute(sa.text("INSERT INTO alembic_version VALUES (:r)"), {"r": revision})
            for row in tutorial_users(backend) if users is None else users:
                connection.execute(
                    sa.text("INSERT INTO users (id, username, password_hash) VALUES (:i, :u, :h)"),
                    dict(zip("iuh", row, strict=False)),
                )
            for row in [before for before, _ in TUTORIAL_COMMENTS] if comments is None else comments:
                connection.execute(
                    sa.text(
                        "INSERT INTO comments (id, content, posted, commenter_id) VALUES (:i, :c, :p, :u)"
                    ),
                    dict(zip("icpu", row, strict=False)),
                )
            for statement in extra_sql:
                connection.exec_driver_sql(statement)
    finally:
        engine.dispose()
    return url


def snapshot(url):
    """Everything an adoption could change: tables, their definitions and all their rows."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            state = {}
            for table in sorted(sa.inspect(connection).get_table_names()):
                if engine.dialect.name == "sqlite":
                    # A table renamed and renamed back comes back with its names quoted.
                    definition = (
                        connection.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = ?", (table,))
                        .scalar()
                        .replace('"', "")
                    )
                else:  # AUTO_INCREMENT counters included
                    definition = connection.exec_driver_sql(f"SHOW CREATE TABLE `{table}`").one()[1]
                data = sorted(map(tuple, connection.exec_driver_sql(f"SELECT * FROM {table}")), key=repr)
                state[table] = (definition, data)
            return state
    finally:
        engine.dispose()


def adopted_comments(url):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            table = Comment.__table__
            query = sa.select(table.c.id, table.c.content, table.c.posted_at, table.c.commenter_id)
            return [tuple(row) for row in connection.execute(query.order_by(table.c.id))]
    finally:
        engine.dispose()


# The whole tutorial database, adopted once per backend.


@pytest.fixture(scope="module")
def adopted(backend, new_database, run_script):
    extra = ["ALTER TABLE comments AUTO_INCREMENT = 20"] if backend == "mariadb" else []
    url = build_tutorial(new_database("adopted"), backend, extra_sql=extra)
    result = run_script(SCRIPT, url, "--tutorial-timezone", "Europe/London")
    return dict(url=url, result=result)


def test_adoption_exits_0(adopted):
    assert adopted["result"].returncode == 0, adopted["result"].stderr


def test_adoption_keeps_every_user_with_id_and_canonical_name(adopted):
    assert execute(adopted["url"], "SELECT id, username, is_active FROM users ORDER BY id") == [
        (1, "alice", True),
        (2, "bob", True),
        (4, "carol", True),
        (5, "dave", True),
    ]


def test_adoption_keeps_werkzeug_hashes_until_the_next_login(adopted, backend):
    stored = dict(execute(adopted["url"], "SELECT id, password_hash FROM users"))
    expected = {user_id: password_hash or "" for user_id, _, password_hash in tutorial_users(backend)}
    assert stored == expected


def test_adoption_keeps_every_comment_with_times_in_utc(adopted):
    assert adopted_comments(adopted["url"]) == [after for _, after in TUTORIAL_COMMENTS]


def test_adopted_comments_get_their_html_in_the_adoption_itself(adopted):
    """Stored with the copied text, not left for the stale-row pass (which would say so), its
    mentions of the adopted users linked."""
    rows = execute(adopted["url"], "SELECT content, html, html_version FROM comments ORDER BY id")
    users = {"alice", "bob", "carol", "dave"}
    expected = [(content, str(render_markdown(content, users)), RULES_VERSION) for content, _, _ in rows]
    assert (rows, "Stored the HTML" in adopted["result"].stdout) == (expected, False)


def test_adopted_comments_are_in_the_search_index(adopted):
    """Copied after the migrations made the index: found by each backend's own search."""
    url = adopted["url"]
    if url.startswith("sqlite"):
        query = "SELECT rowid FROM comments_fts WHERE comments_fts MATCH 'time' ORDER BY rowid"
    else:
        query = "SELECT id FROM comments WHERE MATCH (content) AGAINST ('+time' IN BOOLEAN MODE) ORDER BY id"
    assert execute(url, query) == [(2,), (3,)]


def test_adoption_leaves_our_schema_at_head_and_no_tutorial_tables(adopted):
    url = adopted["url"]
    with sa.create_engine(url).connect() as connection:
        tables = set(sa.inspect(connection).get_table_names())
    assert (tables, execute(url, "SELECT version_num FROM alembic_version")) == (
        TABLES_AT_HEAD | (SQLITE_SEARCH_TABLES if url.startswith("sqlite") else set()),
        [(head_revision(),)],
    )


@pytest.mark.parametrize(
    "expected",
    [
        "4 user(s) and 8 comment(s)",
        "read as Europe/London local time and stored as UTC",
        "1 comment time(s) fell in the hour repeated",
        "1 comment time(s) fell in the hour skipped",
        "1 comment(s) named users that no longer exist",
        "No usable password for dave",
    ],
)
def test_adoption_reports_what_it_did(adopted, expected):
    assert expected in adopted["result"].stdout


def test_adoption_is_in_the_audit_log(adopted):
    assert "database adopted" in adopted["result"].stderr


def test_running_again_after_adoption_changes_nothing(adopted, run_script):
    before = snapshot(adopted["url"])
    result = run_script(SCRIPT, adopted["url"], "--tutorial-timezone", "Europe/London")
    assert (result.returncode, "Adopted" in result.stdout, snapshot(adopted["url"])) == (0, False, before)


# Logging in through the app with the tutorial's passwords: on a database of its own.


@pytest.fixture(scope="module")
def logged_in_once(backend, new_database, run_script, app_on):
    """Each user logs in once with the tutorial's password; alice also tries a wrong one."""
    extra = ["ALTER TABLE comments AUTO_INCREMENT = 20"] if backend == "mariadb" else []
    url = build_tutorial(new_database("logins"), backend, extra_sql=extra)
    adoption = run_script(SCRIPT, url, "--tutorial-timezone", "UTC")
    assert adoption.returncode == 0, adoption.stderr
    statuses = {}
    with app_on(url) as browser:
        statuses["wrong"] = browser.login("alice", "not-alices-password", status=400).status_int
        hash_after_wrong = execute(url, "SELECT password_hash FROM users WHERE id = 1")[0][0]
        for name, password in PASSWORDS.items():
            browser.reset()
            statuses[name] = browser.login(name, password, status="*").status_int
        page = browser.get("/")
        form = next(form for form in page.forms.values() if "contents" in form.fields)
        form["contents"] = "Posted after the adoption"
        form.submit(status=303)
        page = browser.get("/")
    return dict(url=url, statuses=statuses, hash_after_wrong=hash_after_wrong, page=page.text)


@pytest.mark.parametrize("name", sorted(PASSWORDS))
def test_tutorial_password_logs_in(logged_in_once, name):
    assert logged_in_once["statuses"][name] == 303


@pytest.mark.parametrize("name", sorted(PASSWORDS))
def test_tutorial_hash_is_bcrypt_after_the_first_login(logged_in_once, name):
    (stored,) = execute(logged_in_once["url"], "SELECT password_hash FROM users WHERE username = :n", n=name)
    assert stored[0].startswith("$2b$04$")  # testing.ini: scratchpad.bcrypt_rounds = 4


def test_wrong_password_against_a_tutorial_hash_is_refused_and_keeps_it(logged_in_once, backend):
    assert (logged_in_once["statuses"]["wrong"], logged_in_once["hash_after_wrong"]) == (
        400,
        tutorial_users(backend)[0][2],
    )


def test_page_shows_adopted_comments_with_unknown_time_and_commenter(logged_in_once):
    page = logged_in_once["page"]
    assert (
        "Before timestamps existed" in page,
        "at an unknown time" in page,
        "by <bdi>alice</bdi>" in page,
    ) == (
        True,
        True,
        True,
    )


def test_new_comment_gets_an_id_after_every_tutorial_id(logged_in_once, backend):
    (new_id,) = execute(
        logged_in_once["url"], "SELECT id FROM comments WHERE content = 'Posted after the adoption'"
    )
    # On MariaDB the tutorial's counter stood at 20 (rows 10-19 deleted): ids are not reused.
    assert new_id[0] == (20 if backend == "mariadb" else 11)


@pytest.mark.mysql
def test_scrypt_hash_in_a_widened_tutorial_column_logs_in_on_mariadb(mariadb_server, run_script, app_on):
    """Tutorial operators on werkzeug 3 had to widen password_hash for scrypt; ours is wide enough."""
    mariadb_server.create_database("widened")
    url = build_tutorial(
        mariadb_server.url("widened"),
        "mariadb",
        users=[],
        comments=[],
        extra_sql=[
            "ALTER TABLE users MODIFY password_hash VARCHAR(256)",
            f"INSERT INTO users VALUES (1, 'carol', '{scrypt(PASSWORDS['carol'])}')",
        ],
    )
    adoption = run_script(SCRIPT, url)
    with app_on(url) as browser:
        status = browser.login("carol", PASSWORDS["carol"], status="*").status_int
    (stored,) = execute(url, "SELECT password_hash FROM users")
    assert (adoption.returncode, status, stored[0][:7]) == (0, 303, "$2b$04$")


# Refused: exit status and message, and the database exactly as it was.


def refused_run(new_database, backend, run_script, name, *args, **build):
    url = build_tutorial(new_database(name), backend, **build)
    before = snapshot(url)
    result = run_script(SCRIPT, url, *args)
    return result, before, snapshot(url)


def test_timestamps_without_a_time_zone_are_a_usage_error_and_change_nothing(
    new_database, backend, run_script
):
    result, before, after = refused_run(new_database, backend, run_script, "nozone")
    assert (result.returncode, "--tutorial-timezone" in result.stderr, after) == (2, True, before)


def test_usernames_that_collide_are_refused_and_change_nothing(new_database, backend, run_script):
    users = [(1, "Bob", salted_sha256("x")), (2, "bob", salted_sha256("y"))]
    result, before, after = refused_run(
        new_database, backend, run_script, "collide", "--tutorial-timezone", "UTC", users=users, comments=[]
    )
    assert (result.returncode, "'Bob' (id 1) and 'bob' (id 2)" in result.stderr, after) == (1, True, before)


def test_failing_migration_restores_the_tutorial_tables(new_database, backend, run_script):
    # A table of ours already there: our migrations fail after the tutorial's tables were renamed.
    blocker = ["CREATE TABLE login_failures (id INTEGER NOT NULL PRIMARY KEY)"]
    result, before, after = refused_run(
        new_database, backend, run_script, "blocked", "--tutorial-timezone", "UTC", extra_sql=blocker
    )
    assert (result.returncode, "restored" in result.stderr, after) == (1, True, before)


def test_failing_copy_restores_the_tutorial_tables(new_database, backend, monkeypatch):
    url = build_tutorial(new_database("copyfails"), backend)
    before = snapshot(url)
    monkeypatch.setenv("SCRATCHPAD_DATABASE_URL", url)

    def fail(self, row, user_ids, usernames):
        raise OSError("disk full")

    monkeypatch.setattr(adopt.Adoption, "_comment", fail)
    engine = sa.create_engine(url)
    try:
        adoption = initialize_db.prepare_adoption(TESTING_INI, engine, UTC)
        with pytest.raises(adopt.AdoptionError, match="disk full"):
            adoption.run(lambda: initialize_db.migrate(TESTING_INI))
    finally:
        engine.dispose()
    assert snapshot(url) == before


# The same on SQLite only: other shapes of database.


@pytest.fixture
def sqlite_database(tmp_path):
    return f"sqlite:///{tmp_path / 'tutorial.sqlite'}"


def test_database_from_before_users_and_timestamps_is_adopted(sqlite_database, run_script):
    # The tutorial's first migration: comments (id, content) only.
    engine = sa.create_engine(sqlite_database)
    with engine.begin() as connection:
        connection.exec_driver_sql(TUTORIAL_SCHEMA["sqlite"][0])
        connection.exec_driver_sql("INSERT INTO alembic_version VALUES ('2eb39767bbe9')")
        connection.exec_driver_sql(
            "CREATE TABLE comments (id INTEGER NOT NULL, content VARCHAR(4096), PRIMARY KEY (id))"
        )
        connection.exec_driver_sql("INSERT INTO comments VALUES (1, 'hello'), (2, 'world')")
    engine.dispose()
    result = run_script(SCRIPT, sqlite_database)
    assert (result.returncode, adopted_comments(sqlite_database)) == (
        0,
        [(1, "hello", None, None), (2, "world", None, None)],
    ), result.stderr


def test_unknown_revision_that_is_not_the_tutorial_is_refused(sqlite_database, run_script):
    build_tutorial(sqlite_database, "sqlite", extra_sql=["ALTER TABLE users ADD COLUMN email VARCHAR(128)"])
    before = snapshot(sqlite_database)
    result = run_script(SCRIPT, sqlite_database, "--tutorial-timezone", "UTC")
    assert (result.returncode, TUTORIAL_REVISION in result.stderr, snapshot(sqlite_database)) == (
        1,
        True,
        before,
    )


def test_tables_left_by_an_interrupted_adoption_are_refused(sqlite_database, run_script):
    build_tutorial(sqlite_database, "sqlite", extra_sql=["CREATE TABLE adopting_tutorial_users (id INTEGER)"])
    before = snapshot(sqlite_database)
    result = run_script(SCRIPT, sqlite_database, "--tutorial-timezone", "UTC")
    assert (result.returncode, "interrupted" in result.stderr, snapshot(sqlite_database)) == (1, True, before)


def test_unknown_time_zone_is_a_usage_error(sqlite_database, run_script):
    build_tutorial(sqlite_database, "sqlite")
    result = run_script(SCRIPT, sqlite_database, "--tutorial-timezone", "Europe/Atlantis")
    assert (result.returncode, "Europe/Atlantis" in result.stderr) == (2, True)


def test_users_can_be_added_in_the_same_run_as_the_adoption(sqlite_database, run_script):
    build_tutorial(sqlite_database, "sqlite")
    result = run_script(
        SCRIPT, sqlite_database, "--tutorial-timezone", "UTC", "--user", "erin", stdin="erin-password-1\n"
    )
    assert (result.returncode, execute(sqlite_database, "SELECT username FROM users WHERE id > 5")) == (
        0,
        [("erin",)],
    ), result.stderr


def test_comment_time_that_is_not_a_time_is_refused_and_restores_everything(sqlite_database, run_script):
    comments = [(1, "hello", "yesterday at noon", None)]
    build_tutorial(sqlite_database, "sqlite", comments=comments)
    before = snapshot(sqlite_database)
    result = run_script(SCRIPT, sqlite_database, "--tutorial-timezone", "UTC")
    assert (result.returncode, "restored" in result.stderr, snapshot(sqlite_database)) == (1, True, before)


def test_new_user_named_like_a_tutorial_user_is_refused_before_adopting(sqlite_database, run_script):
    build_tutorial(sqlite_database, "sqlite")
    before = snapshot(sqlite_database)
    result = run_script(
        SCRIPT, sqlite_database, "--tutorial-timezone", "UTC", "--user", "ALICE", stdin="pw-123456789\n"
    )
    assert (result.returncode, "alice" in result.stderr, snapshot(sqlite_database)) == (1, True, before)

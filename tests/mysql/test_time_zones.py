"""``posted_at`` is UTC whatever time zone the database server and the app run in.

A comment is posted with the app's process in UTC+14 (TZ=Pacific/Kiritimati), on SQLite and on a
MariaDB server of its own started with ``--default-time-zone=+05:00``: the stored naive value
must still be UTC, and the page must still show that UTC time. Code that used the local clock
(``datetime.now()``), the server's clock (``NOW()``, ``CURRENT_TIMESTAMP``) or a TIMESTAMP
column would be off by hours here.
"""

import time
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import webtest
from pyramid.paster import get_appsettings
from sqlalchemy.orm import Session

from scratchpad import main
from scratchpad.models import get_engine
from scratchpad.settings import load_settings
from tests.support.factories import PASSWORD, make_user
from tests.support.in_process import alembic
from tests.support.mariadb_server import MariaDBServer

APP_TIME_ZONE = "Pacific/Kiritimati"  # UTC+14, no daylight saving time
SERVER_TIME_ZONE = "+05:00"
TEXT = "What time is it?"
SLACK = timedelta(minutes=1)


@pytest.fixture(scope="module")
def tz_mariadb(mariadb_server, tmp_path_factory):
    """A MariaDB server of this module's own, five hours east of UTC.

    Asks for the session's server first only so that a machine without MariaDB installs it or
    skips with the reason, exactly as the other MariaDB tests do.
    """
    server = MariaDBServer(
        tmp_path_factory.mktemp("mariadb-tz"),
        extra_args=[f"--default-time-zone={SERVER_TIME_ZONE}"],
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture(
    scope="module",
    params=["sqlite", pytest.param("mariadb", marks=pytest.mark.mysql)],
)
def engine(request, tmp_path_factory, ini_file):
    """A migrated database (with the real ``alembic``) and an engine made by the app's
    ``get_engine``."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite-tz') / 'tz.sqlite'}"
    else:
        server = request.getfixturevalue("tz_mariadb")
        server.create_database("time_zones")
        url = server.url("time_zones")
    migration = alembic("upgrade", "head", database_url=url)
    assert migration.returncode == 0, migration.stderr
    engine = get_engine(app_settings(ini_file, url))
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def posted(engine, ini_file):
    """Post one comment through the app, with the process in UTC+14, and read it back.

    Returns the UTC clock just before and just after posting, the naive ``posted_at`` as stored,
    the page showing the comment, and what the process and the database said their zones were.
    """
    url = engine.url.render_as_string(hide_password=False)
    app = main({}, **app_settings(ini_file, url), dbengine=engine)
    with Session(engine) as session, session.begin():
        make_user(session, "alice", PASSWORD)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TZ", APP_TIME_ZONE)
        time.tzset()
        try:
            browser = webtest.TestApp(app, extra_environ={"HTTP_HOST": "example.com"})
            form = browser.get("/login/").forms["login-form"]
            form["username"] = "alice"
            form["password"] = PASSWORD
            form.submit(status=303)
            form = next(f for f in browser.get("/").forms.values() if "contents" in f.fields)
            form["contents"] = TEXT
            before = datetime.now(UTC)
            form.submit(status=303)
            after = datetime.now(UTC)
            page = browser.get("/")
            app_offset = time.strftime("%z")
        finally:
            patch.undo()
            time.tzset()
    with engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT posted_at FROM comments")).scalar_one()
        server_zone = (
            connection.exec_driver_sql("SELECT @@session.time_zone").scalar_one()
            if engine.dialect.name != "sqlite"
            else None
        )
    return dict(
        before=before,
        after=after,
        stored=stored,
        page=page,
        app_offset=app_offset,
        server_zone=server_zone,
        dialect=engine.dialect.name,
    )


def app_settings(ini_file, url):
    """The test settings, pointed at ``url``, as the app's own loader makes them."""
    settings = dict(get_appsettings(ini_file))
    settings["sqlalchemy.url"] = url
    return load_settings(settings, environ={})


def test_app_ran_fourteen_hours_east_of_utc(posted):
    assert posted["app_offset"] == "+1400"


def test_mariadb_ran_five_hours_east_of_utc(posted):
    if posted["dialect"] == "sqlite":
        pytest.skip("SQLite has no time zone of its own")
    assert posted["server_zone"] == SERVER_TIME_ZONE


def test_stored_posted_at_is_naive_utc(posted):
    stored = posted["stored"]
    if isinstance(stored, str):  # SQLite hands back the text it stored
        stored = datetime.fromisoformat(stored)
    assert stored.tzinfo is None
    assert posted["before"] - SLACK <= stored.replace(tzinfo=UTC) <= posted["after"] + SLACK


def shown_time(page):
    return page.html.select_one("article.comment time")


def minutes_between(before, after):
    """Every "Weekday, DD Month YYYY at HH:MM" the UTC clock showed from ``before`` to ``after``."""
    shown, moment = set(), before.replace(second=0, microsecond=0)
    while moment <= after:
        shown.add(moment.strftime("%A, %d %B %Y at %H:%M"))
        moment += timedelta(minutes=1)
    return shown


def test_page_shows_the_utc_time_of_posting(posted):
    assert shown_time(posted["page"]).get_text() in minutes_between(posted["before"], posted["after"])


def test_machine_readable_time_is_marked_utc(posted):
    assert shown_time(posted["page"])["datetime"].endswith("+00:00")


def test_machine_readable_time_is_the_moment_of_posting(posted):
    moment = datetime.fromisoformat(shown_time(posted["page"])["datetime"])
    assert posted["before"] - SLACK <= moment <= posted["after"] + SLACK

"""production.ini and development.ini: what they configure, and that production refuses to
start without a real secret but serves pages with one."""

import configparser
import os
import time

import pytest
from pyramid.settings import asbool
from sqlalchemy.engine import make_url

from tests.support import in_process
from tests.support.commands import run_command
from tests.support.paths import ROOT
from tests.support.servers import free_port, get_when_up, ini_listening_on, production_ini, pserve

GOOD_SECRET = "a-real-production-secret-of-more-than-32-characters"


def read_ini(name):
    """The ini file as written, without PasteDeploy's %(here)s substitution."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / name, encoding="utf-8")
    return parser


@pytest.fixture(scope="module")
def production():
    return read_ini("production.ini")["app:main"]


@pytest.fixture
def temp_database(tmp_path):
    return f"sqlite:///{tmp_path / 'production.sqlite'}"


def pserve_env(database_url, secret=None):
    env = {**os.environ, "SCRATCHPAD_DATABASE_URL": database_url}
    env.pop("SCRATCHPAD_SECRET", None)
    if secret is not None:
        env["SCRATCHPAD_SECRET"] = secret
    return env


# Refusing to start.


@pytest.fixture(
    scope="module", params=[None, "", "   ", "changeme"], ids=["unset", "empty", "blank", "short"]
)
def refused(request, tmp_path_factory):
    """``pserve production.ini`` with SCRATCHPAD_SECRET as the parameter says (None: unset)."""
    directory = tmp_path_factory.mktemp("refused")
    url = f"sqlite:///{directory / 'production.sqlite'}"
    return run_command("pserve", production_ini(directory), env=pserve_env(url, request.param))


@pytest.mark.served
def test_pserve_without_a_real_secret_exits_non_zero(refused):
    assert refused.returncode != 0


@pytest.mark.served
def test_pserve_without_a_real_secret_prints_one_line_naming_scratchpad_secret(refused):
    lines = refused.stderr.strip().splitlines()
    assert (len(lines), "SCRATCHPAD_SECRET" in refused.stderr) == (1, True), refused.stderr


@pytest.mark.served
def test_pserve_without_a_real_secret_prints_no_traceback(refused):
    assert "Traceback" not in refused.stderr + refused.stdout


# The ini files as the issue asks for them.


def test_production_uses_pymysql(production):
    assert make_url(production["sqlalchemy.url"]).drivername == "mysql+pymysql"


def test_production_connects_with_utf8mb4(production):
    assert make_url(production["sqlalchemy.url"]).query.get("charset") == "utf8mb4"


def test_production_pings_pooled_connections(production):
    assert asbool(production["sqlalchemy.pool_pre_ping"]) is True


def test_production_keeps_a_pooled_connection_per_server_thread(production):
    """Fewer, and a busy process opened and closed a connection per request beyond them."""
    threads = read_ini("production.ini").getint("server:main", "threads")
    assert int(production.get("sqlalchemy.pool_size", 5)) >= threads


def test_production_recycles_connections_before_mysql_default_wait_timeout(production):
    assert 0 < int(production["sqlalchemy.pool_recycle"]) < 28800


def test_production_cookies_are_secure(production):
    assert asbool(production["scratchpad.secure_cookies"]) is True


def test_production_does_not_reload_templates(production):
    assert asbool(production["pyramid.reload_templates"]) is False


def test_production_carries_no_secret_of_its_own(production):
    assert production.get("scratchpad.secret", "").strip() == ""


def test_production_does_not_include_the_debug_toolbar():
    assert "debugtoolbar" not in (ROOT / "production.ini").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["development.ini", "production.ini"])
def test_ini_configures_logging(name):
    assert read_ini(name).has_section("loggers")


def test_development_uses_sqlite_next_to_the_ini():
    url = read_ini("development.ini")["app:main"]["sqlalchemy.url"]
    assert url == "sqlite:///%(here)s/scratchpad.sqlite"


# Serving pages with a real secret.


@pytest.fixture(scope="module")
def served_page(tmp_path_factory):
    """GET / from pserve with production.ini on a migrated temporary SQLite database."""
    tmp_path = tmp_path_factory.mktemp("served")
    env = pserve_env(f"sqlite:///{tmp_path / 'production.sqlite'}", GOOD_SECRET)
    in_process.alembic_ok(
        "upgrade",
        "head",
        ini=production_ini(tmp_path),
        environ={name: env[name] for name in ("SCRATCHPAD_DATABASE_URL", "SCRATCHPAD_SECRET")},
    )
    port = free_port()
    ini = ini_listening_on(ROOT / "production.ini", tmp_path, port)
    log_path = tmp_path / "pserve.log"
    with pserve(ini, env, log_path) as server:
        try:
            return get_when_up(f"http://127.0.0.1:{port}/", server, time.monotonic() + 20)
        except Exception as error:
            raise AssertionError(f"{error}; pserve wrote: {log_path.read_text()}") from error


@pytest.mark.served
def test_production_with_a_real_secret_serves_the_comment_page(served_page):
    status, body = served_page
    assert (status, "Log in" in body) == (200, True)


@pytest.mark.parametrize("command", [pytest.param("pserve", marks=pytest.mark.served), "scratchpad-admin"])
def test_an_audit_log_that_cannot_be_opened_is_one_line_and_exit_status_2(tmp_path, temp_database, command):
    """production.ini writes its audit log to a folder "Deploying" makes; without it, one line
    naming the file and what to do, not a traceback, and nothing served or changed."""
    ini = tmp_path / "production.ini"
    missing = tmp_path / "no-such-folder" / "audit.log"
    ini.write_text((ROOT / "production.ini").read_text(encoding="utf-8").replace(
        "/var/log/scratchpad/audit.log", str(missing)
    ), encoding="utf-8")  # fmt: skip
    args = [str(ini)] if command == "pserve" else [str(ini), "users", "list"]
    env = dict(os.environ, SCRATCHPAD_SECRET=GOOD_SECRET, SCRATCHPAD_DATABASE_URL=temp_database)
    result = run_command(command, *args, env=env, cwd=tmp_path)
    assert (result.returncode, result.stderr.strip().splitlines(), "Traceback" in result.stderr) == (
        2,
        [
            f"scratchpad: cannot open the audit log {missing}: No such file or directory. Make its folder "
            "(docs/deploying.md, step 2) or point [handler_audit] in the ini file elsewhere."
        ],
        False,
    )

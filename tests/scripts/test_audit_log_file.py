"""docs/administration.md: the admin commands write their audit lines where the service
writes its own, production.ini's ``[handler_audit]`` file, not only to the operator's terminal.
Run in this process (tests/support/in_process.py) on a copy of production.ini whose audit file is in the test's folder (tests/support/servers.py)."""

import pytest

from tests.support import in_process
from tests.support.servers import production_ini

PASSWORD = "a long enough password"


def run(script, ini, database, *args, stdin=""):
    return in_process.run_ok(
        script, ini, *args, database_url=f"sqlite:///{database}", cwd=ini.parent, stdin=stdin
    )


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    """(audit file's text, stderr of ``users disable``) after the first admin is made and a
    user added and disabled."""
    directory = tmp_path_factory.mktemp("audit")
    ini, database = production_ini(directory), directory / "scratchpad.sqlite"
    run("initialize_scratchpad_db", ini, database, "--admin", "alice", stdin=f"{PASSWORD}\n")
    run("scratchpad-admin", ini, database, "users", "add", "bob", stdin=f"{PASSWORD}\n")
    disabled = run("scratchpad-admin", ini, database, "users", "disable", "bob")
    return (directory / "audit.log").read_text(encoding="utf-8"), disabled.stderr


def test_each_change_is_one_line_in_the_configured_audit_file(audited):
    text, _ = audited
    events = [line.split("] ", 1)[1] for line in text.splitlines()]
    assert events == [
        "user created user='alice' addr=command line role='admin'",
        "user created user='bob' addr=command line role='member'",
        "user disabled user='bob' addr=command line",
    ], text


def test_the_audit_file_never_holds_a_password(audited):
    text, _ = audited
    assert PASSWORD not in text


def test_the_operator_still_sees_the_line(audited):
    _, stderr = audited
    assert "user disabled user='bob' addr=command line" in stderr

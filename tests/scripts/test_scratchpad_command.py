"""deploy/scratchpad-command, which docs/deploying.md, step 3 installs as
/usr/local/bin/scratchpad-admin and /usr/local/bin/initialize_scratchpad_db: the venv's command
of the same name, the service's ini first, the environment file read, as the service user.
Its paths and service user are moved into the test's folder as in
tests/deploy/test_readme_commands.py (which runs it on a whole install); the venv's commands are
stand-ins that print what they were given."""

import getpass
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.support.servers import ROOT

SCRIPT = ROOT / "deploy" / "scratchpad-command"
STAND_IN = '#!/bin/sh\nprintf "%s\\n" "$(basename "$0")" "$@" "url=$SCRATCHPAD_DATABASE_URL"\n'


@pytest.fixture
def install(tmp_path):
    """``install(name, user)``: the script installed as ``name``, run as ``user``, with a venv
    whose commands print their name, arguments and database URL."""
    venv_bin = tmp_path / "venv" / "bin"
    venv_bin.mkdir(parents=True)
    for command in ("scratchpad-admin", "initialize_scratchpad_db"):
        (venv_bin / command).write_text(STAND_IN)
        (venv_bin / command).chmod(0o755)
    (tmp_path / "env").write_text("SCRATCHPAD_DATABASE_URL='mysql+pymysql://u:p@127.0.0.1/db?a=1&b=2'\n")

    def installed(name, user=None):
        text = SCRIPT.read_text(encoding="utf-8")
        text = text.replace("/srv/scratchpad/venv", str(tmp_path / "venv"))
        text = text.replace("/etc/scratchpad/env", str(tmp_path / "env"))
        text = text.replace("SERVICE_USER=scratchpad", f"SERVICE_USER={user or getpass.getuser()}")
        (tmp_path / "bin").mkdir(exist_ok=True)
        path = tmp_path / "bin" / name
        path.write_text(text, encoding="utf-8")
        path.chmod(0o755)
        return path

    return installed


def run(path, *args, env=None):
    return subprocess.run(
        [str(path), *args], capture_output=True, text=True, timeout=30, env=env or dict(os.environ)
    )


@pytest.mark.parametrize("name", ["scratchpad-admin", "initialize_scratchpad_db"])
def test_runs_the_venvs_command_with_the_ini_first_and_the_env_file(install, name):
    result = run(install(name), "users", "list")
    assert (result.returncode, result.stdout.splitlines()) == (
        0,
        [
            name,
            "/srv/scratchpad/src/production.ini",
            "users",
            "list",
            "url=mysql+pymysql://u:p@127.0.0.1/db?a=1&b=2",
        ],
    ), result.stderr


def test_the_env_file_wins_over_the_callers_environment(install):
    # Without it, a stale SCRATCHPAD_DATABASE_URL in the operator's shell reached another database.
    env = {**os.environ, "SCRATCHPAD_DATABASE_URL": "sqlite:///elsewhere.sqlite"}
    result = run(install("scratchpad-admin"), "prune", env=env)
    assert result.stdout.splitlines()[-1] == "url=mysql+pymysql://u:p@127.0.0.1/db?a=1&b=2"


def test_another_name_is_refused(install):
    result = run(install("scratchpad-anything"), "users", "list")
    assert (result.returncode, result.stdout) == (2, "")
    assert "install this script as scratchpad-admin or initialize_scratchpad_db" in result.stderr


def test_a_missing_env_file_is_one_line_and_exit_status_2(install, tmp_path):
    path = install("scratchpad-admin")
    (tmp_path / "env").unlink()
    result = run(path, "users", "list")
    assert (result.returncode, len(result.stderr.splitlines()), result.stdout) == (2, 1, "")
    assert "cannot read" in result.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as another user")
def test_someone_neither_root_nor_the_service_user_is_refused(install):
    # "nobody" cannot reach pytest's folders (0700): the script goes to a folder it can read.
    script = install("scratchpad-admin", user="the-service-user").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as folder:
        os.chmod(folder, 0o755)
        path = Path(folder) / "scratchpad-admin"
        path.write_text(script, encoding="utf-8")
        path.chmod(0o755)
        result = subprocess.run(
            ["runuser", "-u", "nobody", "--", str(path), "users", "list"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert (result.returncode, result.stdout) == (2, ""), result.stderr
    assert "run it as root (sudo scratchpad-admin ...) or as the-service-user" in result.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as another user")
def test_root_runs_the_command_as_the_service_user():
    # "nobody" stands in for the service user; everything sits in a folder it can read, as
    # /srv/scratchpad/venv and the 0640 root:scratchpad env file are readable by scratchpad.
    with tempfile.TemporaryDirectory() as folder:
        os.chmod(folder, 0o755)
        base = Path(folder)
        (base / "venv" / "bin").mkdir(parents=True)
        stand_in = base / "venv" / "bin" / "scratchpad-admin"
        stand_in.write_text('#!/bin/sh\nprintf "%s\\n" "user=$(id -un)" "$@"\n')
        stand_in.chmod(0o755)
        (base / "env").write_text("SCRATCHPAD_SECRET='x'\n")
        (base / "env").chmod(0o644)
        text = SCRIPT.read_text(encoding="utf-8")
        text = text.replace("/srv/scratchpad/venv", str(base / "venv"))
        text = text.replace("/etc/scratchpad/env", str(base / "env"))
        text = text.replace("SERVICE_USER=scratchpad", "SERVICE_USER=nobody")
        path = base / "scratchpad-admin"
        path.write_text(text, encoding="utf-8")
        path.chmod(0o755)
        result = subprocess.run([str(path), "prune"], capture_output=True, text=True, timeout=30, cwd=folder)
    assert (result.returncode, result.stdout.splitlines()) == (
        0,
        ["user=nobody", "/srv/scratchpad/src/production.ini", "prune"],
    ), result.stderr

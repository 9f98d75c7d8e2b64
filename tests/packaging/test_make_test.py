"""``make test`` on a bare machine: it installs chromium and a MariaDB server itself when run as
root, and otherwise stops with one line saying what to install before any test runs. Run on a
copy of the Makefile and .ci/ with a PATH of stand-ins, so that nothing is installed for real."""

import os
import shutil
import stat
import subprocess

import pytest

from installing import ROOT

MAKE = shutil.which("make")
TIMEOUT = 60


@pytest.fixture
def project(tmp_path):
    """A folder with this checkout's Makefile, setup.py and .ci/ only (no venv, no tests)."""
    folder = tmp_path / "project"
    folder.mkdir()
    shutil.copy2(ROOT / "Makefile", folder / "Makefile")
    shutil.copy2(ROOT / "setup.py", folder / "setup.py")
    shutil.copytree(ROOT / ".ci", folder / ".ci")
    return folder


def script(path, text):
    path.write_text(f"#!/bin/sh\n{text}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def bare_path(tmp_path, uid):
    """A PATH with bash and dirname, an ``id`` that answers ``uid``, and an ``apt-get`` that only
    writes its arguments to apt-get.log: no chromium, no Python, nothing else."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for tool in ("bash", "dirname"):
        os.symlink(shutil.which(tool), folder / tool)
    script(folder / "id", f"echo {uid}")
    script(folder / "apt-get", f'echo "$@" >> {tmp_path / "apt-get.log"}')
    return str(folder)


def make(project, target, path, *options):
    return subprocess.run(
        [MAKE, *options, target],
        cwd=project,
        env={"PATH": path, "HOME": str(project)},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def test_make_test_as_a_user_without_chromium_says_what_to_install_and_stops(project, tmp_path):
    result = make(project, "test", bare_path(tmp_path, uid=1000))
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if not line.startswith("make:")]
    assert len(lines) == 1, result.stderr
    assert "sudo apt-get install chromium" in lines[0]
    # Stopped before anything else: no venv made, no test run, nothing installed.
    assert (project / ".venv").exists() is False
    assert "pytest" not in result.stdout + result.stderr
    assert not (tmp_path / "apt-get.log").exists()


def test_make_test_as_root_without_chromium_installs_it(project, tmp_path):
    if subprocess.run(["bash", ROOT / ".ci" / "install-mariadb", "--check"]).returncode != 0:
        pytest.skip("the MariaDB server is missing too: this machine's run installs it first")
    result = make(project, "test-packages", bare_path(tmp_path, uid=0))
    assert result.returncode == 0, result.stderr
    assert "install -y -q chromium" in (tmp_path / "apt-get.log").read_text()


def test_the_system_packages_come_before_the_tests(project):
    # make -n prints what `make test` would run, in order, and runs none of it.
    commands = make(project, "test", os.environ["PATH"], "-n").stdout.splitlines()
    assert "bash .ci/install-test-packages" in commands
    tests = next(i for i, line in enumerate(commands) if "bin/pytest" in line)
    assert commands.index("bash .ci/install-test-packages") < tests


def test_ci_runs_just_make_test():
    lines = (ROOT / ".ci" / "run").read_text().splitlines()
    commands = [line for line in lines if line and not line.startswith(("#", "set ", "cd "))]
    assert commands == ["make test"]

"""Helpers for the tests that install the package as an operator does: a fresh virtualenv with
the standard library's ``venv``, pip from that venv, and no trace of this checkout's venv."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.support.paths import BIN, ROOT

#: Creating a venv and installing the dependencies from the package index (or pip's cache).
INSTALL_TIMEOUT = 600
TIMEOUT = 120


def clean_environment(**extra):
    """The caller's environment minus anything that points at this checkout's venv or database."""
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SCRATCHPAD_", "VIRTUAL_ENV", "PYTEST_", "PYTHONPATH", "COVERAGE_"))
    }
    venv_bin = str(BIN)
    environ["PATH"] = os.pathsep.join(
        part for part in environ.get("PATH", "").split(os.pathsep) if part != venv_bin
    )
    return {**environ, **extra}


def run(command, cwd, timeout=TIMEOUT, **kwargs):
    """Run ``command`` in ``cwd`` with a clean environment; fails the test with its output if it fails."""
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=kwargs.pop("env", None) or clean_environment(),
        capture_output=True,
        text=True,
        timeout=timeout,
        **kwargs,
    )
    assert result.returncode == 0, f"{command}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def fresh_venv(path):
    """A new virtualenv at ``path`` made by the system's Python, as docs/deploying.md's install does."""
    run([sys.executable, "-m", "venv", path], cwd=path.parent, timeout=INSTALL_TIMEOUT)
    return path / "bin"


def site_packages(venv_bin):
    """The site-packages folder of the venv whose bin folder is ``venv_bin``."""
    found = run(
        [venv_bin / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        cwd=venv_bin,
    )
    return Path(found.stdout.strip())


def git(*args, cwd):
    """git as a named someone, so that commits work on a machine without a git identity."""
    identity = ["-c", "user.name=Release Manager", "-c", "user.email=release@example.org"]
    return run(["git", *identity, *args], cwd=cwd)


def copy_of_this_tree(target):
    """A git repository holding this working tree's files (committed or not) as one commit."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if not os.path.lexists(source):  # deleted, not yet committed
            continue
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target / name, follow_symlinks=False)
    git("init", "--quiet", cwd=target)
    git("add", "-A", cwd=target)
    git("commit", "--quiet", "-m", "this tree", cwd=target)

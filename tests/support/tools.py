"""The system tools some tests need (a MariaDB server, nginx, chromium): installed when the
machine lacks them and can install them, otherwise the tests are skipped with the reason;
in CI (``CI`` set) they fail instead, since CI must run everything."""

import os
import subprocess

import pytest

from tests.support.paths import ROOT


def unavailable(reason):
    """Skip the test saying why, or fail it in CI."""
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def installed(find, script, what):
    """What ``find()`` returns, after running ``.ci/<script>`` (which installs the tool, as root)
    when it returns None; ``unavailable`` when the tool is still missing."""
    if find() is None:
        attempt = subprocess.run(
            ["bash", str(ROOT / ".ci" / script)], capture_output=True, text=True, timeout=900
        )
        if find() is None:
            unavailable(f"no {what} and installing it failed:\n{attempt.stderr[-2000:]}")
    return find()

"""docs/deploying.md: a reproducible install. ``make constraints`` writes constraints.txt
from a fresh venv's ``pip freeze``; it pins every distribution the app (and gunicorn) needs, and
the guides' install and upgrade lines use it (tests/deploy/test_readme_commands.py runs the
install with it)."""

import re
import shutil
import subprocess
from importlib import metadata

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.support.installing import INSTALL_TIMEOUT, ROOT

CONSTRAINTS = ROOT / "constraints.txt"
#: Where the documented installs and upgrades are: the deploy guide and gunicorn's in "Running it".
GUIDES = ("deploying.md", "administration.md")


def pins(text):
    """{canonical name: version} of the ``name==version`` lines of a constraints file."""
    found = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            found[canonicalize_name(name)] = version
    return found


def runtime_closure(name, extras=()):
    """Every distribution ``name`` (with ``extras``) needs to run, by canonical name, as the
    environment running the tests has them installed (the testing extra left out)."""
    needed, todo = set(), [(name, set(extras))]
    while todo:
        current, wanted = todo.pop()
        for line in metadata.requires(current) or []:
            requirement = Requirement(line)
            marker = requirement.marker
            if marker is not None and not any(marker.evaluate({"extra": e}) for e in wanted | {""}):
                continue
            child = canonicalize_name(requirement.name)
            if child not in needed:
                needed.add(child)
                todo.append((requirement.name, set(requirement.extras)))
    return needed


def test_every_line_is_an_exact_pin_or_a_comment():
    lines = [line for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines() if line.strip()]
    loose = [
        line for line in lines if not line.startswith("#") and not re.fullmatch(r"[\w.-]+==[\w.+!-]+", line)
    ]
    assert loose == []


def test_every_dependency_of_the_app_and_gunicorn_is_pinned():
    pinned = pins(CONSTRAINTS.read_text(encoding="utf-8"))
    needed = runtime_closure("scratchpad", extras=("gunicorn",))
    assert sorted(needed - set(pinned)) == []


def test_the_app_itself_is_not_pinned():
    # Pinning scratchpad would make the upgrade of step 9 refuse the new release.
    assert "scratchpad" not in pins(CONSTRAINTS.read_text(encoding="utf-8"))


def test_the_guides_install_and_upgrade_with_the_constraints():
    guide = "".join((ROOT / "docs" / name).read_text(encoding="utf-8") for name in GUIDES)
    installs = re.findall(r"(?m)^sudo -u scratchpad \S+/bin/pip install .*$", guide)
    assert len(installs) == 3, installs
    assert all(" -c /srv/scratchpad/src/constraints.txt " in line for line in installs), installs


@pytest.mark.slow
def test_make_constraints_writes_what_is_committed(tmp_path):
    tree = tmp_path / "tree"
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        if (ROOT / name).is_file():
            (tree / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, tree / name, follow_symlinks=False)
    (tree / "constraints.txt").unlink(missing_ok=True)
    made = subprocess.run(
        ["make", "constraints", f"CONSTRAINTS_VENV={tmp_path / 'venv'}"],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=INSTALL_TIMEOUT,
    )
    assert made.returncode == 0, made.stderr[-3000:]
    assert (tree / "constraints.txt").read_text(encoding="utf-8") == CONSTRAINTS.read_text(encoding="utf-8")

"""docs/deploying.md, step 9: the upgrade commands, run as written (paths changed, no sudo)
on an operator's checkout, install exactly the new release: a module it deleted is gone."""

import re

import pytest

from tests.support.installing import (
    INSTALL_TIMEOUT,
    ROOT,
    copy_of_this_tree,
    fresh_venv,
    git,
    run,
    site_packages,
)

# A wheel build and a fresh venv with every dependency: over half a minute.
pytestmark = pytest.mark.slow

CHECKOUT, VENV = "/srv/scratchpad/src", "/srv/scratchpad/venv"
OBSOLETE = "scratchpad/obsolete_view.py"


def upgrade_commands():
    """The shell block of docs/deploying.md, "9. Upgrading", as written there."""
    guide = (ROOT / "docs" / "deploying.md").read_text(encoding="utf-8")
    section = guide.split("## 9. Upgrading", 1)[1]
    return re.search(r"```sh\n(.*?)```", section, re.S).group(1)


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory):
    """(site-packages, whether the module was there before the upgrade, the upgrade's output)."""
    base = tmp_path_factory.mktemp("upgrade")
    upstream = base / "upstream"
    upstream.mkdir()
    copy_of_this_tree(upstream)
    (upstream / OBSOLETE).write_text('"""A view that release N+1 deletes."""\n', encoding="utf-8")
    git("add", OBSOLETE, cwd=upstream)
    git("commit", "--quiet", "-m", "Release N", cwd=upstream)

    # Installed as in step 3, from the operator's own clone.
    checkout = base / "src"
    git("clone", "--quiet", upstream, checkout, cwd=base)
    venv_bin = fresh_venv(base / "venv")
    run([venv_bin / "pip", "install", checkout], cwd=base, timeout=INSTALL_TIMEOUT)
    site = site_packages(venv_bin)
    before = (site / OBSOLETE).exists()

    git("rm", "--quiet", OBSOLETE, cwd=upstream)
    git("commit", "--quiet", "-m", "Release N+1: the module is gone", cwd=upstream)

    commands = upgrade_commands().replace(CHECKOUT, str(checkout)).replace(VENV, str(venv_bin.parent))
    commands = commands.replace("sudo -u scratchpad ", "")
    result = run(["sh", "-e", "-c", commands], cwd=base, timeout=INSTALL_TIMEOUT)
    return site, before, result


def test_readme_upgrade_is_the_checkout_pull_and_pip_install():
    lines = upgrade_commands().splitlines()
    assert lines == [
        f"cd {CHECKOUT}",
        "sudo -u scratchpad git pull --ff-only",
        f"sudo -u scratchpad {VENV}/bin/pip install -c {CHECKOUT}/constraints.txt {CHECKOUT}",
    ]


def test_upgrade_removes_a_module_the_new_release_deleted(upgraded):
    site, before, result = upgraded
    assert (before, (site / OBSOLETE).exists()) == (True, False), result.stdout[-2000:]


def test_upgrade_keeps_the_rest_of_the_package_and_its_migrations(upgraded):
    site, _, _ = upgraded
    versions = {path.name for path in (ROOT / "alembic" / "versions").glob("*.py")}
    installed = {path.name for path in (site / "scratchpad" / "migrations" / "versions").glob("*.py")}
    assert ((site / "scratchpad" / "__init__.py").exists(), installed) == (True, versions)

"""``make lint``, the gate .ci/run passes before the tests: ruff's rules, ruff's formatting and
mypy, installed by ``make install`` from setup.py's ``lint`` extra, and run the same way by
pre-commit. How strict mypy is, and where, is configuration: checked here so that it cannot
quietly loosen."""

import importlib.metadata
import os
import re
import shutil
import subprocess
import tomllib

from tests.support.installing import ROOT
from tests.support.paths import BIN

MAKE = shutil.which("make")
TIMEOUT = 60
#: What the gate runs, in order (make lint) or as hooks (pre-commit).
GATE = ["ruff check", "ruff format --check", "mypy"]
#: The issue's strict modules.
STRICT_MODULES = {
    "scratchpad.models.*",
    "scratchpad.settings",
    "scratchpad.accounts.security",
    "scratchpad.accounts.throttle",
    "scratchpad.accounts.passwords",
}
#: What `strict = true` turns on, less the flags mypy takes only for the whole run.
STRICT_FLAGS = {
    "disallow_any_generics",
    "disallow_subclassing_any",
    "disallow_untyped_calls",
    "disallow_untyped_decorators",
    "warn_return_any",
    "no_implicit_reexport",
    "extra_checks",
}
#: The libraries that ship no types and have no stub package.
UNTYPED_LIBRARIES = {"pyramid.*", "pyramid_jinja2", "pyramid_retry", "zope.*", "transaction.*"}


def mypy_config():
    with open(ROOT / "pyproject.toml", "rb") as pyproject:
        return tomllib.load(pyproject)["tool"]["mypy"]


def tool_of(command):
    """``ruff format --check`` for ``.venv/bin/ruff format --check --force-exclude .``."""
    words = [word for word in command.split() if not word.startswith("--") or word == "--check"]
    words[0] = os.path.basename(words[0])
    return " ".join(word for word in words if word != ".")


def test_make_lint_runs_ruff_check_ruff_format_and_mypy_from_the_venv():
    # make -n prints the recipe and runs none of it.
    result = subprocess.run(
        [MAKE, "-n", "lint"], cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT, check=True
    )
    recipe = result.stdout[result.stdout.index("status=0") :]
    commands = re.findall(r"\.venv/bin/(ruff check \.|ruff format --check \.|mypy)(?= \|\|)", recipe)
    assert [tool_of(command) for command in commands] == GATE
    # Each failure says how to fix it; the gate fails if any step did.
    assert recipe.count("make lint: ") == 3
    assert "exit $status" in recipe


def test_pre_commit_runs_what_make_lint_runs_with_the_venvs_tools():
    config = (ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    entries = re.findall(r"^\s+entry: (.+)$", config, re.MULTILINE)
    assert [tool_of(entry) for entry in entries] == GATE
    assert all(entry.startswith(".venv/bin/") for entry in entries)
    # Local hooks only: nothing is fetched from the network at commit time.
    assert re.findall(r"^\s*- repo: (\S+)", config, re.MULTILINE) == ["local"]
    assert set(re.findall(r"^\s+language: (\S+)", config, re.MULTILINE)) == {"system"}


def test_make_install_installs_the_lint_extra_with_its_tools_and_stubs():
    result = subprocess.run(
        [MAKE, "-n", "-B", "install"], cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT, check=True
    )
    assert '-e ".[testing,lint]"' in result.stdout
    lint = {
        re.split(r"[<>=;\s]", requirement)[0].lower(): requirement
        for requirement in importlib.metadata.requires("scratchpad")
        if 'extra == "lint"' in requirement
    }
    assert set(lint) == {"ruff", "mypy", "pre-commit", "types-waitress"}
    assert all(">=" in requirement for requirement in lint.values())


def test_mypy_checks_every_function_of_the_package():
    config = mypy_config()
    assert config["packages"] == ["scratchpad"]
    assert config["check_untyped_defs"] is True
    assert config["disallow_untyped_defs"] is True
    assert config["disallow_incomplete_defs"] is True


def test_mypy_is_strict_on_the_models_settings_security_throttle_and_passwords():
    strict = [
        override for override in mypy_config()["overrides"] if set(override["module"]) == STRICT_MODULES
    ]
    assert len(strict) == 1
    assert {flag for flag, value in strict[0].items() if value is True} == STRICT_FLAGS


def test_mypy_ignores_no_errors_and_only_the_imports_of_libraries_without_types():
    config = mypy_config()
    sections = [config, *config["overrides"]]
    assert not any("ignore_errors" in section for section in sections)
    assert "ignore_missing_imports" not in config
    ignored = [set(section["module"]) for section in sections[1:] if section.get("ignore_missing_imports")]
    assert ignored == [UNTYPED_LIBRARIES]


#: A function mypy accepts where the package is merely annotated, and refuses where it is strict
#: (an unparametrized ``dict``, and ``Any`` returned as an ``int``).
LOOSE_FUNCTION = '\n\ndef _loose(values: dict) -> int:\n    return values["a"]\n'


def test_mypy_refuses_loose_code_in_a_strict_module_only(tmp_path):
    # A copy of the package with the same function added to a strict module and to another.
    shutil.copytree(ROOT / "scratchpad", tmp_path / "scratchpad", symlinks=False)
    shutil.copy2(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for module in ("settings.py", "web/http.py"):
        with open(tmp_path / "scratchpad" / module, "a", encoding="utf-8") as source:
            source.write(LOOSE_FUNCTION)
    # From the checkout's cache when `make lint` (which .ci/run runs first) left one: mypy then
    # checks again only what the copy changed, where a cold run took 7 CPU seconds and, on a
    # busy machine, more than the timeout. mypy compares each module with its cached hash.
    cache = tmp_path / "cache"
    if (ROOT / ".mypy_cache").is_dir():
        shutil.copytree(ROOT / ".mypy_cache", cache)
    result = subprocess.run(
        [BIN / "mypy", "--cache-dir", str(cache)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    errors = {line.split(":")[0] for line in result.stdout.splitlines() if ": error:" in line}
    assert errors == {"scratchpad/settings.py"}, result.stdout

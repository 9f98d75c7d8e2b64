"""docs/testing.md, "Where a test goes", holds for the tree: helpers only in the tests.support
package, imported by that name; unit and functional tests in a folder per area of the package,
only the cross-area ones at the top; pytest.ini puts the repository root on the path and
nothing else."""

import configparser
import re

import pytest

from tests.support.paths import ROOT

TESTS = ROOT / "tests"
#: What may sit at the top of tests/unit and tests/functional: modules of no area, and tests
#: that cross every area (docs/testing.md).
TOP_OF_UNIT = {
    "test_app_assembly.py",
    "test_audit.py",
    "test_html_safety.py",
    "test_resources.py",
    "test_settings.py",
}
TOP_OF_FUNCTIONAL = {
    "test_audit.py",
    "test_fuzz.py",
    "test_routes.py",
    "test_sql_injection.py",
    "test_statement_budget.py",
}
SUPPORT_MODULES = sorted(path.stem for path in (TESTS / "support").glob("*.py") if path.stem != "__init__")
#: ``import servers`` or ``from factories import ...``: a helper found only through a folder
#: on sys.path.
BARE_IMPORT = re.compile(rf"^\s*(?:from|import) (?:{'|'.join(SUPPORT_MODULES)})\b", re.MULTILINE)


def python_files():
    return sorted(path for path in TESTS.rglob("*.py") if "__pycache__" not in path.parts)


def test_every_helper_is_in_tests_support():
    helpers = [
        path.relative_to(ROOT).as_posix()
        for path in python_files()
        if not path.name.startswith("test_")
        and path.name not in ("conftest.py", "__init__.py")
        and path.parent != TESTS / "support"
    ]
    assert helpers == []


def test_helpers_are_imported_from_the_tests_support_package():
    bare = [
        path.relative_to(ROOT).as_posix() for path in python_files() if BARE_IMPORT.search(path.read_text())
    ]
    assert bare == []


@pytest.mark.parametrize(
    "kind, top",
    [
        pytest.param("unit", TOP_OF_UNIT, id="unit"),
        pytest.param("functional", TOP_OF_FUNCTIONAL, id="functional"),
    ],
)
def test_unit_and_functional_tests_sit_in_a_folder_per_area(kind, top):
    folder = TESTS / kind
    areas = {path.name for path in folder.iterdir() if path.is_dir() and path.name != "__pycache__"}
    at_the_top = {path.name for path in folder.glob("test_*.py")}
    not_areas = {area for area in areas if not (ROOT / "scratchpad" / area / "__init__.py").is_file()}
    assert (at_the_top - top, not_areas) == (set(), set())


def test_pytest_puts_only_the_repository_root_on_the_path():
    ini = configparser.ConfigParser()
    ini.read(ROOT / "pytest.ini", encoding="utf-8")
    assert ini["pytest"]["pythonpath"].split() == ["."]

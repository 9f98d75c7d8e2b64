"""docs/threat-model.md names the tests that show each defence: every one it names must exist, so a
renamed or deleted test cannot leave the threat model pointing at nothing."""

import re

import pytest

from tests.support.paths import ROOT

TESTS = ROOT / "tests"
THREAT_MODEL = ROOT / "docs" / "threat-model.md"

#: `folder/[area/]test_file.py::test_name`, `folder/[area/]test_file.py`, or `::test_name` (of the
#: file named last).
REFERENCE = re.compile(r"`(?P<file>(?:[a-z0-9_]+/)+test_[a-z0-9_]+\.py)?(?:::(?P<test>test_[a-z0-9_]+)\*?)?`")


def references():
    """(file, test or None) for every test reference in docs/threat-model.md, in order."""
    current = None
    found = []
    for match in REFERENCE.finditer(THREAT_MODEL.read_text(encoding="utf-8")):
        if match["file"]:
            current = match["file"]
        if match["file"] or match["test"]:
            found.append((current, match["test"]))
    return found


def test_the_threat_model_names_tests():
    assert len(references()) > 100


@pytest.mark.parametrize("file, test", sorted(set(references()), key=str))
def test_every_test_the_threat_model_names_exists(file, test):
    assert file is not None, f"::{test} follows no file name"
    path = TESTS / file
    assert path.is_file(), f"docs/threat-model.md names {file}, which does not exist"
    if test:
        assert re.search(rf"^def {test}\w*\(", path.read_text(encoding="utf-8"), re.MULTILINE), (
            f"docs/threat-model.md names {file}::{test}, which does not exist"
        )

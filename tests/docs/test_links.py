"""The docs point only at what exists: every relative link of README.md, SECURITY.md and
docs/*.md (its file, and its ``#anchor`` among the target's headings), and every file path they
name in backticks under ``scratchpad/``, ``tests/``, ``.ci/`` or ``bench/``. A file moved or
renamed, or a heading reworded, then fails here instead of leaving a reader at a dead end."""

import re

import pytest

from tests.support.paths import ROOT

DOCUMENTS = sorted([ROOT / "README.md", ROOT / "SECURITY.md", *(ROOT / "docs").glob("*.md")])

#: ```fenced``` blocks, whose text is an example, not a link or a heading.
FENCED = re.compile(r"(?ms)^( *)```.*?^\1```[^\n]*$")
#: `inline code`, whose brackets are shown, not followed.
INLINE_CODE = re.compile(r"`[^`\n]*`")
#: [text](target) and ![alt](target); the target ends at a space (before a "title") or ")".
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
#: A path in backticks under one of the project's folders, up to `::test` or the closing tick.
NAMED_PATH = re.compile(r"`((?:scratchpad|tests|\.ci|bench)/[^`\s:]*)[^`]*`")
HEADING = re.compile(r"(?m)^#{1,6}\s+(.*?)\s*#*\s*$")


def prose(text):
    """``text`` without its fenced blocks (kept as blank lines, so line numbers still fit)."""
    return FENCED.sub(lambda match: "\n" * match.group(0).count("\n"), text)


def slug(heading):
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link in a heading keeps its text
    text = re.sub(r"[^\w\- ]", "", text.lower())
    return text.replace(" ", "-")


def anchors(path):
    """Every anchor of the markdown file ``path``; a repeated heading gets -1, -2, ... as on GitHub."""
    found, seen = set(), {}
    for heading in HEADING.findall(prose(path.read_text(encoding="utf-8"))):
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def broken_links(path):
    """(target, what is wrong) for each relative link of ``path`` that leads nowhere."""
    text = INLINE_CODE.sub("", prose(path.read_text(encoding="utf-8")))
    broken = []
    for target in LINK.findall(text):
        if re.match(r"[a-z][a-z0-9+.-]*:", target, re.I):  # https:, mailto:, ...
            continue
        file_part, _, anchor = target.partition("#")
        destination = (path.parent / file_part).resolve() if file_part else path
        if not destination.exists():
            broken.append((target, "no such file"))
        elif anchor and destination.suffix == ".md" and anchor not in anchors(destination):
            broken.append((target, f"no heading with the anchor #{anchor} in {destination.name}"))
    return broken


def missing_paths(path):
    """The paths under the project's folders that ``path`` names in backticks but do not exist."""
    named = NAMED_PATH.findall(prose(path.read_text(encoding="utf-8")))
    return sorted({name for name in named if not (ROOT / name).exists()})


def label(path):
    return str(path.relative_to(ROOT))


def test_the_docs_are_found():
    assert {label(path) for path in DOCUMENTS} >= {
        "README.md",
        "SECURITY.md",
        "docs/architecture.md",
        "docs/deploying.md",
        "docs/threat-model.md",
    }


@pytest.mark.parametrize("path", DOCUMENTS, ids=label)
def test_every_relative_link_leads_somewhere(path):
    assert broken_links(path) == []


@pytest.mark.parametrize("path", DOCUMENTS, ids=label)
def test_every_path_named_exists(path):
    assert missing_paths(path) == []


def test_a_newcomer_reads_a_short_readme_that_links_every_guide():
    readme = ROOT / "README.md"
    assert len(readme.read_text(encoding="utf-8").splitlines()) <= 150
    linked = {target.partition("#")[0] for target in LINK.findall(prose(readme.read_text(encoding="utf-8")))}
    guides = {f"docs/{path.name}" for path in (ROOT / "docs").glob("*.md")}
    assert guides
    assert guides <= linked
    assert "docs/screenshot.png" in linked


def test_the_security_policy_links_the_threat_model():
    assert "docs/threat-model.md" in LINK.findall((ROOT / "SECURITY.md").read_text(encoding="utf-8"))


# The checks themselves, on a made-up document: each must catch what it is for.


def test_a_link_to_a_missing_file_is_caught(tmp_path):
    (tmp_path / "guide.md").write_text("# Guide\n\nSee [the rest](gone.md) and [here](guide.md).\n")
    assert broken_links(tmp_path / "guide.md") == [("gone.md", "no such file")]


def test_a_link_to_a_missing_heading_is_caught(tmp_path):
    (tmp_path / "other.md").write_text("# Other\n\n## 9. Upgrading\n\n```sh\n# Not a heading\n```\n")
    (tmp_path / "guide.md").write_text(
        "[ok](other.md#9-upgrading), [gone](other.md#8-past-one-machine), [code](other.md#not-a-heading)\n"
        "[self](#guide)\n\n# Guide\n"
    )
    assert broken_links(tmp_path / "guide.md") == [
        ("other.md#8-past-one-machine", "no heading with the anchor #8-past-one-machine in other.md"),
        ("other.md#not-a-heading", "no heading with the anchor #not-a-heading in other.md"),
    ]


def test_links_in_code_and_to_other_sites_are_not_followed(tmp_path):
    (tmp_path / "guide.md").write_text(
        "[site](https://example.org/x.md) [mail](mailto:a@example.org) `[shown](gone.md)`\n\n"
        "```markdown\n[example](gone.md)\n```\n"
    )
    assert broken_links(tmp_path / "guide.md") == []


def test_a_named_path_that_is_gone_is_caught(tmp_path):
    (tmp_path / "guide.md").write_text(
        "`scratchpad/settings.py`, `tests/docs/test_links.py::test_a_named_path_that_is_gone_is_caught`, "
        "`scratchpad/gone.py`, `bench/gone/`\n"
    )
    assert missing_paths(tmp_path / "guide.md") == ["bench/gone/", "scratchpad/gone.py"]


def test_github_anchors():
    assert slug("Users: `scratchpad-admin`") == "users-scratchpad-admin"
    assert slug("2. The secret and the database URL") == "2-the-secret-and-the-database-url"
    assert slug("Editing, moderation and permalinks") == "editing-moderation-and-permalinks"

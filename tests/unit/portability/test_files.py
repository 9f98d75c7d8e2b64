"""Writing an export or a backup (``scratchpad/portability/files.py``): a new file, mode 0600
from its first byte, put in place only where nothing is, with no database."""

import errno
import os

import pytest

from scratchpad.portability import files
from scratchpad.portability.errors import Refused


def mode(path):
    return oct(os.stat(path).st_mode & 0o777)


def write(path, text, meanwhile=lambda: None):
    """Write ``text`` to ``path`` through :func:`files.new_private_file`, calling ``meanwhile``
    after the text, before the file is put in place."""
    with files.new_private_file(path) as (_, out):
        out.write(text)
        meanwhile()


def taken_meanwhile(path):
    return lambda: path.write_text("theirs")


def test_the_file_is_private_and_appears_only_when_complete(tmp_path):
    path = tmp_path / "board.json"
    with files.new_private_file(path) as (partial, out):
        out.write("{}")
        out.flush()
        seen = (path.exists(), mode(partial), partial.name)
    assert seen == (False, "0o600", ".board.json.partial")
    assert (path.read_text(), mode(path), os.listdir(tmp_path)) == ("{}", "0o600", ["board.json"])


def test_a_file_made_at_the_name_meanwhile_is_kept_and_the_write_refused(tmp_path):
    """Checked again as the file is put in place: a hard link never replaces a name."""
    path = tmp_path / "board.json"
    with pytest.raises(Refused, match="exists already"):
        write(path, "new", taken_meanwhile(path))
    assert (path.read_text(), os.listdir(tmp_path)) == ("theirs", ["board.json"])


def test_a_failure_while_writing_leaves_nothing(tmp_path):
    path = tmp_path / "board.json"

    def fail():
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        write(path, "half", fail)
    assert os.listdir(tmp_path) == []


def test_a_partial_that_cannot_be_removed_is_refused(tmp_path):
    in_the_way = tmp_path / ".board.json.partial"
    in_the_way.mkdir()
    (in_the_way / "something").write_text("")
    with pytest.raises(Refused, match="in the way"):
        write(tmp_path / "board.json", "new")
    assert sorted(os.listdir(tmp_path)) == [".board.json.partial"]


@pytest.mark.parametrize("taken", [False, True])
def test_without_hard_links_the_name_is_checked_and_the_file_renamed(tmp_path, monkeypatch, taken):
    def no_links(*args, **kwargs):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(files.os, "link", no_links)
    path = tmp_path / "board.json"
    if taken:
        with pytest.raises(Refused, match="exists already"):
            write(path, "new", taken_meanwhile(path))
        assert path.read_text() == "theirs"
    else:
        write(path, "new")
        assert (path.read_text(), mode(path)) == ("new", "0o600")
    assert os.listdir(tmp_path) == ["board.json"]


def test_other_errors_putting_it_in_place_are_raised(tmp_path, monkeypatch):
    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "link", no_space)
    with pytest.raises(OSError, match="No space"):
        write(tmp_path / "board.json", "new")
    assert os.listdir(tmp_path) == []

"""Writing an export or a backup: a new file, private from its first byte, that never takes the
place of one already there.

Both hold what only the board should read (every member's email address, reports and their
words, hidden comments' text; a backup the password hashes too), so the file is written
readable by its owner only, under a temporary name beside it (``.NAME.partial``), and put in
place when complete, and only where nothing is: ``export board.sqlite`` on the board's own
database file is refused rather than destroying it.
"""

import contextlib
import errno
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from scratchpad.portability.errors import Refused

#: A new file or nothing: never an old one reused with its mode, never through a symlink.
NEW_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
#: Readable and writable by its owner only.
PRIVATE = 0o600
#: Where a hard link cannot be made (some network or FAT file systems), the name is checked
#: and the file renamed instead: no longer atomic against a file appearing meanwhile.
NO_LINKS = frozenset({errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS})


def refuse_existing(path: Path) -> None:
    """:class:`Refused` when anything (a file, a folder, a symlink, even a broken one) is at
    ``path``."""
    if os.path.lexists(path):
        raise _exists(path)


def _exists(path: Path) -> Refused:
    return Refused(f"{path} exists already: give a new name (an existing file is never written over).")


@contextlib.contextmanager
def new_private_file(path: Path) -> Iterator[tuple[Path, TextIO]]:
    """Write ``path`` as a new file of mode 0600: yields the temporary file's path and a UTF-8
    text stream on it; on a clean exit the file becomes ``path``. :class:`Refused` when
    ``path`` exists (before anything is written, and again when the file is put in place),
    or when a temporary file left in the way cannot be removed. The temporary file is gone
    afterwards either way. Other failures are the ``OSError`` they are."""
    refuse_existing(path)
    partial = path.with_name(f".{path.name}.partial")
    descriptor = _create_private(partial)
    try:
        with open(descriptor, "w", encoding="utf-8") as out:
            yield partial, out
        _put_in_place(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def _create_private(partial: Path) -> int:
    # One left by a run that died (or put there by someone else) is never reused: its mode
    # could let others read, and a symlink would lead the write elsewhere. unlink removes the
    # link itself, never what it points to.
    with contextlib.suppress(FileNotFoundError, IsADirectoryError, PermissionError):
        partial.unlink()
    try:
        return os.open(partial, NEW_FILE_FLAGS, PRIVATE)
    except FileExistsError:
        raise Refused(f"{partial} is in the way and cannot be removed: remove it, then try again.") from None


def _put_in_place(partial: Path, path: Path) -> None:
    try:
        # A link fails if anything took the name meanwhile, where a rename would replace it.
        os.link(partial, path, follow_symlinks=False)
    except FileExistsError:
        raise _exists(path) from None
    except OSError as error:
        if error.errno not in NO_LINKS:
            raise
        refuse_existing(path)
        os.replace(partial, path)

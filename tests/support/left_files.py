"""What a run that died, or someone else, may leave where an export or a backup writes its
temporary file (``portability/files.py`` must never reuse it or write through it)."""

from pathlib import Path

#: The ways ``leave`` can leave something in the way.
LEFT = ("a world-writable file", "a symlink to a file", "a symlink to nowhere")


def leave(left: str, partial: Path, elsewhere: Path) -> None:
    """Put ``left`` (one of ``LEFT``) at ``partial``; the symlinks point at ``elsewhere``,
    which exists for "a symlink to a file" only."""
    if left == "a world-writable file":
        partial.write_text("old")
        partial.chmod(0o666)
        return
    if left == "a symlink to a file":
        elsewhere.write_text("not yours")
    partial.symlink_to(elsewhere)

"""Helpers for tests that run the app under a real server on this machine's loopback."""

import re
import socket


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def ini_listening_on(source, directory, port):
    """A copy of the ini file ``source`` in ``directory`` that serves on 127.0.0.1:``port``.

    Everything else is kept as written; ``%(here)s`` still means the project folder.
    """
    text = source.read_text(encoding="utf-8").replace("%(here)s", str(source.parent))
    text, count = re.subn(r"(?m)^listen = .*$", f"listen = 127.0.0.1:{port}", text)
    assert count == 1, f"{source.name} has no single 'listen =' line"
    copy = directory / source.name
    copy.write_text(text, encoding="utf-8")
    return copy

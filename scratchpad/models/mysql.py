"""How the app connects to MySQL and MariaDB through PyMySQL: no TLS on this machine's loopback.

Given no TLS option, PyMySQL (1.1 and later) tries TLS on every connection ("preferred":
encrypted if the server offers it, its certificate never checked), and for that builds a new
SSL context per connection, loading the system's whole CA bundle into it, although an
unchecked connection never reads it: ~21 ms of CPU per connection on the bench's machine,
with the GIL held, so every other thread of the process waits. A pool opens connections
whenever more requests than it keeps arrive at once, and each such stall landed on the
requests in flight: the kept page's p99 on MariaDB was 12 times its p50 (issue 17).

A server on this machine's loopback (docs/deploying.md's default: ``localhost``,
``127.0.0.1``, ``::1``, or a unix socket) is reached without TLS, which would protect nothing
there; a connection then costs ~0.3 ms of CPU. A server elsewhere keeps PyMySQL's behaviour,
and any ``ssl_...`` option in the URL (docs/deploying.md, step 8: ``ssl_ca=``, TLS whose
certificate is checked) is left to PyMySQL as written, wherever the server is.
"""

import ipaddress
from typing import Any

from sqlalchemy.engine import URL

#: Names of this machine's loopback (no host at all is PyMySQL's "localhost" too).
LOOPBACK_NAMES = frozenset({"", "localhost"})


def connect_args(url: URL) -> dict[str, Any]:
    """PyMySQL's arguments the ``url`` leaves to the app: TLS off for a loopback server that the
    URL names no TLS option for; nothing for any other URL (or database)."""
    if url.get_backend_name() != "mysql" or url.get_driver_name() != "pymysql":
        return {}
    if any(key.startswith("ssl") for key in url.query):
        return {}
    if "unix_socket" in url.query or is_loopback(url.host):
        return {"ssl_disabled": True}
    return {}


def is_loopback(host: str | None) -> bool:
    """Whether ``host`` is this machine's loopback: its name, or an address of 127.0.0.0/8 or ::1."""
    if host is None or host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

"""The audit trail: who logged in or out, who was throttled, who changed which user.

Through ``logging`` (logger ``scratchpad.audit``), so the ini file decides where it goes.
Never a password, a hash or a cookie: only the user, the client address and the outcome.
"""

import logging
import sys
from logging.handlers import WatchedFileHandler

log = logging.getLogger("scratchpad.audit")


class AuditFileHandler(WatchedFileHandler):
    """The audit log's file (production.ini's ``[handler_audit]``), reopened when logrotate
    has moved it.

    A file that cannot be opened (its folder not made yet, no permission) stops the program
    with one line that names it, before the app serves or an admin command changes anything
    without its audit trail; a plain ``WatchedFileHandler`` would end ``pserve`` with a
    traceback instead.
    """

    def __init__(self, filename: str, mode: str = "a", encoding: str = "utf-8") -> None:
        try:
            super().__init__(filename, mode, encoding)
        except OSError as error:
            print(
                f"scratchpad: cannot open the audit log {filename}: {error.strerror}. Make its folder "
                "(docs/deploying.md, step 2) or point [handler_audit] in the ini file elsewhere.",
                file=sys.stderr,
            )
            # 2, as for every configuration problem (docs/administration.md).
            raise SystemExit(2) from None


def record(event: str, outcome: str, username: str = "-", address: str = "-", **details: object) -> None:
    extra = "".join(f" {key}={value!r}" for key, value in sorted(details.items()))
    log.info("%s %s user=%r addr=%s%s", event, outcome, username, address, extra)

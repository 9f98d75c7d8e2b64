"""The audit trail: who logged in or out, who was throttled, who changed which user.

Through ``logging`` (logger ``scratchpad.audit``), so the ini file decides where it goes.
Never a password, a hash or a cookie: only the user, the client address and the outcome.
"""

import logging

log = logging.getLogger("scratchpad.audit")


def record(event, outcome, username="-", address="-", **details):
    extra = "".join(f" {key}={value!r}" for key, value in sorted(details.items()))
    log.info("%s %s user=%r addr=%s%s", event, outcome, username, address, extra)

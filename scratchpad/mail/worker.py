"""``scratchpad-admin CONFIG mail send [--watch]``: the outbox's worker.

Without ``--watch``, one pass: every mail due now, then exit (from cron or a systemd timer).
With it, a pass every ``--interval`` seconds until SIGTERM or SIGINT, which end it between
two mails. A database that cannot be reached is logged and tried again at the next pass, as
is the mail server (delivery.py): the worker outlives both, and a restart of the worker
itself loses nothing, since everything it knows is in the outbox table.
"""

import logging
import signal
import threading

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from scratchpad.mail.delivery import PassResult, Sender, send_due

log = logging.getLogger("scratchpad.mail")


def send_once(database: sessionmaker[Session], sender: Sender) -> PassResult:
    return send_due(database, sender)


def watch(database: sessionmaker[Session], sender: Sender, interval: float, stop: threading.Event) -> None:
    """Passes every ``interval`` seconds until ``stop`` is set."""
    log.info("mail worker started: a pass every %g second(s)", interval)
    while not stop.is_set():
        try:
            result = send_due(database, sender)
        except sa.exc.SQLAlchemyError as error:
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
            log.warning(
                "mail worker: the database cannot be used (%s); trying again in %g s", reason, interval
            )
        else:
            if result.sent or result.retrying or result.given_up or result.cancelled:
                log.info("mail worker: %s", result)
        stop.wait(interval)
    log.info("mail worker stopped")


def stop_on_signals() -> threading.Event:
    """An event SIGTERM and SIGINT set (systemd stops a service with SIGTERM)."""
    stop = threading.Event()

    def handle(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)
    return stop

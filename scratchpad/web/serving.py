"""Drain on SIGTERM under ``pserve`` (waitress): finish what is in flight, then exit.

Without this, SIGTERM ends the process at once: requests being served are cut off, and a
reverse proxy answers them with 502 (nginx does not retry a POST). A rolling restart then
loses logins and comments. On SIGTERM, waitress here

1. stops listening, so the proxy's new connections are refused and it sends those requests
   to another process (a refused connection is retried even for a POST: nothing was sent);
2. answers every further request on the connections it already has with
   ``Connection: close``, so the proxy stops reusing them;
3. exits once no connection is left (the proxy closes its idle ones: nginx's upstream
   ``keepalive_timeout``, docs/deploying.md, step 5), or after ``scratchpad.drain_seconds``,
   whichever comes first. Only then does it close what remains itself: closing an idle
   keep-alive connection is a race with a request the proxy may be sending on it.

The ini files name waitress as the server (``use = egg:waitress#main``), which gives the app
no handle on the server it runs under, so the handler looks for waitress servers among the
process's objects when the signal comes. Where there is none (``gunicorn --paste``, which
drains by itself within its ``graceful_timeout``, or a test process), the signal is passed to
the handler that was there before, so nothing changes.

All socket work happens in waitress's own loop thread, through the trigger waitress provides
for that (``pull_trigger(thunk)``); the signal handler only starts a thread that waits.
"""

import gc
import logging
import signal
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

from pyramid.config import Configurator
from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer
from waitress.task import WSGITask

log = logging.getLogger(__name__)

#: How often the draining thread looks whether any connection is left, in seconds.
POLL_INTERVAL = 0.05

#: waitress's map of the sockets one loop serves: file descriptor to dispatcher.
SocketMap = dict[int, Any]
#: What ``signal.getsignal`` gives: a function, SIG_DFL, SIG_IGN, or None (not set from Python).
PreviousHandler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None
#: A waitress server, whose private parts used here (``_map``, ``trigger``) its stubs leave out.
Server = Any


def includeme(config: Configurator) -> None:
    """Install the SIGTERM handler, once per process, when ``scratchpad.drain_seconds`` > 0."""
    seconds = config.registry.settings["scratchpad.drain_seconds"]
    if seconds and threading.current_thread() is threading.main_thread():
        install(seconds)


def install(seconds: int) -> None:
    previous = signal.getsignal(signal.SIGTERM)
    if isinstance(previous, _DrainOnTerm):
        return
    signal.signal(signal.SIGTERM, _DrainOnTerm(seconds, previous))


class _DrainOnTerm:
    """The SIGTERM handler: start draining the waitress servers, or defer to ``previous``."""

    def __init__(self, seconds: int, previous: PreviousHandler) -> None:
        self.seconds = seconds
        self.previous = previous
        self.draining = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        if self.draining:
            return
        # The servers sharing one socket map are served by one waitress loop.
        loops: dict[int, list[Server]] = {}
        for thing in gc.get_objects():
            if isinstance(thing, BaseWSGIServer) and thing.accepting:
                server: Server = thing
                loops.setdefault(id(server._map), []).append(server)
        if not loops:
            self._defer(signum, frame)
            return
        self.draining = True
        log.info("SIGTERM: no new connections; draining for at most %d s", self.seconds)
        deadline = time.monotonic() + self.seconds
        for servers in loops.values():
            threading.Thread(target=_drain, args=(servers, deadline), name="drain", daemon=True).start()

    def _defer(self, signum: int, frame: FrameType | None) -> None:
        if callable(self.previous):
            self.previous(signum, frame)
        elif self.previous != signal.SIG_IGN:
            # The default action: end the process, as if this handler had never been set.
            signal.signal(signum, signal.SIG_DFL)
            signal.raise_signal(signum)


class _ClosingTask(WSGITask):
    """A request served while draining: its response says ``Connection: close``, and waitress
    closes the connection once it is sent."""

    def build_response_header(self) -> bytes:
        # A parsed HTTPRequest here; waitress's stubs type it as the Error it may also be.
        self.request.headers["CONNECTION"] = "close"  # type: ignore[attr-defined]
        return super().build_response_header()


def _drain(servers: list[Server], deadline: float) -> None:
    socket_map = servers[0]._map
    servers[0].trigger.pull_trigger(lambda: _stop_accepting(servers, socket_map))
    while time.monotonic() < deadline and _channels(socket_map):
        time.sleep(POLL_INTERVAL)
    left = len(_channels(socket_map))
    if left:
        log.warning("drain time over: closing %d connection(s)", left)
    log.info("drained; exiting")
    # Closing every dispatcher, the trigger included, empties the map and so ends waitress's loop.
    servers[0].trigger.pull_trigger(lambda: wasyncore.close_all(socket_map))


def _stop_accepting(servers: list[Server], socket_map: SocketMap) -> None:
    for server in servers:
        server.accepting = False
        # The listening socket only: the server's trigger still wakes the loop for responses.
        wasyncore.dispatcher.close(server)
    for channel in _channels(socket_map):
        channel.task_class = _ClosingTask


def _channels(socket_map: SocketMap) -> list[HTTPChannel]:
    return [thing for thing in list(socket_map.values()) if isinstance(thing, HTTPChannel)]

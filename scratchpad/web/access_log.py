"""The access log: one line per request on the ``scratchpad.access`` logger.

``GET /login/ 200 12.3ms user=-``: method, path (percent-encoded where needed; never the
query string, which may carry a token, nor the token of an invitation or reset link, nor any
cookie or header), status, time spent in the
app, and the id of the logged-in user. The ini file's logging sections decide where the
lines go (stderr in ours).

The user id is only what the request already knew: every page looks up its visitor (for
"Log in" / "Log out"), but a static file or a health check does not, and logging must not
add a database query to each of those. So the line shows the id when the security policy's
per-request cache holds a user, and ``-`` otherwise (anonymous, or never asked).
"""

import logging
import re
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from pyramid.config import Configurator
from pyramid.interfaces import ISecurityPolicy
from pyramid.registry import Registry
from pyramid.request import Request
from pyramid.response import Response
from pyramid.tweens import INGRESS
from pyramid_retry import is_error_retryable

from scratchpad.web.tweens import Handler

log = logging.getLogger("scratchpad.access")

#: Left as they are; anything else (spaces, control characters, non-ASCII) is percent-encoded.
SAFE = "/!$&'()*+,;=:@~"
#: Invitation, reset, email-confirmation and unsubscribe links, and private feed addresses,
#: carry a token that works like a password: the log shows that one was opened, never which.
SECRET_PATHS = re.compile(r"/(invitations|reset|confirm-email|unsubscribe|notifications/feed)/[^/]+")


def printable_path(environ: Mapping[str, Any]) -> str:
    """The path as the client sent it, its bytes percent-encoded where they could forge or
    break a log line. From the WSGI environ, as bytes: ``request.path`` would fail on a path
    that is not UTF-8."""
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    return SECRET_PATHS.sub(r"/\1/...", quote(path.encode("latin-1", "replace"), safe=SAFE))


def cached_user_id(request: Request) -> int | None:
    """The logged-in user's id if this request already loaded them, without asking the database."""
    policy = request.registry.queryUtility(ISecurityPolicy)
    cache = getattr(policy, "identity_cache", None)
    user = None if cache is None else cache.get(request, None)
    if user is None:
        return None
    # The identity key is kept even after the transaction ended and the session let go of
    # the row, whereas ``user.id`` would then have to be loaded again.
    identity = sa.inspect(user).identity
    return None if identity is None else int(identity[0])


def access_log_tween_factory(handler: Handler, registry: Registry) -> Handler:
    def access_log_tween(request: Request) -> Response:
        started = time.perf_counter()
        try:
            response = handler(request)
        except Exception as error:
            if not is_error_retryable(request, error):
                # Nothing below turned it into a page: the server answers 500.
                write(request, 500, started)
            raise
        exception = getattr(request, "exception", None)
        # pyramid_retry throws this response away and runs the request again: log that one.
        if exception is None or not is_error_retryable(request, exception):
            write(request, response.status_code, started)
        return response

    return access_log_tween


def write(request: Request, status: int, started: float) -> None:
    milliseconds = (time.perf_counter() - started) * 1000
    user_id = cached_user_id(request)
    log.info(
        "%s %s %d %.1fms user=%s",
        quote(request.method, safe=""),
        printable_path(request.environ),
        status,
        milliseconds,
        "-" if user_id is None else user_id,
    )


def includeme(config: Configurator) -> None:
    # Outermost, so the time covers every other tween (the transaction's commit included) and
    # the status is the one sent, error pages included.
    config.add_tween("scratchpad.web.access_log.access_log_tween_factory", under=INGRESS)

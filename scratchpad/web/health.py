"""A health check for monitoring: it asks the database, not just the process.

A monitor polls it every few seconds, through a whole outage: each failure is one line at
WARNING (what failed, in the database driver's words), its traceback only at DEBUG, so an
outage does not bury the log.
"""

import logging

import sqlalchemy as sa
from pyramid.request import Request
from pyramid.view import view_config
from sqlalchemy.exc import SQLAlchemyError

from scratchpad.web.errors import one_line

log = logging.getLogger(__name__)


@view_config(route_name="healthz", renderer="string", permission="view")
def healthz(request: Request) -> str:
    try:
        request.dbsession.execute(sa.text("SELECT 1"))
    except SQLAlchemyError as error:
        log.warning("Health check: the database did not answer: %s", one_line(error))
        log.debug("Health check: the database's error in full", exc_info=True)
        request.tm.doom()  # roll back quietly instead of failing again at commit
        request.response.status = 503
        return "database unavailable"
    return "ok"

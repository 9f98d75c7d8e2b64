"""A health check for monitoring: it asks the database, not just the process."""

import logging

import sqlalchemy as sa
from pyramid.view import view_config
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)


@view_config(route_name="healthz", renderer="string", permission="view")
def healthz(request):
    try:
        request.dbsession.execute(sa.text("SELECT 1"))
    except SQLAlchemyError:
        log.warning("Health check: the database did not answer", exc_info=True)
        request.tm.doom()  # roll back quietly instead of failing again at commit
        request.response.status = 503
        return "database unavailable"
    return "ok"

"""The moderation log, for admins: who hid, unhid or deleted which comment, and when."""

import sqlalchemy as sa
from pyramid.httpexceptions import HTTPBadRequest
from pyramid.view import view_config

from ..models import ModerationAction

LOG_PAGE_SIZE = 50


@view_config(
    route_name="admin.moderation",
    request_method="GET",
    renderer="scratchpad:templates/admin/moderation.jinja2",
    permission="moderate",
)
def moderation_log(request):
    """Newest first, a page at a time (keyset on id, like the board)."""
    before = request.GET.get("before")
    query = sa.select(ModerationAction).order_by(ModerationAction.id.desc()).limit(LOG_PAGE_SIZE + 1)
    if before is not None:
        if not before.isascii() or not before.isdigit() or len(before) > 18:
            raise HTTPBadRequest("That page does not exist: 'before' must be a log entry number.")
        query = query.where(ModerationAction.id < int(before))
    actions = list(request.dbsession.scalars(query))
    has_older = len(actions) > LOG_PAGE_SIZE
    actions = actions[:LOG_PAGE_SIZE]
    return dict(
        actions=actions,
        older_than=actions[-1].id if has_older else None,
        is_newest=before is None,
    )

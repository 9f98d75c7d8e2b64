"""The moderation log, for admins: who hid, unhid or deleted which comment, and when."""

from typing import Any

import sqlalchemy as sa
from pyramid.request import Request
from pyramid.view import view_config

from scratchpad.accounts import rules
from scratchpad.board import keyset
from scratchpad.models import ModerationAction

LOG_PAGE_SIZE = 50


@view_config(
    route_name="admin.moderation",
    request_method="GET",
    renderer="scratchpad:templates/admin/moderation.jinja2",
    permission="moderate",
)
def moderation_log(request: Request) -> dict[str, Any]:
    """Newest first, a page at a time, like the board."""
    before = keyset.before_param(request, "log entry")
    query = keyset.newest_first(sa.select(ModerationAction), ModerationAction.id, LOG_PAGE_SIZE, before)
    page = keyset.page_of(request.dbsession.scalars(query), LOG_PAGE_SIZE)
    return dict(
        actions=page.rows,
        older_than=page.older_than,
        is_newest=before is None,
        suspension_end=rules.suspension_end,  # admin/user_act_entry.jinja2
    )

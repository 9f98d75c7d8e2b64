"""``GET /account/data.json``: a member downloads their account, every comment they wrote
(hidden, waiting and deleted ones included), the reports they made, their notifications and
the moderation log's entries about them (docs/api.md#your-data describes the shape).

Streamed a batch of comments at a time from a session of its own, so a member with a great
many comments costs neither a huge response in memory nor one huge query; the request's own
transaction has ended by the time the body is written.
"""

from collections.abc import Iterator
from datetime import datetime

import orjson
import sqlalchemy as sa
from pyramid.request import Request
from pyramid.response import Response
from pyramid.view import view_config
from sqlalchemy.orm import Session

from scratchpad import audit
from scratchpad.accounts import throttle
from scratchpad.board.visible import rfc3339
from scratchpad.models import Comment, ModerationAction, Notification, Report, User
from scratchpad.models.types import utcnow
from scratchpad.notifications import feed_address

#: Comments read per statement while streaming.
BATCH_SIZE = 500


def moment(value: datetime | None) -> str | None:
    return None if value is None else rfc3339(value)


def account_json(user: User, feed_made_at: datetime | None) -> dict:
    """What the board holds about the user, never their password hash or session secret
    (nor their feed address's token, of which only a hash is kept)."""
    return {
        "id": user.id,
        "username": user.username,
        "role": user.role,
        "active": user.is_active,
        "email": user.email,
        "email_confirmed": user.email_confirmed_at is not None,
        "email_notifications": user.email_notifications,
        "language": user.language,
        "time_zone": user.time_zone,
        "suspended_until": moment(user.suspended_until),
        "feed_address_made_at": moment(feed_made_at),
        "last_login_at": moment(user.last_login_at),
    }


def about_them(dbsession: Session, user: User) -> dict:
    """What else the board keeps of the user's: the reports they made (their words), their
    notifications, and the moderation log's entries about them or their comments (what was
    done and when; never which admin did it, who is someone else)."""
    reports = dbsession.scalars(sa.select(Report).where(Report.reporter_id == user.id).order_by(Report.id))
    notifications = dbsession.scalars(
        sa.select(Notification).where(Notification.recipient_id == user.id).order_by(Notification.id)
    )
    entries = dbsession.scalars(
        sa.select(ModerationAction)
        .where(
            sa.or_(
                ModerationAction.user_name == user.username, ModerationAction.comment_author == user.username
            )
        )
        .order_by(ModerationAction.id)
    )
    return {
        "reports": [
            {
                "comment_id": report.comment_id,
                "reason": report.reason,
                "details": report.details,
                "reported_at": moment(report.reported_at),
                "open": report.is_open is not None,
                "resolution": report.resolution,
            }
            for report in reports
        ],
        "notifications": [
            {
                "kind": notification.kind,
                "comment_id": notification.comment_id,
                "created_at": moment(notification.created_at),
                "read_at": moment(notification.read_at),
            }
            for notification in notifications
        ],
        "moderation": [
            {
                "action": entry.action,
                "acted_at": moment(entry.acted_at),
                "comment_id": entry.comment_id,
                "comment_excerpt": entry.comment_excerpt or None,
                "detail": entry.detail,
            }
            for entry in entries
        ],
    }


def comment_json(request: Request, comment: sa.Row) -> dict:
    return {
        "id": comment.id,
        "in_reply_to": comment.parent_id,
        "posted_at": moment(comment.posted_at),
        "edited_at": moment(comment.edited_at),
        "hidden_by_moderator": comment.hidden_at is not None,
        "waiting_for_moderator": comment.waiting_since is not None,
        "deleted": comment.deleted_at is not None,
        "content": comment.content,
        "url": request.comment_url(comment.id),
    }


def comment_batches(request: Request, user_id: int) -> Iterator[list]:
    """The user's comments, oldest first, ``BATCH_SIZE`` at a time (keyset on the id)."""
    columns = (
        *(Comment.id, Comment.parent_id, Comment.posted_at, Comment.edited_at, Comment.hidden_at),
        *(Comment.waiting_since, Comment.deleted_at, Comment.content),
    )
    after = 0
    with request.read_dbsession() as reads:
        while True:
            query = (
                sa.select(*columns)
                .where(Comment.commenter_id == user_id, Comment.id > after)
                .order_by(Comment.id)
                .limit(BATCH_SIZE)
            )
            rows = reads.execute(query).all()
            if rows:
                yield rows
                after = rows[-1].id
            if len(rows) < BATCH_SIZE:
                return


def export_body(request: Request, head: dict, user_id: int) -> Iterator[bytes]:
    # The account first, then "comments": [...] written one comment at a time.
    yield orjson.dumps(head)[:-1] + b',"comments":['
    first = True
    for rows in comment_batches(request, user_id):
        for row in rows:
            yield (b"" if first else b",") + orjson.dumps(comment_json(request, row))
            first = False
    yield b"]}"


@view_config(route_name="accounts.data", request_method="GET", permission="account")
def download_my_data(request: Request) -> Response:
    user = request.identity
    dbsession = request.dbsession
    feed = feed_address.current(dbsession, user.id)
    head = {
        "exported_at": rfc3339(utcnow()),
        "account": account_json(user, None if feed is None else feed.created_at),
        **about_them(dbsession, user),
    }
    audit.record("account", "data downloaded", user.username, throttle.client_addr(request))
    response = Response()
    # Set whole: WebOb drops the charset from application/json.
    response.headers["Content-Type"] = "application/json; charset=utf-8"
    response.app_iter = export_body(request, head, user.id)
    response.content_disposition = 'attachment; filename="scratchpad-my-data.json"'
    return response

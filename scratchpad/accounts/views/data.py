"""``GET /account/data.json``: a member downloads their account and every comment they wrote,
hidden ones included (docs/api.md#your-data describes the shape).

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

from scratchpad import audit
from scratchpad.accounts import throttle
from scratchpad.board.visible import rfc3339
from scratchpad.models import Comment, User
from scratchpad.models.types import utcnow

#: Comments read per statement while streaming.
BATCH_SIZE = 500


def moment(value: datetime | None) -> str | None:
    return None if value is None else rfc3339(value)


def account_json(user: User) -> dict:
    """What the board holds about the user, never their password hash or session secret."""
    return {
        "id": user.id,
        "username": user.username,
        "role": user.role,
        "active": user.is_active,
        "email": user.email,
        "email_confirmed": user.email_confirmed_at is not None,
        "last_login_at": moment(user.last_login_at),
    }


def comment_json(request: Request, comment: sa.Row) -> dict:
    return {
        "id": comment.id,
        "posted_at": moment(comment.posted_at),
        "edited_at": moment(comment.edited_at),
        "hidden_by_moderator": comment.hidden_at is not None,
        "content": comment.content,
        "url": request.comment_url(comment.id),
    }


def comment_batches(request: Request, user_id: int) -> Iterator[list]:
    """The user's comments, oldest first, ``BATCH_SIZE`` at a time (keyset on the id)."""
    columns = (Comment.id, Comment.posted_at, Comment.edited_at, Comment.hidden_at, Comment.content)
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
    head = {"exported_at": rfc3339(utcnow()), "account": account_json(user)}
    audit.record("account", "data downloaded", user.username, throttle.client_addr(request))
    response = Response()
    # Set whole: WebOb drops the charset from application/json.
    response.headers["Content-Type"] = "application/json; charset=utf-8"
    response.app_iter = export_body(request, head, user.id)
    response.content_disposition = 'attachment; filename="scratchpad-my-data.json"'
    return response

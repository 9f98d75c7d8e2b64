"""Who is told about a comment: the one place notifications are made, and mailed to those
who asked for mail (``tell``).

Called in the transaction that stores the comment (posting, replying, editing), so the
comment and its notifications are written together or not at all. Told: the author of the
comment answered (a reply), and every user the comment's HTML links to as a mention
(``board/mentions.py``: only existing users, never inside code); never the comment's own
author, and at most ``MAX_MENTIONS_TOLD`` mentioned users. An edit calls it again: someone mentioned by the edit is told, nobody twice (one
notification per recipient and comment), and a mention the edit removes leaves the
notification there, as it leaves the comment's history.
"""

import sqlalchemy as sa
from pyramid.request import Request
from sqlalchemy.orm import Session, aliased

from scratchpad.board import mentions
from scratchpad.mail.notifications import queue_notification
from scratchpad.mail.settings import mail_enabled
from scratchpad.models import Comment, Notification, User
from scratchpad.models.notification import MENTION, REPLY

PARENT = aliased(Comment, name="answered")
#: The users one comment can tell by mentioning them, the first named: a comment naming
#: everyone on the board is a nuisance, not a conversation (Discourse has the same limit).
#: Each is one INSERT, so posting costs a bounded number of statements.
MAX_MENTIONS_TOLD = 20


def notify_about(dbsession: Session, comment: Comment) -> list[Notification]:
    """The notifications ``comment`` (flushed: it has an id) gives rise to, added to the
    session: one statement to find the recipients (none when the comment answers nobody and
    names nobody), one INSERT per recipient."""
    named = mentions.linked_in(comment.html)[:MAX_MENTIONS_TOLD]
    if comment.parent_id is None and not named:
        return []
    answered_author = sa.select(PARENT.commenter_id).where(PARENT.id == comment.parent_id).scalar_subquery()
    addressed: list[sa.ColumnElement[bool]] = [User.username.in_(named)] if named else []
    if comment.parent_id is not None:
        addressed.append(User.id == answered_author)
    told_already = sa.exists().where(
        Notification.recipient_id == User.id, Notification.comment_id == comment.id
    )
    query = sa.select(User.id, (User.id == answered_author).label("answered")).where(
        sa.or_(*addressed), ~told_already
    )
    if comment.commenter_id is not None:
        query = query.where(User.id != comment.commenter_id)
    notifications = [
        Notification(recipient_id=row.id, comment_id=comment.id, kind=REPLY if row.answered else MENTION)
        for row in dbsession.execute(query.order_by(User.id))
    ]
    dbsession.add_all(notifications)
    dbsession.flush()
    return notifications


def tell(request: Request, comment: Comment) -> list[Notification]:
    """``notify_about``, and each notification mailed to its recipient if they asked for mail
    (``scratchpad.mail``: queued in the outbox, in this same transaction, so a reply rolled
    back mails nobody). A comment waiting for a moderator tells nobody yet: nobody else may
    read it; approving it tells them (``board/views/inbox.py``)."""
    if comment.waiting_since is not None:
        return []
    notifications = notify_about(request.dbsession, comment)
    if not notifications or not mail_enabled(request.registry.settings):
        return notifications
    ids = [notification.recipient_id for notification in notifications]
    recipients = {
        user.id: user for user in request.dbsession.scalars(sa.select(User).where(User.id.in_(ids)))
    }
    actor = comment.commenter.username if comment.commenter is not None else "Someone"
    url = request.comment_url(comment.id)
    for notification in notifications:
        recipient = recipients[notification.recipient_id]
        queue_notification(
            request,
            recipient,
            actor,
            url,
            comment.content,
            mention=notification.kind == MENTION,
            comment_id=comment.id,
        )
    return notifications

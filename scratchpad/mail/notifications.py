"""The mail telling a member that someone answered or mentioned them: one per notification.

One mail per notification rather than a daily digest: a reply is worth knowing about while
the conversation is alive, and a board's members get a handful a day, not hundreds; a digest
would need a schedule, per-member time zones and a second worker for little gain. Whoever
wants fewer turns them off in one click (the List-Unsubscribe header, or the account page)
and still has /notifications.
"""

from pyramid.request import Request

from scratchpad.mail.outbox import one_line, queue_mail
from scratchpad.mail.settings import mail_enabled
from scratchpad.mail.unsubscribe import unsubscribe_token
from scratchpad.models import OutboxMail, User
from scratchpad.models.outbox import NOTIFICATION

#: Characters of the comment quoted in the mail; the link leads to the rest.
EXCERPT_LENGTH = 300


def excerpt_of(text: str) -> str:
    words = " ".join(text.split())
    return words if len(words) <= EXCERPT_LENGTH else words[: EXCERPT_LENGTH - 1].rstrip() + "…"


def queue_notification(
    request: Request,
    recipient: User,
    actor_name: str,
    comment_url: str,
    excerpt: str,
    *,
    mention: bool = False,
) -> OutboxMail | None:
    """Queue the mail for one notification in the request's transaction (the reply or
    mention that caused it commits with it, or neither does); None unless the board sends
    mail and ``recipient`` opted in with a confirmed address.

    ``comment_url`` is the comment's absolute permalink (``request.comment_url(comment.id)``),
    ``excerpt`` its text; ``mention`` says they were mentioned rather than answered.
    """
    settings = request.registry.settings
    if not mail_enabled(settings) or not recipient.wants_email:
        return None
    actor = one_line(actor_name) or "Someone"
    what = "mentioned you" if mention else "replied to you"
    unsubscribe_url = request.route_url(
        "mail.unsubscribe", token=unsubscribe_token(settings["scratchpad.secret"], recipient)
    )
    text = (
        f"Hello {recipient.username},\n\n"
        f"{actor} {what} on Scratchpad:\n\n"
        f"> {excerpt_of(excerpt)}\n\n"
        f"Read it and answer: {comment_url}\n\n"
        "-- \n"
        "You get this mail because you turned on notifications by email on your account page.\n"
        f"Turn them off: {unsubscribe_url}\n"
    )
    return queue_mail(
        request.dbsession,
        recipient,
        f"{actor} {what} on Scratchpad",
        text,
        kind=NOTIFICATION,
        unsubscribe_url=unsubscribe_url,
    )

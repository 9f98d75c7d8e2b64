"""The mail telling a member that someone answered or mentioned them: one per notification.

One mail per notification rather than a daily digest: a reply is worth knowing about while
the conversation is alive, and a board's members get a handful a day, not hundreds; a digest
would need a schedule, per-member time zones and a second worker for little gain. Whoever
wants fewer turns them off in one click (the List-Unsubscribe header, or the account page)
and still has /notifications.
"""

from pyramid.request import Request

from scratchpad.i18n.languages import SOURCE, supported
from scratchpad.i18n.messages import _, translate_in
from scratchpad.mail.outbox import one_line, queue_mail
from scratchpad.mail.settings import mail_enabled
from scratchpad.mail.unsubscribe import unsubscribe_token
from scratchpad.models import OutboxMail, User
from scratchpad.models.outbox import NOTIFICATION

SOMEONE = _("Someone")
#: The mail for a reply and for a mention: its subject and its text.
REPLIED = {
    "subject": _("${actor} replied to you on Scratchpad"),
    "text": _(
        "Hello ${username},\n\n"
        "${actor} replied to you on Scratchpad:\n\n"
        "> ${excerpt}\n\n"
        "Read it and answer: ${url}\n\n"
        "-- \n"
        "You get this mail because you turned on notifications by email on your account page.\n"
        "Turn them off: ${unsubscribe_url}\n"
    ),
}
MENTIONED = {
    "subject": _("${actor} mentioned you on Scratchpad"),
    "text": _(
        "Hello ${username},\n\n"
        "${actor} mentioned you on Scratchpad:\n\n"
        "> ${excerpt}\n\n"
        "Read it and answer: ${url}\n\n"
        "-- \n"
        "You get this mail because you turned on notifications by email on your account page.\n"
        "Turn them off: ${unsubscribe_url}\n"
    ),
}
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
    comment_id: int | None = None,
) -> OutboxMail | None:
    """Queue the mail for one notification in the request's transaction (the reply or
    mention that caused it commits with it, or neither does); None unless the board sends
    mail and ``recipient`` opted in with a confirmed address.

    ``comment_url`` is the comment's absolute permalink (``request.comment_url(comment.id)``),
    ``excerpt`` its text, ``comment_id`` its id (the worker sends nothing once it is
    removed); ``mention`` says they were mentioned rather than answered.
    """
    settings = request.registry.settings
    if not mail_enabled(settings) or not recipient.wants_email:
        return None
    # In the recipient's language (their saved choice), not the language of whoever wrote.
    language = supported(recipient.language) or SOURCE
    actor = one_line(actor_name) or translate_in(request, language, SOMEONE)
    unsubscribe_url = request.route_url(
        "mail.unsubscribe", token=unsubscribe_token(settings["scratchpad.secret"], recipient)
    )
    said = MENTIONED if mention else REPLIED
    text = translate_in(
        request,
        language,
        said["text"],
        username=recipient.username,
        actor=actor,
        excerpt=excerpt_of(excerpt),
        url=comment_url,
        unsubscribe_url=unsubscribe_url,
    )
    return queue_mail(
        request.dbsession,
        recipient,
        translate_in(request, language, said["subject"], actor=actor),
        text,
        kind=NOTIFICATION,
        unsubscribe_url=unsubscribe_url,
        comment_id=comment_id,
    )

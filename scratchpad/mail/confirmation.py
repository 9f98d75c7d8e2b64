"""The mail asking a member to confirm the address they gave on the account page."""

from datetime import timedelta

import sqlalchemy as sa
from pyramid.request import Request

from scratchpad.accounts import tokens
from scratchpad.i18n.messages import _, translate
from scratchpad.mail.outbox import queue_mail
from scratchpad.mail.settings import mail_enabled
from scratchpad.models import OutboxMail, User
from scratchpad.models.outbox import CONFIRMATION
from scratchpad.models.types import utcnow

SUBJECT = _("Confirm your email address for Scratchpad")
#: The mail, in the language of the member asking for it (the page they saved it on).
TEXT = _(
    "Hello ${username},\n\n"
    "you gave this address on your Scratchpad account page. To get notifications here,\n"
    "confirm it within ${hours} hours by opening this link:\n\n"
    "${url}\n\n"
    "If it was not you, ignore this mail: the address will not be used.\n"
)
#: Confirmation mails a member can have sent per hour: saving the form again and again must
#: not make the board mail-bomb whatever address was typed into it.
CONFIRMATIONS_PER_HOUR = 3


class TooManyConfirmations(Exception):
    """Enough confirmation mails went to this member this hour; the older links still work."""


def recently_sent(request: Request, user: User) -> int:
    since = utcnow() - timedelta(hours=1)
    query = sa.select(sa.func.count()).where(
        OutboxMail.user_id == user.id, OutboxMail.kind == CONFIRMATION, OutboxMail.created_at > since
    )
    return request.dbsession.scalar(query) or 0


def queue_confirmation(request: Request, user: User) -> OutboxMail | None:
    """Queue the confirmation mail for ``user``'s current address, in the request's
    transaction; None when the board sends no mail (or they have no address), and
    :class:`TooManyConfirmations` after ``CONFIRMATIONS_PER_HOUR``."""
    settings = request.registry.settings
    if not mail_enabled(settings) or not user.email:
        return None
    if recently_sent(request, user) >= CONFIRMATIONS_PER_HOUR:
        raise TooManyConfirmations()
    hours = settings["scratchpad.email_confirmation_hours"]
    token, _ = tokens.create_email_confirmation(request.dbsession, user, hours)
    url = request.route_url("mail.confirm", token=token)
    text = translate(request, TEXT, username=user.username, hours=hours, url=url)
    return queue_mail(request.dbsession, user, translate(request, SUBJECT), text, kind=CONFIRMATION)

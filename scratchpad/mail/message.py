"""An outbox row as the message handed to the mail server."""

from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from scratchpad.models import OutboxMail

#: RFC 8058: the body a mail client POSTs to the List-Unsubscribe URL.
ONE_CLICK = "List-Unsubscribe=One-Click"


def build_message(mail: OutboxMail, mail_from: str) -> EmailMessage:
    """The message for ``mail``, sent from ``mail_from`` (``scratchpad.mail_from``).

    ``Auto-Submitted`` (RFC 3834) keeps vacation responders from answering it; a notification
    carries RFC 8058's two headers, so mail clients show an unsubscribe button that works in
    one click without the member logging in.
    """
    message = EmailMessage()
    message["From"] = mail_from
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(mail.created_at)
    domain = parseaddr(mail_from)[1].rpartition("@")[2]
    message["Message-ID"] = f"<{mail.message_id}@{domain}>"
    message["Auto-Submitted"] = "auto-generated"
    if mail.unsubscribe_url:
        message["List-Unsubscribe"] = f"<{mail.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = ONE_CLICK
    message.set_content(mail.body)
    return message

"""Checking the email address a member gives for notifications.

Only its shape: whether mail arrives is what confirmation (with the notifications) will tell.
"""

import unicodedata

from scratchpad.i18n.messages import Explained, _, counted
from scratchpad.models.user import MAX_EMAIL_LENGTH

#: RFC 5321's limit on the part before the @.
MAX_LOCAL_PART_LENGTH = 64


class InvalidEmail(Explained, ValueError):
    """The text is not an address mail could be sent to; the message says why."""


def validate_email(text: str) -> str | None:
    """The address to store (its domain in lower case), None for an empty field (no email),
    or :class:`InvalidEmail`."""
    address = text.strip()
    if not address:
        return None
    if len(address) > MAX_EMAIL_LENGTH:
        raise InvalidEmail(
            counted(
                "An email address can be at most ${count} character long.",
                "An email address can be at most ${count} characters long.",
                MAX_EMAIL_LENGTH,
            )
        )
    if any(character.isspace() or unicodedata.category(character)[0] == "C" for character in address):
        raise InvalidEmail(_("An email address must not contain spaces or invisible characters."))
    local, at, domain = address.rpartition("@")
    labels = domain.split(".")
    if not at or not local or "@" in local or len(labels) < 2 or not all(labels):
        raise InvalidEmail(
            _("That does not look like an email address: it should look like name@example.org.")
        )
    if len(local) > MAX_LOCAL_PART_LENGTH:
        raise InvalidEmail(
            counted(
                "The part before the @ can be at most ${count} character long.",
                "The part before the @ can be at most ${count} characters long.",
                MAX_LOCAL_PART_LENGTH,
            )
        )
    return f"{local}@{domain.lower()}"

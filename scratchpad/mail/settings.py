"""Whether the board sends mail, and the server it goes through (settings.py checked both)."""

from collections.abc import Mapping
from typing import Any

from scratchpad.mail.smtp import SmtpServer, parse_smtp_url


def mail_enabled(settings: Mapping[str, Any]) -> bool:
    """True when ``scratchpad.smtp_url`` is set: only then is any mail queued."""
    return bool(settings["scratchpad.smtp_url"])


def smtp_server(settings: Mapping[str, Any]) -> SmtpServer | None:
    return parse_smtp_url(settings["scratchpad.smtp_url"])

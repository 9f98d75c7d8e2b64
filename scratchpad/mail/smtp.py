"""The mail server the outbox is handed to: ``scratchpad.smtp_url`` read, and one connection
made from it.

``smtp://host[:port]`` speaks plain SMTP (a relay on the same machine, or a test server);
``smtp+starttls://user:password@host:587`` upgrades the connection with STARTTLS before it
logs in and refuses to go on without it; ``smtps://host:465`` is TLS from the first byte.
Both TLS forms check the server's certificate against the system's CAs and its host name,
so a password is never sent to a server that only claims the name.
"""

import smtplib
import ssl
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

#: The scheme -> the port when the URL names none.
DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
#: Seconds a connection, or any one command, may take before the attempt counts as failed.
TIMEOUT_SECONDS = 30


class InvalidSmtpUrl(ValueError):
    """The setting cannot name a mail server; the message says how it should look."""


@dataclass(frozen=True)
class SmtpServer:
    scheme: str
    host: str
    port: int
    username: str | None = None
    password: str | None = None

    def __repr__(self) -> str:
        # Never the password, should the object reach a log or a traceback.
        return f"SmtpServer({self.scheme}://{self.host}:{self.port}, user={self.username!r})"

    def connect(self) -> smtplib.SMTP:
        """A connection ready to send (TLS and login done as the URL asks); the caller closes it."""
        if self.scheme == "smtps":
            connection: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context()
            )
        else:
            connection = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_SECONDS)
        try:
            if self.scheme == "smtp+starttls":
                # starttls() raises SMTPNotSupportedError when the server does not offer it.
                connection.starttls(context=ssl.create_default_context())
            if self.username is not None:
                connection.login(self.username, self.password or "")
        except BaseException:
            connection.close()
            raise
        return connection


def parse_smtp_url(value: str) -> SmtpServer | None:
    """The server ``value`` names, None for an empty value (mail off), or :class:`InvalidSmtpUrl`."""
    value = value.strip()
    if not value:
        return None
    example = (
        "scratchpad.smtp_url must look like smtp://127.0.0.1:25, "
        "smtp+starttls://user:password@mail.example.org:587 or smtps://user:password@mail.example.org"
    )
    parts = urlsplit(value)
    try:
        port = parts.port
    except ValueError:
        raise InvalidSmtpUrl(f"{example} (the port must be from 1 to 65535).") from None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or parts.path not in ("", "/"):
        raise InvalidSmtpUrl(f"{example}.")
    if parts.query or parts.fragment:
        raise InvalidSmtpUrl(f"{example} (no ? or # part).")
    if port == 0:
        raise InvalidSmtpUrl(f"{example} (the port must be from 1 to 65535).")
    if parts.scheme == "smtp" and parts.username is not None:
        # AUTH over a connection anyone between could read would give the password away.
        raise InvalidSmtpUrl("scratchpad.smtp_url: log in only over TLS (smtp+starttls:// or smtps://).")
    return SmtpServer(
        scheme=parts.scheme,
        host=parts.hostname,
        port=port or DEFAULT_PORTS[parts.scheme],
        username=None if parts.username is None else unquote(parts.username),
        password=None if parts.password is None else unquote(parts.password),
    )

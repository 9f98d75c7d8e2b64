"""Turn the ini file's settings, plus the documented environment overrides, into checked values."""

import os
from collections.abc import Iterable, Mapping
from email.utils import formataddr, parseaddr
from ipaddress import IPv4Network, IPv6Network, ip_network
from typing import Any
from urllib.parse import urlsplit

from pyramid.settings import asbool, aslist

from scratchpad.accounts.email import InvalidEmail, validate_email
from scratchpad.mail.smtp import InvalidSmtpUrl, parse_smtp_url
from scratchpad.models.comment import MAX_REPLY_DEPTH

#: Environment variables that win over the ini file, so secrets and database
#: passwords can stay out of files that are checked in or shared.
ENVIRONMENT_OVERRIDES = {
    "SCRATCHPAD_DATABASE_URL": "sqlalchemy.url",
    "SCRATCHPAD_SECRET": "scratchpad.secret",
    "SCRATCHPAD_PUBLIC_URL": "scratchpad.public_url",
    # May hold the mail server's password.
    "SCRATCHPAD_SMTP_URL": "scratchpad.smtp_url",
    "SCRATCHPAD_METRICS_TOKEN": "scratchpad.metrics_token",
}

#: Below this length a signing secret is a placeholder, not a secret.
MIN_SECRET_LENGTH = 32

DEFAULTS = {
    "scratchpad.bcrypt_rounds": "12",
    "scratchpad.page_size": "50",
    "scratchpad.reply_depth": "3",
    "scratchpad.replies_shown": "3",
    "scratchpad.secure_cookies": "false",
    "scratchpad.hsts": "false",
    "scratchpad.min_password_length": "10",
    "scratchpad.session_timeout": "43200",
    "scratchpad.max_body_size": "65536",
    "scratchpad.login_window": "900",
    "scratchpad.login_attempts_per_user": "5",
    "scratchpad.login_attempts_per_address": "20",
    "scratchpad.posts_per_minute": "10",
    "scratchpad.edits_per_minute": "10",
    "scratchpad.deletions_per_minute": "10",
    "scratchpad.searches_per_minute": "30",
    # MariaDB/MySQL stop a search's statement after this many milliseconds (0: never).
    "scratchpad.search_time_limit_ms": "500",
    # Searches one process runs at once; one more waits a second, then gets 503 (0: no bound).
    "scratchpad.searches_at_once": "4",
    "scratchpad.reports_per_minute": "5",
    # Hide a comment once this many members reported it (0: never by itself).
    "scratchpad.auto_hide_reports": "0",
    # A member's comments wait for an admin until this many of theirs were approved (0: never).
    "scratchpad.premoderate_first": "0",
    "scratchpad.trusted_proxies": "",
    "scratchpad.edit_window": "900",
    "scratchpad.page_cache_bytes": "8388608",
    "scratchpad.fragment_cache_bytes": "4194304",
    # SQLite only: KiB of database pages each pooled connection keeps (models/sqlite.py).
    "scratchpad.sqlite_cache_kib": "512",
    # Where visitors reach the board; empty: wherever each request says it went (its Host).
    "scratchpad.public_url": "",
    "scratchpad.drain_seconds": "30",
    # How long an invitation link, and a password-reset link, can be used.
    "scratchpad.invitation_hours": "168",
    "scratchpad.reset_hours": "24",
    # The mail server the outbox is sent through; empty: the board sends no email.
    "scratchpad.smtp_url": "",
    # The From of every mail, e.g. "Scratchpad <board@example.org>"; needed with smtp_url.
    "scratchpad.mail_from": "",
    # How long the link confirming a member's email address can be used.
    "scratchpad.email_confirmation_hours": "48",
    # Days a sent or given-up mail stays in the outbox (its address and text) before prune deletes it.
    "scratchpad.mail_keep_days": "30",
    # Who may read /metrics: addresses (CIDRs), and a bearer token; neither set: nobody (404).
    "scratchpad.metrics_allow": "",
    "scratchpad.metrics_token": "",
}

#: Whole-number settings and the range each must lie in.
INTEGER_RANGES = {
    "scratchpad.bcrypt_rounds": (4, 31),
    "scratchpad.page_size": (1, 500),
    # A reply's place in its thread holds one id per level: the column has room for 10.
    "scratchpad.reply_depth": (1, MAX_REPLY_DEPTH),
    "scratchpad.replies_shown": (0, 100),
    "scratchpad.min_password_length": (1, 72),
    "scratchpad.session_timeout": (60, 365 * 86400),
    "scratchpad.max_body_size": (1024, 1 << 30),
    "scratchpad.login_window": (1, 86400),
    "scratchpad.login_attempts_per_user": (1, 10**6),
    "scratchpad.login_attempts_per_address": (1, 10**6),
    "scratchpad.posts_per_minute": (1, 10**6),
    "scratchpad.edits_per_minute": (1, 10**6),
    "scratchpad.deletions_per_minute": (1, 10**6),
    "scratchpad.searches_per_minute": (1, 10**6),
    "scratchpad.search_time_limit_ms": (0, 60_000),
    "scratchpad.searches_at_once": (0, 1000),
    "scratchpad.reports_per_minute": (1, 10**6),
    "scratchpad.auto_hide_reports": (0, 10**6),
    "scratchpad.premoderate_first": (0, 10**6),
    "scratchpad.edit_window": (0, 365 * 86400),
    "scratchpad.page_cache_bytes": (0, 1 << 34),
    "scratchpad.fragment_cache_bytes": (0, 1 << 34),
    "scratchpad.sqlite_cache_kib": (0, 1 << 24),
    "scratchpad.drain_seconds": (0, 3600),
    "scratchpad.invitation_hours": (1, 24 * 365),
    "scratchpad.reset_hours": (1, 24 * 365),
    "scratchpad.email_confirmation_hours": (1, 24 * 365),
    "scratchpad.mail_keep_days": (0, 3650),
}


class SettingsError(Exception):
    """The configuration cannot work; the message tells the operator what to change."""


def apply_environment(
    settings: Mapping[str, Any], environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Return a copy of ``settings`` with the environment overrides applied."""
    environ = os.environ if environ is None else environ
    settings = dict(settings)
    for variable, key in ENVIRONMENT_OVERRIDES.items():
        if environ.get(variable):
            settings[key] = environ[variable]
    return settings


def load_settings(
    settings: Mapping[str, Any], environ: Mapping[str, str] | None = None, require_secret: bool = True
) -> dict[str, Any]:
    """Apply overrides and defaults, convert types, and refuse a configuration that is unsafe.

    Raises :class:`SettingsError` when a value is unusable, or when ``scratchpad.secret`` is
    missing or too short to sign cookies safely (unless ``require_secret`` is false, for
    admin scripts that sign nothing): the caller decides how to report it (``main`` exits
    with one line).
    """
    settings = {**DEFAULTS, **apply_environment(settings, environ)}
    if not settings.get("sqlalchemy.url"):
        raise SettingsError("No database configured: set sqlalchemy.url or SCRATCHPAD_DATABASE_URL.")
    secret = settings.get("scratchpad.secret", "").strip()
    if require_secret and len(secret) < MIN_SECRET_LENGTH:
        raise SettingsError(
            "No usable secret: set SCRATCHPAD_SECRET (or scratchpad.secret) to a random string "
            f"of at least {MIN_SECRET_LENGTH} characters, e.g. "
            '`python3 -c "import secrets; print(secrets.token_urlsafe(48))"`.'
        )
    settings["scratchpad.secret"] = secret
    for key, (lowest, highest) in INTEGER_RANGES.items():
        settings[key] = _int_in_range(settings, key, lowest, highest)
    for key in ("scratchpad.secure_cookies", "scratchpad.hsts"):
        settings[key] = asbool(settings[key])
    settings["scratchpad.trusted_proxies"] = frozenset(aslist(settings["scratchpad.trusted_proxies"]))
    settings["scratchpad.public_url"] = check_public_url(settings["scratchpad.public_url"])
    check_mail_settings(settings)
    settings["scratchpad.metrics_allow"] = networks(settings["scratchpad.metrics_allow"])
    settings["scratchpad.metrics_token"] = check_metrics_token(settings["scratchpad.metrics_token"])
    return settings


def check_mail_settings(settings: dict[str, Any]) -> None:
    """``scratchpad.smtp_url`` checked, and with it the two settings mail cannot do without:
    a From address, and the public URL every link in a mail starts with (built from the
    request's ``Host`` instead, a forged one would put someone else's site in a mail the
    board sends)."""
    try:
        server = parse_smtp_url(settings["scratchpad.smtp_url"])
    except InvalidSmtpUrl as error:
        raise SettingsError(str(error)) from None
    settings["scratchpad.smtp_url"] = settings["scratchpad.smtp_url"].strip()
    settings["scratchpad.mail_from"] = check_mail_from(settings["scratchpad.mail_from"])
    if server is None:
        return
    if not settings["scratchpad.mail_from"]:
        raise SettingsError(
            'scratchpad.smtp_url needs scratchpad.mail_from, e.g. "Scratchpad <board@example.org>".'
        )
    if not settings["scratchpad.public_url"]:
        raise SettingsError(
            "scratchpad.smtp_url needs scratchpad.public_url (or SCRATCHPAD_PUBLIC_URL): the links "
            "in mails start with it."
        )


def check_mail_from(value: str) -> str:
    """``Name <address>`` or a bare address, written out again as a From header; "" when unset."""
    if not value.strip():
        return ""
    name, address = parseaddr(value.strip())
    try:
        checked = validate_email(address)
    except InvalidEmail as error:
        raise SettingsError(f"scratchpad.mail_from: {error}") from None
    if checked is None or any(ord(character) < 32 for character in value):
        raise SettingsError(
            f'scratchpad.mail_from must look like "Scratchpad <board@example.org>", not {value!r}.'
        )
    return formataddr((name, checked))


def networks(value: str | Iterable[IPv4Network | IPv6Network]) -> tuple[IPv4Network | IPv6Network, ...]:
    """``scratchpad.metrics_allow``: addresses and networks (``10.0.0.0/8``, ``::1``), space-
    or line-separated. A network with host bits set (``10.0.0.1/8``) is refused: it is more
    likely a typo than the 16 million addresses it would let in. Networks already parsed (by
    an earlier load of the same settings) are kept."""
    items = aslist(value) if isinstance(value, str) else value
    try:
        return tuple(ip_network(item) for item in items)
    except ValueError as error:
        raise SettingsError(f"scratchpad.metrics_allow: {error}.") from None


def check_metrics_token(value: str) -> str:
    """The bearer token that may read /metrics, or "" for none; guessable ones are refused."""
    token = value.strip()
    if token and (len(token) < MIN_SECRET_LENGTH or not token.isascii() or not token.isprintable()):
        raise SettingsError(
            "scratchpad.metrics_token (or SCRATCHPAD_METRICS_TOKEN) must be empty or a random string "
            f"of at least {MIN_SECRET_LENGTH} printable ASCII characters."
        )
    return token


def check_public_url(value: str, name: str = "scratchpad.public_url (or SCRATCHPAD_PUBLIC_URL)") -> str:
    """``scheme://host[:port][/path]`` without a trailing slash, or "" when not set.

    Every absolute URL the board writes starts with it (public_url.py), so anything a URL
    could not start with, or that would be dropped or misread there (a user name, a query,
    a fragment, spaces), is refused rather than half used.
    """
    value = value.strip().rstrip("/")
    if value and not _is_base_url(value):
        raise SettingsError(
            f"{name} must look like https://board.example.org "
            f"(http or https, a host, an optional port and path, nothing else), not {value!r}."
        )
    return value


def _is_base_url(value: str) -> bool:
    if not value.isascii() or any(character.isspace() or ord(character) < 32 for character in value):
        return False
    parts = urlsplit(value)
    try:
        parts.port  # noqa: B018 (read for its ValueError: a port not from 0 to 65535)
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and parts.username is None
        and "?" not in value  # a query, even an empty one
        and "#" not in value  # a fragment
    )


def _int_in_range(settings: Mapping[str, Any], key: str, lowest: int, highest: int) -> int:
    try:
        value = int(settings[key])
    except (TypeError, ValueError):
        raise SettingsError(f"{key} must be a whole number, not {settings[key]!r}.") from None
    if not lowest <= value <= highest:
        raise SettingsError(f"{key} must be between {lowest} and {highest}, not {value}.")
    return value

"""``scratchpad-admin CONFIG_URI users ...``: list, invite, add, change, disable, enable, suspend and
delete users, make them admins or members, and give them password-reset links.
``scratchpad-admin CONFIG_URI prune``: delete the rows the login and rate limits no longer
count (run it from cron or a systemd timer). ``scratchpad-admin CONFIG_URI mail send
[--watch]``: send the queued email (scratchpad/mail/worker.py). ``export``, ``import``, ``copy-to``, ``backup``
and ``restore`` take the board elsewhere and back (:mod:`scratchpad.portability`).

``users invite`` and ``users reset`` print a one-time link where the person chooses their own
password, so nobody else ever sees or types it. A link starts with the board's address:
``--url``, else ``scratchpad.public_url`` (``SCRATCHPAD_PUBLIC_URL``); the command has no
request to take it from.

Passwords are asked for twice on a terminal, or read one line from standard input otherwise.
Every change is written to the audit log. Exit status: 0 done, 1 refused (unknown user, user
exists, bad password, the last active admin would go, a board that is not empty, an export of
another version; nothing changed), 2 bad command line, configuration, database or file.
"""

import argparse
import sys
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any, TextIO, TypeVar, cast

import sqlalchemy as sa
from pyramid.paster import get_appsettings, setup_logging
from sqlalchemy.orm import Session, sessionmaker

from scratchpad import audit
from scratchpad.accounts import rules, suspension, throttle, tokens
from scratchpad.accounts.passwords import hash_scheme
from scratchpad.board import reports, threads
from scratchpad.mail.delivery import Sender
from scratchpad.mail.outbox import prune_finished
from scratchpad.mail.settings import smtp_server
from scratchpad.mail.worker import send_once, stop_on_signals, watch
from scratchpad.models import Comment, ModerationAction, OutboxMail, User, get_engine, report
from scratchpad.models.comment import DELETED_BY_AUTHOR
from scratchpad.models.types import utcnow
from scratchpad.models.user import ADMIN, MEMBER, ROLES, InvalidUsername, validate_username
from scratchpad.portability import commands as board_commands
from scratchpad.portability import errors as board_errors
from scratchpad.scripts.initialize_db import Refused, read_passwords
from scratchpad.settings import SettingsError, check_public_url, load_settings

PROG = "scratchpad-admin"
#: Who made a change, in the audit log (the web app writes the client's address there).
ACTOR = "command line"
#: Who acts, for the shared rules and the moderation log.
OPERATOR = rules.Actor(ACTOR)
#: What a rule answers (``act_on_user``).
T = TypeVar("T")
#: What each action is given: one transaction per ``with database.begin()``, and the settings.
Database = sessionmaker[Session]
Settings = dict[str, Any]


class UsageError(Exception):
    """Bad input on the command line (exit status 2)."""


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Manage the comment board's users from the command line.",
        epilog=f"Example: {PROG} production.ini users add alice",
    )
    parser.add_argument("config_uri", metavar="CONFIG_URI", help="the ini file, e.g. production.ini")
    areas = parser.add_subparsers(dest="area", metavar="AREA", required=True)
    users = areas.add_parser(
        "users",
        help="manage users",
        description="Manage users.",
        epilog=f"Example: {PROG} production.ini users list",
    )
    actions = users.add_subparsers(dest="action", metavar="ACTION", required=True)
    password_input = (
        "The password is asked for twice on a terminal, or read as one line from standard "  # noqa: S105 (help text, not a password)
        "input when that is not a terminal."
    )
    keeps_an_admin = (
        "Refused when it would leave the board without an active admin: make another user an admin first."
    )
    parsers = {}
    for name, summary, details in [
        (
            "list",
            "list every user",
            "List every user: id, name, role, status (active, disabled, or suspended until a "
            "time in UTC), kind of password hash.",
        ),
        (
            "invite",
            "print a one-time link where a new user chooses their password",
            "Print a link, usable once within scratchpad.invitation_hours, where NAME chooses their own "
            "password and becomes a member (an admin with --admin). Inviting a name again revokes the "
            "older link. The way to add users: nobody but them sees their password.",
        ),
        (
            "reset",
            "print a one-time link where a user chooses a new password",
            "Print a link, usable once within scratchpad.reset_hours, where the user chooses a new "
            "password; using it ends all their sessions. A newer link revokes the older one.",
        ),
        (
            "add",
            "create a user with a password typed here (prefer invite)",
            f"Create a user, a member unless --admin is given. {password_input} "
            "Prefer `invite`, which lets the user choose their own password.",
        ),
        (
            "passwd",
            "set a user's password",
            f"Set a new password and end the user's sessions. {password_input}",
        ),
        (
            "role",
            "make a user an admin or a member",
            "Make a user an admin, who may hide, unhide and delete anyone's comments, or a member, "
            f"who posts. It applies from the user's next request on. {keeps_an_admin}",
        ),
        (
            "disable",
            "stop a user logging in",
            "Stop a user logging in, and end their sessions at once. Done even to the last active "
            "admin, since it is the emergency brake for a stolen account; the output then says "
            "that nobody can moderate the board.",
        ),
        ("enable", "let a disabled user log in again", "Let a disabled user log in again."),
        (
            "suspend",
            "stop a member posting, replying and editing for a time",
            "Until the time given by --until, the member can read the board and log in but not post, "
            "reply or edit; the board tells them why and until when. Suspending again sets a new end. "
            "Admins are refused (make them a member first, or disable them).",
        ),
        ("unsuspend", "lift a suspension now", "Let a suspended member post, reply and edit again at once."),
        (
            "delete",
            "delete a user; their comments stay, by anonymous",
            f"Delete a user. Their comments stay on the board, shown as by anonymous. {keeps_an_admin}",
        ),
    ]:
        parsers[name] = actions.add_parser(name, help=summary, description=details)
        if name != "list":
            parsers[name].add_argument("name", metavar="NAME", help="the username")
    pruner = areas.add_parser(
        "prune",
        help="delete expired login failures and rate events",
        description="Delete the failed logins older than scratchpad.login_window and the posts, edits "
        "and deletions older than a minute: the rows no limit counts any more. Safe at any time; "
        "run it every hour or so, e.g. from cron.",
    )
    pruner.set_defaults(action="prune")
    add_mail_commands(areas)
    add_board_commands(areas)
    for name in ("add", "invite"):
        parsers[name].add_argument(
            "--admin", action="store_true", help="make the user an admin, who may moderate the board"
        )
    for name in ("invite", "reset"):
        parsers[name].add_argument(
            "--url",
            metavar="URL",
            help="the board's public address the link starts with, e.g. https://board.example.org "
            "(default: scratchpad.public_url)",
        )
    parsers["suspend"].add_argument(
        "--until",
        required=True,
        metavar="WHEN",
        help="when it ends: a number of days or hours from now (7d, 12h), a date (2026-12-31, its "
        "start in UTC) or a date and time, UTC unless a zone is given (2026-12-31T18:00)",
    )
    parsers["delete"].add_argument(
        "--erase",
        action="store_true",
        help="also delete their comments, and blank their words (the excerpt, their name as author) "
        "in the moderation log, whose entries stay",
    )
    parsers["role"].add_argument(
        "role", metavar="ROLE", choices=ROLES, help=f"the new role: {' or '.join(ROLES)}"
    )
    return parser.parse_args(argv[1:])


def add_mail_commands(areas: Any) -> None:
    """``mail send``: the outbox's worker (docs/administration.md, "Email")."""
    mail = areas.add_parser("mail", help="send the queued email", description="Send the queued email.")
    actions = mail.add_subparsers(dest="action", metavar="ACTION", required=True)
    sender = actions.add_parser(
        "send",
        help="send the mail that is due",
        description="Send every queued mail that is due through scratchpad.smtp_url, then exit; a "
        "mail the server does not take is tried again later (back-off up to an hour, "
        "12 attempts), never lost. With --watch, keep doing so until stopped (SIGTERM).",
        epilog=f"Example: {PROG} production.ini mail send --watch",
    )
    sender.add_argument("--watch", action="store_true", help="keep running, a pass every --interval seconds")
    sender.add_argument(
        "--interval",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="seconds between two passes with --watch (default 10)",
    )
    sender.set_defaults(action="mail send")


def add_board_commands(areas: Any) -> None:
    """The commands that take the board elsewhere and back (docs/administration.md)."""
    empty_target = (
        "A database with no tables is first migrated to the newest schema; one holding users, "
        "comments or moderation log entries is refused."
    )
    exporter = areas.add_parser(
        "export",
        help="write the board to one JSON file",
        description="Write users, comments and the moderation log to FILE as one JSON document "
        "(docs/export-format.md). Password hashes only with --with-password-hashes.",
    )
    exporter.add_argument("file", metavar="FILE", help="the file to write (replaced if it exists)")
    exporter.add_argument(
        "--with-password-hashes",
        action="store_true",
        help="include each user's bcrypt hash, so they can log in after an import; keep such a file secret",
    )
    importer = areas.add_parser(
        "import",
        help="load an exported JSON file into an empty board",
        description=f"Load FILE, made by export, into an empty board, ids kept. {empty_target}",
    )
    importer.add_argument("file", metavar="FILE", help="a file written by export")
    copier = areas.add_parser(
        "copy-to",
        help="copy the whole board into another, empty database",
        description="Copy every table into the database at URL (e.g. from SQLite to MariaDB), ids, "
        f"times and password hashes exact, and check each table on both sides. {empty_target}",
        epilog=f"Example: {PROG} development.ini copy-to "
        "'mysql+pymysql://scratchpad:PASSWORD@localhost/scratchpad?charset=utf8mb4'",
    )
    copier.add_argument("url", metavar="URL", help="the target database, as for sqlalchemy.url")
    backer = areas.add_parser(
        "backup",
        help="write a consistent snapshot of the board into a directory",
        description="Write a snapshot of the board, taken while it keeps serving, into DIR as "
        "scratchpad-YYYYMMDDTHHMMSSZ.sqlite (SQLite) or .json (MariaDB), named by UTC time.",
    )
    backer.add_argument("directory", metavar="DIR", help="an existing directory")
    backer.add_argument(
        "--keep-days",
        type=int,
        metavar="N",
        help="then delete the backups in DIR older than N days",
    )
    restorer = areas.add_parser(
        "restore",
        help="put a backup back into an empty board",
        description=f"Put FILE, made by backup (or export), back into an empty board. {empty_target}",
    )
    restorer.add_argument("file", metavar="FILE", help="a file written by backup")
    for name, parser in [
        ("export", exporter),
        ("import", importer),
        ("copy-to", copier),
        ("backup", backer),
        ("restore", restorer),
    ]:
        parser.set_defaults(action=name)


def username_of(name: str) -> str:
    try:
        return validate_username(name)
    except InvalidUsername as error:
        raise UsageError(str(error)) from None


def find_user(dbsession: Session, name: str) -> User:
    """The user called ``name`` (any spelling of it), or :class:`Refused`."""
    username = username_of(name)
    user = dbsession.scalars(sa.select(User).where(User.username == username)).one_or_none()
    if user is None:
        raise Refused(f"No user {username!r}.")
    return user


def act_on_user(
    database: Database, name: str, act: Callable[[Session, rules.Actor, User], T]
) -> tuple[str, T]:
    """``act(dbsession, OPERATOR, user)`` on the user called ``name``, in one transaction:
    their name and what the rule answered (the name read inside, for the message after)."""
    with database.begin() as dbsession:
        user = find_user(dbsession, name)
        return user.username, act(dbsession, OPERATOR, user)


def refuse_existing(dbsession: Session, username: str) -> None:
    if dbsession.scalars(sa.select(User.id).where(User.username == username)).first() is not None:
        raise Refused(f"User {username!r} already exists.")


def new_password(username: str, settings: Settings, stdin: TextIO) -> str:
    return read_passwords([username], stdin, settings["scratchpad.min_password_length"])[username]


def refusal_message(error: rules.Refused, config_uri: str) -> str:
    """The shared rules' refusal, with the command that helps where there is one."""
    if isinstance(error, rules.LastActiveAdmin):
        return (
            f"{error} With the command line: `{PROG} {config_uri} users role NAME admin`; or "
            "disable the account if it must stop at once."
        )
    return str(error)


def no_admin_left(config_uri: str) -> str:
    return (
        "Nobody can moderate the board now: it has no active admin. Make one with "
        f"`{PROG} {config_uri} users role NAME admin`."
    )


# Each action gets a sessionmaker: ``with database.begin() as dbsession:`` is one transaction,
# and the audit log hears of a change once it is committed. add and passwd check the name
# first, ask for the password with no transaction open (typing takes a while), then check
# again as they write.


def list_users(database: Database, settings: Settings, args: argparse.Namespace, stdin: TextIO) -> str:
    with database.begin() as dbsession:
        users = dbsession.scalars(sa.select(User).order_by(User.username)).all()
        rows = [("ID", "USERNAME", "ROLE", "STATUS", "PASSWORD")]
        for user in users:
            scheme = hash_scheme(user.password_hash)
            if scheme not in ("bcrypt", "none"):
                scheme += " (bcrypt from the next login)"
            status = status_of(user)
            rows.append((str(user.id), user.username, user.role, status, scheme))
    if not users:
        return "No users."
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    )


def status_of(user: User) -> str:
    if not user.is_active:
        return "disabled"
    until = suspension.active_until(user)
    return f"suspended until {until:%Y-%m-%dT%H:%MZ}" if until else "active"


def board_url(settings: Settings, args: argparse.Namespace) -> str:
    """Where the link points: ``--url``, else ``scratchpad.public_url``, else a UsageError."""
    try:
        url = check_public_url(args.url, "--url") if args.url else settings["scratchpad.public_url"]
    except SettingsError as error:
        raise UsageError(str(error)) from None
    if not url:
        raise UsageError(
            "the link needs the board's address: set scratchpad.public_url (or SCRATCHPAD_PUBLIC_URL), "
            "or give --url https://board.example.org."
        )
    return url


def link_message(url: str, expires_at: datetime, who: str) -> str:
    return f"{who}, usable once until {expires_at:%Y-%m-%d %H:%M} UTC:\n{url}"


def invite_user(database: Database, settings: Settings, args: argparse.Namespace, stdin: TextIO) -> str:
    url = board_url(settings, args)
    role = ADMIN if args.admin else MEMBER
    try:
        with database.begin() as dbsession:
            token, link = rules.invite(
                dbsession, OPERATOR, args.name, role, settings["scratchpad.invitation_hours"]
            )
            username, expires_at = link.username, link.expires_at
    except InvalidUsername as error:
        raise UsageError(str(error)) from None
    audit.record("invitation", "created", username, ACTOR, role=role)
    who = f"Invitation for {username} ({rules.ROLE_NAMES[role]})"
    return link_message(f"{url}/invitations/{token}", expires_at, who)


def reset_link(database: Database, settings: Settings, args: argparse.Namespace, stdin: TextIO) -> str:
    url = board_url(settings, args)
    with database.begin() as dbsession:
        user = find_user(dbsession, args.name)
        token, link = rules.reset_link(dbsession, OPERATOR, user, settings["scratchpad.reset_hours"])
        username, expires_at = user.username, link.expires_at
    audit.record("reset", "created", username, ACTOR)
    who = f"Password reset link for {username} (using it ends their sessions)"
    return link_message(f"{url}/reset/{token}", expires_at, who)


def add_user(database: Database, settings: Settings, args: argparse.Namespace, stdin: TextIO) -> str:
    username = username_of(args.name)
    role = ADMIN if args.admin else MEMBER
    with database.begin() as dbsession:
        refuse_existing(dbsession, username)
    password = new_password(username, settings, stdin)
    with database.begin() as dbsession:
        refuse_existing(dbsession, username)
        user = User(username=username, role=role)
        user.set_password(
            password, settings["scratchpad.bcrypt_rounds"], settings["scratchpad.min_password_length"]
        )
        dbsession.add(user)
    audit.record("user", "created", username, ACTOR, role=role)
    return f"Created {'admin' if role == ADMIN else 'user'} {username}."


def change_password(database: Database, settings: Settings, args: argparse.Namespace, stdin: TextIO) -> str:
    with database.begin() as dbsession:
        username = find_user(dbsession, args.name).username
    password = new_password(username, settings, stdin)
    with database.begin() as dbsession:
        user = find_user(dbsession, username)
        user.set_password(
            password, settings["scratchpad.bcrypt_rounds"], settings["scratchpad.min_password_length"]
        )
        # set_password ended every session (copies of old cookies included); the open reset
        # links and the feed address go too.
        rules.end_other_ways_in(dbsession, user)
    audit.record("user", "password changed", username, ACTOR)
    return f"Changed the password of {username}; their sessions, reset links and feed address have ended."


def change_role(database: Database, settings: Settings, args: argparse.Namespace, stdin: TextIO) -> str:
    username, (changed, revoked) = act_on_user(
        database, args.name, partial(rules.change_role, role=args.role)
    )
    if not changed:
        return f"{username} is already {rules.ROLE_NAMES[args.role]}."
    audit.record("user", "role changed", username, ACTOR, role=args.role, **rules.revoked_detail(revoked))
    done = f"{username} is now {rules.ROLE_NAMES[args.role]}, from their next request on."
    return f"{done}\n{links_revoked(revoked)}" if revoked else done


def disable_user(database: Database, settings: Settings, args: argparse.Namespace, stdin: TextIO) -> str:
    # Never refused here: disabling is how a stolen admin account is stopped at once.
    username, (changed, last_admin, revoked) = act_on_user(database, args.name, rules.disable)
    if not changed:
        return f"{username} was already disabled."
    audit.record("user", "disabled", username, ACTOR, **rules.revoked_detail(revoked))
    lines = [f"Disabled {username}; their sessions, reset links and feed address have ended."]
    if revoked:
        lines.append(links_revoked(revoked))
    if last_admin:
        lines.append(no_admin_left(args.config_uri))
    return "\n".join(lines)


def links_revoked(count: int) -> str:
    """The open links a disabled or demoted admin had made (rules.disable, rules.change_role)."""
    return f"Revoked the {count} open link(s) they made (invitations and password resets)."


def enable_user(database: Database, settings: Settings, args: argparse.Namespace, stdin: TextIO) -> str:
    username, changed = act_on_user(database, args.name, rules.enable)
    if not changed:
        return f"{username} was already enabled."
    audit.record("user", "enabled", username, ACTOR)
    return f"Enabled {username}."


def suspend_user(database: Database, settings: Settings, args: argparse.Namespace, stdin: TextIO) -> str:
    try:
        until = suspension.parse_until(args.until)
    except suspension.InvalidUntil as error:
        raise UsageError(f"--until: {error}") from None
    username, _ = act_on_user(database, args.name, partial(rules.suspend, until=until))
    ends = f"{until:%Y-%m-%d %H:%M} UTC"
    audit.record("user", "suspended", username, ACTOR, until=ends)
    return f"Suspended {username} until {ends}: they can read and log in, but not post, reply or edit."


def unsuspend_user(database: Database, settings: Settings, args: argparse.Namespace, stdin: TextIO) -> str:
    username, changed = act_on_user(database, args.name, rules.unsuspend)
    if not changed:
        return f"{username} was not suspended."
    audit.record("user", "unsuspended", username, ACTOR)
    return f"Lifted the suspension of {username}; they can post again."


def delete_user(database: Database, settings: Settings, args: argparse.Namespace, stdin: TextIO) -> str:
    with database.begin() as dbsession:
        user = find_user(dbsession, args.name)
        username = user.username
        rules.check_deletable(dbsession, OPERATOR, user)
        # Links made for them go with their row; those they made as an admin end here.
        revoked = tokens.revoke_made_by(dbsession, username)
        if args.erase:
            erased = erase_comments(dbsession, user)
        else:
            # In the same transaction: the comments stay, shown as by anonymous, the way the
            # tutorial's page shows a comment without a commenter.
            # An UPDATE's result is a CursorResult, which counts the rows; Session.execute's type does not say so.
            kept = cast(
                sa.CursorResult[Any],
                dbsession.execute(
                    sa.update(Comment).where(Comment.commenter_id == user.id).values(commenter_id=None)
                ),
            ).rowcount
        dbsession.delete(user)
    if args.erase:
        audit.record(
            "user", "deleted", username, ACTOR, comments_erased=erased, **rules.revoked_detail(revoked)
        )
        done = f"Deleted {username} and erased their {erased} comment(s)."
    else:
        audit.record("user", "deleted", username, ACTOR, comments_kept=kept, **rules.revoked_detail(revoked))
        done = f"Deleted {username}; their {kept} comment(s) now show as by anonymous."
    return f"{done}\n{links_revoked(revoked)}" if revoked else done


def erase_comments(dbsession: Session, user: User) -> int:
    """Delete ``user``'s comments and the mail quoting them, close their open reports, and
    blank what the moderation log copied of them (its entries stay: that a moderator acted
    is the board's record, the words were the user's);
    the number of comments erased. One that others answered keeps its row without its text,
    as when its author deletes it on the board, so the replies stay readable under "deleted
    by its author"; newest first, so that their own replies go before what they answer."""
    theirs = sa.select(Comment.id).where(Comment.commenter_id == user.id)
    # Mail quoting their words goes, sent or waiting (the worker would send a waiting one: its
    # comment may stay as a placeholder); their comments' open reports close as a deletion by
    # the author closes them, so the inbox lists no report on words that are gone.
    dbsession.execute(sa.delete(OutboxMail).where(OutboxMail.comment_id.in_(theirs)))
    reports.resolve(dbsession, list(dbsession.scalars(theirs)), None, report.DELETED)
    dbsession.execute(
        sa.update(ModerationAction)
        .where(
            sa.or_(ModerationAction.comment_id.in_(theirs), ModerationAction.comment_author == user.username)
        )
        .values(comment_excerpt="", comment_author=None)
    )
    comments = dbsession.scalars(
        sa.select(Comment).where(Comment.commenter_id == user.id).order_by(Comment.id.desc())
    ).all()
    for comment in comments:
        threads.remove(dbsession, comment, DELETED_BY_AUTHOR)
        if comment.deleted_at is not None:
            comment.commenter_id = None  # a placeholder kept for its replies is nobody's now
        dbsession.flush()
    return len(comments)


def prune_rows(database: Database, settings: Settings, args: argparse.Namespace, stdin: TextIO) -> str:
    with database.begin() as dbsession:
        failures, events = throttle.prune(dbsession, settings)
        mails = prune_finished(dbsession, settings["scratchpad.mail_keep_days"], utcnow())
    return (
        f"Pruned {failures} expired login failure(s), {events} expired rate event(s) "
        f"and {mails} finished mail(s)."
    )


def send_mail(database: Database, settings: Settings, args: argparse.Namespace, stdin: TextIO) -> str:
    server = smtp_server(settings)
    if server is None:
        raise UsageError("the board sends no email: set scratchpad.smtp_url (or SCRATCHPAD_SMTP_URL) first.")
    if args.interval <= 0:
        raise UsageError("--interval must be more than 0 seconds.")
    sender = Sender(server, settings["scratchpad.mail_from"])
    if not args.watch:
        return str(send_once(database, sender))
    watch(database, sender, args.interval, stop_on_signals())
    return "Stopped."


ACTIONS = {
    "list": list_users,
    "invite": invite_user,
    "reset": reset_link,
    "add": add_user,
    "passwd": change_password,
    "role": change_role,
    "disable": disable_user,
    "enable": enable_user,
    "suspend": suspend_user,
    "unsuspend": unsuspend_user,
    "delete": delete_user,
    "prune": prune_rows,
    "mail send": send_mail,
}


def load_config(config_uri: str) -> Settings:
    """The app's settings (environment overrides included, no secret needed), or UsageError."""
    try:
        setup_logging(config_uri)
        raw_settings = get_appsettings(config_uri)
    except Exception as error:  # a missing file or section: say so, no traceback
        raise UsageError(f"cannot read {config_uri}: {error}") from None
    try:
        return load_settings(raw_settings, require_secret=False)
    except SettingsError as error:
        raise UsageError(str(error)) from None


def main(argv: list[str] | None = None, stdin: TextIO | None = None) -> int:
    """The command: its exit status, returned for the entry point's ``sys.exit``.

    ``argv`` (the program's name first) and ``stdin`` are the process's own unless given, looked
    up at each call rather than once at import, so that a caller in the same process (the tests,
    tests/support/in_process.py) can hand in its own or swap ``sys.stdin``.
    """
    args = parse_args(sys.argv if argv is None else argv)
    stdin = sys.stdin if stdin is None else stdin
    try:
        settings = load_config(args.config_uri)
        engine = get_engine(settings)
        try:
            if args.action in board_commands.ACTIONS:
                message = board_commands.ACTIONS[args.action](engine, settings, args)
            else:
                message = ACTIONS[args.action](sessionmaker(engine), settings, args, stdin)
        finally:
            engine.dispose()
    except (Refused, board_errors.Refused) as error:
        print(f"{PROG}: {error} Nothing was changed.", file=sys.stderr)
        return 1
    except rules.Refused as error:
        print(f"{PROG}: {refusal_message(error, args.config_uri)} Nothing was changed.", file=sys.stderr)
        return 1
    except board_errors.Unusable as error:
        print(f"{PROG}: {error} Nothing was changed.", file=sys.stderr)
        return 2
    except UsageError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 2
    except sa.exc.SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        print(
            f"{PROG}: cannot use the database ({reason}). Is it reachable, and migrated with "
            f"`initialize_scratchpad_db {args.config_uri}`?",
            file=sys.stderr,
        )
        return 2
    print(message)
    return 0

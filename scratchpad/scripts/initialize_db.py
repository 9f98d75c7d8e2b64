"""``initialize_scratchpad_db``: migrate the database to the newest schema and add users.

``--user NAME`` makes a member, ``--admin NAME`` an admin; ``--initial-admin`` makes the
first admin of an empty board.

A database made by the Flask tutorial's app is adopted instead (:mod:`scratchpad.scripts.adopt`).

Exit status: 0 done, 1 refused (a user exists, a password breaks a rule, the tutorial's
database cannot be adopted as it is; nothing changed), 2 bad command line or configuration
(an ini file that cannot be read, no migrations where ``[alembic] script_location`` points, a
database that cannot be reached).
"""

import argparse
import getpass
import secrets
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from pyramid.paster import get_appsettings, setup_logging
from sqlalchemy.orm import Session

from scratchpad import audit
from scratchpad.accounts.passwords import PasswordError, validate_new_password
from scratchpad.board.rerender import rerender_stale
from scratchpad.models import User, get_engine
from scratchpad.models.user import ADMIN, MEMBER, InvalidUsername, validate_username
from scratchpad.scripts import adopt
from scratchpad.settings import SettingsError, load_settings

# alembic is imported where it is used: ``scratchpad-admin`` imports this module for its
# password prompts, and alembic (with mako and the dialects it loads) was a fifth of its start
# (portability/target.py).
if TYPE_CHECKING:
    import alembic.config
    import alembic.script

INITIAL_ADMIN = "admin"


class Refused(Exception):
    """The run changes nothing; the message says why."""


class Unusable(Exception):
    """The configuration leads nowhere (no migrations, no database): nothing changed, status 2."""

    status = 2


class NewUser(argparse.Action):
    """Collects ``--user`` and ``--admin`` into one list of (name, role), in command-line order,
    so the passwords on standard input follow the order the operator wrote the names in."""

    def __init__(self, option_strings: Sequence[str], dest: str, role: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, **kwargs)
        self.role = role

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        name: Any,
        option_string: str | None = None,
    ) -> None:
        getattr(namespace, self.dest).append((name, self.role))


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="initialize_scratchpad_db",
        description="Migrate the database to the newest schema (safe to run again) "
        "and optionally create users.",
    )
    parser.add_argument("config_uri", help="the ini file, e.g. development.ini")
    parser.add_argument(
        "--user",
        action=NewUser,
        role=MEMBER,
        dest="new_users",
        default=[],
        metavar="NAME",
        help="create this user, a member (repeatable); each password is asked for twice on a "
        "terminal, or read one line per user from standard input, in the order the users are named",
    )
    parser.add_argument(
        "--admin",
        action=NewUser,
        role=ADMIN,
        dest="new_users",
        metavar="NAME",
        help="create this user as an admin, who may moderate the board (repeatable); the "
        "password is read as for --user",
    )
    parser.add_argument(
        "--initial-admin",
        action="store_true",
        help=f"when there are no users at all, create the admin '{INITIAL_ADMIN}' with a random "
        "password and print it once",
    )
    parser.add_argument(
        "--tutorial-timezone",
        metavar="ZONE",
        help="when adopting the Flask tutorial's database: the time zone its server's clock "
        "was in (an IANA name such as Europe/London, or UTC), to turn its comment times into "
        "UTC; required when its comments have times",
    )
    return parser.parse_args(argv[1:])


def read_passwords(usernames: Iterable[str], stdin: TextIO, min_length: int) -> dict[str, str]:
    """One password per user: prompted twice on a terminal, else one line each from stdin."""
    found = {}
    for username in usernames:
        if stdin.isatty():
            password = getpass.getpass(f"Password for {username}: ")
            if getpass.getpass(f"Password for {username} (again): ") != password:
                raise Refused(f"The two passwords for {username} differ.")
        else:
            line = stdin.readline()
            if not line:
                raise Refused(f"No password for {username} on standard input.")
            password = line.rstrip("\r\n")
        try:
            validate_new_password(password, min_length)
        except PasswordError as error:
            raise Refused(f"{username}: {error}") from None
        found[username] = password
    return found


def alembic_config(config_uri: str) -> "alembic.config.Config":
    import alembic.config

    config = alembic.config.Config(config_uri)
    config.attributes["configure_logging"] = False
    return config


def migrate(config_uri: str) -> None:
    import alembic.command

    alembic.command.upgrade(alembic_config(config_uri), "head")


def find_migrations(config_uri: str) -> "alembic.script.ScriptDirectory":
    """The migrations ``[alembic] script_location`` names; :class:`Unusable` when they are not there
    (a package installed without them, an ini file without the section)."""
    import alembic.script
    import alembic.util

    config = alembic_config(config_uri)
    try:
        location = config.get_main_option("script_location")
    except alembic.util.CommandError:  # no [alembic] section at all
        location = None
    if location is None:
        raise Unusable(f"{config_uri} has no [alembic] section with a script_location.")
    try:
        return alembic.script.ScriptDirectory.from_config(config)
    except alembic.util.CommandError:
        raise Unusable(
            f"no migrations at {location} ([alembic] script_location in {config_uri}); the shipped "
            "ini files say scratchpad:migrations, which the installed package holds."
        ) from None


def check_reachable(engine: sa.Engine, config_uri: str) -> None:
    """Connect once before anything else, so that a wrong URL or a server that is down is one line
    (the driver's reason, never the URL and its password) rather than a traceback."""
    try:
        with engine.connect():
            pass
    except sa.exc.SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise Unusable(
            f"cannot reach the database: {reason}. Check sqlalchemy.url in {config_uri} "
            "(or SCRATCHPAD_DATABASE_URL) and that the server is up."
        ) from None


def prepare_adoption(config_uri: str, engine: sa.Engine, zone: ZoneInfo | None) -> adopt.Adoption | None:
    """An :class:`adopt.Adoption` checked and ready when this is the tutorial's database, else None.

    Raises :class:`adopt.AdoptionError` (nothing changed) when it cannot be adopted as it is.
    """
    script = find_migrations(config_uri)
    known_revisions = {revision.revision for revision in script.walk_revisions()}
    with engine.connect() as connection:
        tutorial = adopt.find_tutorial_database(connection, known_revisions)
    if tutorial is None:
        return None
    adoption = adopt.Adoption(engine, tutorial, zone)
    adoption.check()
    return adoption


def describe_adoption(report: adopt.Report, config_uri: str) -> str:
    lines = [
        f"Adopted the Flask tutorial's database: {report.users} user(s) and "
        f"{report.comments} comment(s), all at our newest schema."
    ]
    if report.timezone:
        lines.append(f"Comment times were read as {report.timezone} local time and stored as UTC.")
    if report.ambiguous_times:
        lines.append(
            f"{report.ambiguous_times} comment time(s) fell in the hour repeated when clocks go "
            "back; each was taken as the first of the two (summer time)."
        )
    if report.nonexistent_times:
        lines.append(
            f"{report.nonexistent_times} comment time(s) fell in the hour skipped when clocks go "
            "forward; each was read with the offset from before the change."
        )
    if report.orphaned_comments:
        lines.append(
            f"{report.orphaned_comments} comment(s) named users that no longer exist; they now "
            "show as by anonymous."
        )
    if report.without_password:
        lines.append(
            f"No usable password for {', '.join(report.without_password)}: set one with "
            f"`scratchpad-admin {config_uri} users passwd NAME`."
        )
    if report.users:
        lines.append("Users log in with their old passwords, stored as bcrypt from their next login on.")
    if report.leftover_tables:
        lines.append(
            f"The tutorial's old tables {', '.join(report.leftover_tables)} could not be dropped "
            "(their rows are all copied): drop them by hand."
        )
    return "\n".join(lines)


def add_users(
    dbsession: Session, roles: dict[str, str], new_passwords: dict[str, str], rounds: int, min_length: int
) -> None:
    """Create each user of ``new_passwords`` with the role ``roles`` gives them."""
    taken = dbsession.scalars(sa.select(User.username).where(User.username.in_(new_passwords))).all()
    if taken:
        raise Refused(f"User already exists: {', '.join(sorted(taken))}. Nothing was changed.")
    for username, password in new_passwords.items():
        user = User(username=username, role=roles[username])
        user.set_password(password, rounds, min_length)
        dbsession.add(user)
        audit.record("user", "created", username, "command line", role=roles[username])


def add_initial_admin(dbsession: Session, rounds: int) -> str | None:
    """Create the first admin only on an empty users table; returns the password, or None."""
    if dbsession.scalar(sa.select(sa.func.count()).select_from(User)):
        return None
    password = secrets.token_urlsafe(16)
    admin = User(username=INITIAL_ADMIN, role=ADMIN)
    admin.set_password(password, rounds)
    dbsession.add(admin)
    audit.record("user", "created", INITIAL_ADMIN, "command line", initial_admin=True, role=ADMIN)
    return password


def has_users_but_no_admin(dbsession: Session) -> bool:
    """True when nobody can moderate: users exist, none of them an active admin (as on a board
    from before roles existed, whose users all became members)."""
    if dbsession.scalar(sa.select(User.id).limit(1)) is None:
        return False
    return dbsession.scalar(sa.select(User.id).where(User.role == ADMIN, User.is_active).limit(1)) is None


def main(argv: list[str] | None = None, stdin: TextIO | None = None) -> int:
    """The command's exit status; ``argv`` and ``stdin`` as for :func:`scratchpad.scripts.admin.main`."""
    args = parse_args(sys.argv if argv is None else argv)
    stdin = sys.stdin if stdin is None else stdin
    try:
        setup_logging(args.config_uri)
        raw_settings = get_appsettings(args.config_uri)
    except Exception as error:  # a missing file or section: say so, no traceback
        print(f"initialize_scratchpad_db: cannot read {args.config_uri}: {error}", file=sys.stderr)
        return 2
    try:
        # The same loader as the app (environment overrides included), minus the secret.
        settings = load_settings(raw_settings, require_secret=False)
    except SettingsError as error:
        print(f"initialize_scratchpad_db: {error}", file=sys.stderr)
        return 2
    rounds = settings["scratchpad.bcrypt_rounds"]
    min_length = settings["scratchpad.min_password_length"]

    roles = {}  # username: role, in command-line order
    for name, role in args.new_users:
        try:
            username = validate_username(name)
        except InvalidUsername as error:
            print(f"initialize_scratchpad_db: {error}", file=sys.stderr)
            return 2
        if username in roles:
            # Usernames ignore case: "Bob" and "bob" are one user.
            print(f"initialize_scratchpad_db: {username} is named twice (--user, --admin).", file=sys.stderr)
            return 2
        roles[username] = role
    zone = None
    if args.tutorial_timezone:
        try:
            zone = ZoneInfo(args.tutorial_timezone)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            print(
                f"initialize_scratchpad_db: unknown time zone {args.tutorial_timezone!r}; use an "
                "IANA name such as Europe/London or UTC.",
                file=sys.stderr,
            )
            return 2
    engine = get_engine(settings)
    try:
        # Everything that could refuse is checked before anything changes.
        find_migrations(args.config_uri)  # before the database is touched (SQLite makes a file)
        check_reachable(engine, args.config_uri)
        adoption = prepare_adoption(args.config_uri, engine, zone)
        if adoption is not None:
            taken = sorted(set(roles) & {user["username"] for user in adoption.users})
            if taken:
                raise Refused(
                    f"User already exists in the tutorial's database: {', '.join(taken)}. "
                    "Nothing was changed."
                )
        new_passwords = read_passwords(roles, stdin, min_length)
        if adoption is None:
            migrate(args.config_uri)
            report = None
        else:
            report = adoption.run(lambda: migrate(args.config_uri))
            audit.record(
                "database",
                "adopted",
                "-",
                "command line",
                users=report.users,
                comments=report.comments,
                timezone=report.timezone or None,
            )
        rerendered = rerender_stale(engine)
        with Session(engine) as dbsession, dbsession.begin():
            add_users(dbsession, roles, new_passwords, rounds, min_length)
            admin_password = add_initial_admin(dbsession, rounds) if args.initial_admin else None
            without_admin = has_users_but_no_admin(dbsession)
    except (Refused, Unusable, adopt.AdoptionError) as error:
        print(f"initialize_scratchpad_db: {error}", file=sys.stderr)
        return getattr(error, "status", 1)
    finally:
        engine.dispose()

    if report is not None:
        print(describe_adoption(report, args.config_uri))
    if rerendered:
        print(f"Stored the HTML of {rerendered} comment(s) under the current formatting rules.")
    for username in new_passwords:
        print(f"Created {'admin' if roles[username] == ADMIN else 'user'} {username}.")
    if admin_password:
        print(
            f"Created user {INITIAL_ADMIN} with password: {admin_password}\n"
            "This password is shown only once: note it now."
        )
    if without_admin:
        print(
            "Nobody can moderate the board: no user is an active admin. Make one with "
            f"`scratchpad-admin {args.config_uri} users role NAME admin`."
        )
    return 0

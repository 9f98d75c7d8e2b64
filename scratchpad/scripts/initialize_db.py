"""``initialize_scratchpad_db``: migrate the database to the newest schema and add users.

Exit status: 0 done, 1 refused (a user exists, a password breaks a rule; nothing changed),
2 bad command line or configuration.
"""

import argparse
import getpass
import secrets
import sys

import alembic.command
import alembic.config
import sqlalchemy as sa
from pyramid.paster import get_appsettings, setup_logging
from sqlalchemy.orm import Session

from .. import audit
from ..models import User, get_engine
from ..models.user import InvalidUsername, validate_username
from ..passwords import PasswordError, validate_new_password
from ..settings import SettingsError, load_settings

INITIAL_ADMIN = "admin"


class Refused(Exception):
    """The run changes nothing; the message says why."""


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="initialize_scratchpad_db",
        description="Migrate the database to the newest schema (safe to run again) "
        "and optionally create users.",
    )
    parser.add_argument("config_uri", help="the ini file, e.g. development.ini")
    parser.add_argument(
        "--user",
        action="append",
        default=[],
        metavar="NAME",
        help="create this user (repeatable); each password is asked for twice on a "
        "terminal, or read one line per user from standard input",
    )
    parser.add_argument(
        "--initial-admin",
        action="store_true",
        help=f"when there are no users at all, create '{INITIAL_ADMIN}' with a random "
        "password and print it once",
    )
    return parser.parse_args(argv[1:])


def read_passwords(usernames, stdin, min_length):
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


def migrate(config_uri):
    alembic_config = alembic.config.Config(config_uri)
    alembic_config.attributes["configure_logging"] = False
    alembic.command.upgrade(alembic_config, "head")


def add_users(dbsession, new_passwords, rounds, min_length):
    taken = dbsession.scalars(sa.select(User.username).where(User.username.in_(new_passwords))).all()
    if taken:
        raise Refused(f"User already exists: {', '.join(sorted(taken))}. Nothing was changed.")
    for username, password in new_passwords.items():
        user = User(username=username)
        user.set_password(password, rounds, min_length)
        dbsession.add(user)
        audit.record("user", "created", username, "command line")


def add_initial_admin(dbsession, rounds):
    """Create the first admin only on an empty users table; returns the password, or None."""
    if dbsession.scalar(sa.select(sa.func.count()).select_from(User)):
        return None
    password = secrets.token_urlsafe(16)
    admin = User(username=INITIAL_ADMIN)
    admin.set_password(password, rounds)
    dbsession.add(admin)
    audit.record("user", "created", INITIAL_ADMIN, "command line", initial_admin=True)
    return password


def main(argv=sys.argv, stdin=sys.stdin):
    args = parse_args(argv)
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

    try:
        usernames = [validate_username(name) for name in args.user]
    except InvalidUsername as error:
        print(f"initialize_scratchpad_db: {error}", file=sys.stderr)
        return 2
    if len(set(usernames)) != len(usernames):
        # Usernames ignore case: "Bob" and "bob" are one user.
        print("initialize_scratchpad_db: the same --user is named twice.", file=sys.stderr)
        return 2
    try:
        new_passwords = read_passwords(usernames, stdin, min_length)
        migrate(args.config_uri)
        engine = get_engine(settings)
        try:
            with Session(engine) as dbsession, dbsession.begin():
                add_users(dbsession, new_passwords, rounds, min_length)
                admin_password = add_initial_admin(dbsession, rounds) if args.initial_admin else None
        finally:
            engine.dispose()
    except Refused as error:
        print(f"initialize_scratchpad_db: {error}", file=sys.stderr)
        return 1

    for username in new_passwords:
        print(f"Created user {username}.")
    if admin_password:
        print(
            f"Created user {INITIAL_ADMIN} with password: {admin_password}\n"
            "This password is shown only once: note it now."
        )
    return 0

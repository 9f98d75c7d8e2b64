"""Adopt a database made by the Flask tutorial's app: bring it to our schema, keeping every row.

The tutorial's database has ``users`` (id, username, password_hash: a werkzeug hash) and
``comments`` (id, content, posted: the server's naive local time, commenter_id), and an
``alembic_version`` row naming a Flask-Migrate revision we do not know (or none, if it was
made before the tutorial added migrations). Adopting it:

1. checks everything first, changing nothing: the usernames (they become canonical, so "Bob"
   and "bob" would be one user: refused), the time zone the timestamps were written in;
2. renames the tutorial's three tables aside (one atomic ``RENAME TABLE`` on MySQL);
3. runs our migrations to head, which create our tables under the usual names;
4. copies the rows in one transaction, keeping ids; times become UTC; on MySQL the
   auto-increment counters continue after the tutorial's;
5. drops the tables set aside.

MySQL cannot roll DDL back, so a failure in steps 3-4 is undone by hand: the tables this run
created are dropped and the tutorial's renamed back, leaving the database as it was. werkzeug
hashes are kept as they are; the login view replaces each with bcrypt at the user's next login.
"""

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any, cast

import sqlalchemy as sa

from scratchpad.accounts.passwords import hash_scheme
from scratchpad.models import Comment, User
from scratchpad.models.comment import with_html
from scratchpad.models.user import InvalidUsername, new_session_secret, validate_username

TUTORIAL_USERS_COLUMNS = frozenset({"id", "username", "password_hash"})
#: ``posted`` and ``commenter_id`` came in later steps of the tutorial; earlier databases lack them.
TUTORIAL_COMMENTS_COLUMNS = frozenset({"id", "content", "posted", "commenter_id"})
#: Where the tutorial's tables wait while ours are created (original name -> name aside).
ASIDE = {
    "comments": "adopting_tutorial_comments",
    "users": "adopting_tutorial_users",
    "alembic_version": "adopting_tutorial_alembic_version",
}
#: The length of our column's String (its type is not known to be a String to mypy).
PASSWORD_HASH_LENGTH: int = cast(Any, User.__table__).c.password_hash.type.length
USERS = cast(sa.Table, User.__table__)
COMMENTS = cast(sa.Table, Comment.__table__)
BATCH = 1000


class AdoptionError(Exception):
    """Adoption is refused or failed; the database is as it was. The message says why."""

    status = 1


class TimezoneRequired(AdoptionError):
    """The comments have times, and the command line did not say in which zone."""

    status = 2


@dataclass
class TutorialDatabase:
    tables: set[str]
    revisions: Sequence[str]
    comments_columns: set[str]
    has_users: bool


@dataclass
class Report:
    users: int = 0
    comments: int = 0
    timezone: str = ""
    #: Users whose stored hash no login can match (none, werkzeug's "plain", or unknown).
    without_password: list[str] = field(default_factory=list)
    #: Comments whose commenter no longer exists: they now show as by anonymous.
    orphaned_comments: int = 0
    #: Local times that happened twice (clocks going back), read as the first of the two.
    ambiguous_times: int = 0
    #: Local times that never happened (clocks going forward), read with the earlier offset.
    nonexistent_times: int = 0
    #: Set-aside tables that could not be dropped once the rows were safely copied.
    leftover_tables: list[str] = field(default_factory=list)


def find_tutorial_database(
    connection: sa.Connection, known_revisions: Collection[str]
) -> TutorialDatabase | None:
    """The tutorial's tables if this is its database, None for a new or already-ours database.

    Raises :class:`AdoptionError` for a database at a revision we do not know that is not
    the tutorial's either: migrating it would fail half way.
    """
    inspector = sa.inspect(connection)
    tables = set(inspector.get_table_names())
    revisions: Sequence[str] = []
    if "alembic_version" in tables:
        revisions = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all()
    if any(revision in known_revisions for revision in revisions):
        return None
    leftovers = sorted(tables & set(ASIDE.values()))
    if leftovers:
        raise AdoptionError(
            f"Tables {', '.join(leftovers)} exist: an earlier adoption of the tutorial's "
            "database was interrupted. Check them, then rename them back to "
            f"{', '.join(name for name, aside in ASIDE.items() if aside in leftovers)} "
            "(or drop them) and run this again. Nothing was changed."
        )
    comments_columns = (
        {column["name"] for column in inspector.get_columns("comments")} if "comments" in tables else set()
    )
    users_columns = (
        {column["name"] for column in inspector.get_columns("users")} if "users" in tables else None
    )
    looks_like_tutorial = (
        {"id", "content"} <= comments_columns <= TUTORIAL_COMMENTS_COLUMNS
        and users_columns in (None, TUTORIAL_USERS_COLUMNS)
        and ("commenter_id" not in comments_columns or users_columns is not None)
    )
    if looks_like_tutorial:
        return TutorialDatabase(tables, revisions, comments_columns, users_columns is not None)
    if revisions:
        raise AdoptionError(
            f"The database is at alembic revision {', '.join(revisions)}, which this version of "
            "scratchpad does not know, and its tables are not the Flask tutorial's either. "
            "Nothing was changed."
        )
    return None


def to_utc(posted: object, zone: tzinfo | None, report: Report) -> datetime:
    """A naive local time from the tutorial, as an aware UTC time.

    ``datetime.now()`` stored no offset, so a time in the hour that repeats when clocks go
    back could be either; we take the first (``fold=0``, still summer time), at most an hour
    out. A time in the hour skipped when clocks go forward cannot come from a correct clock;
    ``fold=0`` reads it with the offset from before the change. Both are counted and reported.
    """
    if not isinstance(posted, datetime):
        raise AdoptionError(f"A comment's time, {posted!r}, is not a date and time.")
    first, second = posted.replace(tzinfo=zone, fold=0), posted.replace(tzinfo=zone, fold=1)
    if first.utcoffset() != second.utcoffset():
        back = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
        if back == posted:
            report.ambiguous_times += 1
        else:
            report.nonexistent_times += 1
    return first.astimezone(UTC)


class Adoption:
    """One adoption: :meth:`check` reads and validates (no changes), :meth:`run` does it."""

    def __init__(self, engine: sa.Engine, tutorial: TutorialDatabase, zone: tzinfo | None) -> None:
        self.engine = engine
        self.tutorial = tutorial
        self.zone = zone
        self.is_mysql = engine.dialect.name in ("mysql", "mariadb")
        self.users: list[dict[str, Any]] = []
        self.next_ids: dict[str, int] = {}
        self.report = Report(timezone=getattr(zone, "key", str(zone)) if zone else "")

    def check(self) -> None:
        """Read what will be copied and refuse anything that cannot be; changes nothing."""
        if self.engine.dialect.name not in ("sqlite", "mysql", "mariadb"):
            raise AdoptionError(
                f"Adopting the tutorial's database on {self.engine.dialect.name} is not supported."
            )
        with self.engine.connect() as connection:
            if self.tutorial.has_users:
                self.users = self._checked_users(connection)
            if "posted" in self.tutorial.comments_columns and self.zone is None:
                timed = connection.execute(sa.text("SELECT COUNT(posted) FROM comments")).scalar()
                if timed:
                    raise TimezoneRequired(
                        "This is the Flask tutorial's database, and its comment times are the "
                        "local time of the server that ran it, with no zone. Say which zone that "
                        "was with --tutorial-timezone, e.g. --tutorial-timezone Europe/London "
                        "(PythonAnywhere's servers run on UTC: --tutorial-timezone UTC). "
                        "Nothing was changed."
                    )
            if self.is_mysql:
                self.next_ids = self._mysql_next_ids(connection)

    def _checked_users(self, connection: sa.Connection) -> list[dict[str, Any]]:
        rows = connection.execute(sa.text("SELECT id, username, password_hash FROM users ORDER BY id")).all()
        users: list[dict[str, Any]] = []
        problems: list[str] = []
        owners: dict[str, list[tuple[int, str]]] = {}
        for user_id, name, password_hash in rows:
            try:
                username = validate_username(name or "")
            except InvalidUsername as error:
                problems.append(f"user {user_id} ({name!r}): {error}")
                continue
            owners.setdefault(username, []).append((user_id, name))
            if (
                not password_hash
                or len(password_hash) > PASSWORD_HASH_LENGTH
                or hash_scheme(password_hash) == "none"
            ):
                # Never carried over: nothing could match it, and werkzeug's "plain" is the password itself.
                password_hash = ""
                self.report.without_password.append(username)
            users.append(dict(id=user_id, username=username, password_hash=password_hash))
        for username, same in owners.items():
            if len(same) > 1:
                spelled = " and ".join(f"{name!r} (id {user_id})" for user_id, name in same)
                problems.append(
                    f"{spelled} would be the same user here: usernames ignore case, so both are {username!r}"
                )
        if problems:
            raise AdoptionError(
                "Cannot adopt the tutorial's users: "
                + "; ".join(problems)
                + ". Rename or remove them in the tutorial's database first. Nothing was changed."
            )
        return users

    def _mysql_next_ids(self, connection: sa.Connection) -> dict[str, int]:
        """Each table's AUTO_INCREMENT, so ids of deleted rows are not handed out again."""
        rows = connection.execute(
            sa.text(
                "SELECT TABLE_NAME, AUTO_INCREMENT FROM information_schema.TABLES"
                " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ('users', 'comments')"
            )
        ).all()
        return {name: next_id for name, next_id in rows if next_id}

    def run(self, migrate: Callable[[], None]) -> Report:
        """Adopt, calling ``migrate()`` to bring the emptied database to our head; returns a Report."""
        self._rename(back=False)
        try:
            migrate()
            self._copy()
            if self.is_mysql:
                self._continue_auto_increment()
        except BaseException as error:  # Ctrl-C too: never leave the tables set aside
            self._undo(error)
            if isinstance(error, Exception):
                raise AdoptionError(
                    f"Adopting the tutorial's database failed ({first_line(error)}); "
                    "its tables were restored as they were. Nothing was changed."
                ) from error
            raise
        self._drop_aside()
        return self.report

    def _renamed_tables(self) -> list[str]:
        """The tutorial's tables that are set aside, referring tables before the referred."""
        return [name for name in ASIDE if name in self.tutorial.tables]

    def _rename(self, back: bool) -> None:
        pairs = [(name, ASIDE[name]) for name in self._renamed_tables()]
        if back:
            pairs = [(new, old) for old, new in pairs]
        with self.engine.begin() as connection:
            if self.is_mysql:
                # One statement: MySQL renames all the tables or none.
                connection.exec_driver_sql(
                    "RENAME TABLE " + ", ".join(f"`{old}` TO `{new}`" for old, new in pairs)
                )
            else:  # SQLite: in one transaction
                for old, new in pairs:
                    connection.exec_driver_sql(f'ALTER TABLE "{old}" RENAME TO "{new}"')

    def _copy(self) -> None:
        with self.engine.begin() as connection:
            if self.users:
                connection.execute(
                    USERS.insert(),
                    [dict(user, is_active=True, session_secret=new_session_secret()) for user in self.users],
                )
            self.report.users = len(self.users)
            user_ids = {user["id"] for user in self.users}
            usernames = {user["username"] for user in self.users}
            comments = sa.Table(ASIDE["comments"], sa.MetaData(), autoload_with=connection)
            last_id = None
            while True:
                query = sa.select(comments).order_by(comments.c.id).limit(BATCH)
                if last_id is not None:
                    query = query.where(comments.c.id > last_id)
                rows = connection.execute(query).mappings().all()
                if not rows:
                    break
                connection.execute(
                    COMMENTS.insert(), [self._comment(row, user_ids, usernames) for row in rows]
                )
                self.report.comments += len(rows)
                last_id = rows[-1]["id"]

    def _comment(
        self, row: sa.RowMapping, user_ids: Collection[int], usernames: Collection[str]
    ) -> dict[str, Any]:
        commenter_id = row.get("commenter_id")
        if commenter_id is not None and commenter_id not in user_ids:
            # SQLite did not enforce the tutorial's foreign key: the user is long gone.
            self.report.orphaned_comments += 1
            commenter_id = None
        posted = row.get("posted")
        return dict(
            # The text with its HTML, as every writer stores it: its mentions of the users link.
            with_html(row["content"] or "", usernames),
            id=row["id"],
            # NULL stays NULL: "Posted at an unknown time", as the tutorial showed it.
            posted_at=None if posted is None else to_utc(posted, self.zone, self.report),
            commenter_id=commenter_id,
        )

    def _continue_auto_increment(self) -> None:
        with self.engine.begin() as connection:
            for table in ("users", "comments"):
                # S608: the table names are the two literals above, nothing a user typed.
                maximum = sa.text(f"SELECT MAX(id) FROM {table}")  # noqa: S608
                highest = connection.execute(maximum).scalar() or 0
                next_id = max(highest + 1, self.next_ids.get(table) or 1)
                connection.exec_driver_sql(f"ALTER TABLE `{table}` AUTO_INCREMENT = {int(next_id)}")

    def _undo(self, error: BaseException) -> None:
        """Drop the tables this run created, then give the tutorial's their names back."""
        try:
            with self.engine.begin() as connection:
                present = set(sa.inspect(connection).get_table_names())
                kept = (self.tutorial.tables - set(ASIDE)) | set(ASIDE.values())
                created = sa.MetaData()
                created.reflect(connection, only=sorted(present - kept))
                created.drop_all(connection)
            self._rename(back=True)
        except Exception as undo_error:
            aside = ", ".join(f"{ASIDE[name]} (was {name})" for name in self._renamed_tables())
            raise AdoptionError(
                f"Adopting the tutorial's database failed ({first_line(error)}), and so did "
                f"putting it back ({first_line(undo_error)}). The tutorial's rows are all in "
                f"the tables {aside}: drop any users, comments, login_failures and "
                "alembic_version tables, then rename those back."
            ) from undo_error

    def _drop_aside(self) -> None:
        for name in self._renamed_tables():
            try:
                with self.engine.begin() as connection:
                    connection.exec_driver_sql(f"DROP TABLE {ASIDE[name]}")
            except sa.exc.SQLAlchemyError:
                # The rows are safely copied; say what is left rather than fail now.
                self.report.leftover_tables.append(ASIDE[name])


def first_line(error: BaseException) -> str:
    text = str(error).strip()
    if isinstance(error, AdoptionError):
        return text
    return f"{type(error).__name__}: {text.splitlines()[0]}" if text else type(error).__name__

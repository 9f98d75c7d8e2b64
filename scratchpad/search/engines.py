"""Finding comments with each database's own full-text index, newest first, a page at a time.

SQLite: the FTS5 table ``comments_fts`` (migration 8a3f6c2d9e41), queried with ``MATCH``.
MariaDB/MySQL: the FULLTEXT index, queried with ``MATCH ... AGAINST (... IN BOOLEAN MODE)``.
Either way the query is written here from the words ``query.parse`` found, each quoted, so
nothing a visitor types is read as the index's syntax; every word and phrase must match.

Newest first, by id, with the board's keyset pages (``?before=<id>``), rather than by
relevance: a page then costs the same however many comments match (FTS5 walks its lists in
id order and stops after a page; ranking would score every match first), pages stay put
while comments arrive, and results read like the board.
"""

import weakref
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.mysql import match as mysql_match
from sqlalchemy.orm import Session

from scratchpad.board import keyset, visible
from scratchpad.models import Comment, User, statement_time
from scratchpad.search.query import InvalidQuery, SearchQuery, Term, fold
from scratchpad.search.schema import FTS_TABLE

FTS = sa.table(FTS_TABLE, sa.column("rowid"))


class SearchTimedOut(Exception):
    """The database stopped the search at its time limit (``scratchpad.search_time_limit_ms``)."""


#: A result as the search page shows it: its text (cut to a snippet), dates, author (None:
#: anonymous), and for moderators whether it is hidden or waiting.
PAGE_COLUMNS = (
    *(Comment.id, Comment.content, Comment.posted_at, Comment.edited_at),
    *(Comment.hidden_at, Comment.waiting_since, User.username),
)
#: A result as the API gives it (``api.comment_json``): its HTML too (``visible.html_of``),
#: and whom it answers. The page reads no HTML: 50 comments' HTML was most of the bytes the
#: statement read.
API_COLUMNS = (Comment.id, *visible.SHOWN_COLUMNS, User.username)


@dataclass(frozen=True)
class Results:
    page: keyset.Page  # rows of the ``columns`` asked for
    left_out: tuple[str, ...]  # words the index cannot look up, so the search went without them


def search(
    reader: Session | sa.Connection,
    query: SearchQuery,
    limit: int,
    before: int | None = None,
    with_hidden: bool = False,
    time_limit: float = 0.0,
    columns: tuple[Any, ...] = PAGE_COLUMNS,
) -> Results:
    """A :class:`Results` page of up to ``limit`` comments holding every word and phrase of
    ``query``, newest first, older than comment ``before`` if given; hidden ones and those
    waiting for approval (board/visible.py) only ``with_hidden`` (for admins). One statement (on MariaDB, the server's index rules are read once per
    process first), of ``columns`` (``PAGE_COLUMNS`` or ``API_COLUMNS``); :class:`InvalidQuery` when the index can look up none of the words.

    On MariaDB/MySQL the statement is stopped after ``time_limit`` seconds (0: never), and
    :class:`SearchTimedOut` raised: InnoDB finds every match before sorting any, so a word
    in most comments costs in proportion to the board (models/statement_time.py).

    ``reader``: where to read (``models.loaded.reader``): a visitor's search makes no ORM
    session, whose set-up, joining the transaction and commit a results page paid for nothing."""
    connection = reader.connection() if isinstance(reader, Session) else reader
    left_out: tuple[str, ...] = ()
    id_column: sa.ColumnElement[Any]
    if connection.dialect.name == "sqlite":
        statement = (
            sa.select(*columns)
            .select_from(FTS)
            .join(Comment, Comment.id == FTS.c.rowid)
            .where(sa.text(f"{FTS_TABLE} MATCH :match").bindparams(match=fts5_query(query.terms)))
        )
        id_column = FTS.c.rowid  # FTS5 hands rows over in rowid order, and stops at the limit
    else:
        rules = index_rules(connection)
        terms, left_out = rules.searchable(query.terms)
        statement = (
            sa.select(*columns)
            .select_from(Comment)
            .where(
                mysql_match(
                    Comment.__table__.c.content, against=boolean_mode_query(terms), in_boolean_mode=True
                )
            )
        )
        id_column = Comment.__table__.c.id
    # A deleted comment kept for its replies has no text left to find; said, not relied on.
    statement = statement.outerjoin(User, Comment.commenter_id == User.id).where(Comment.deleted_at.is_(None))
    if not with_hidden:
        statement = statement.where(Comment.hidden_at.is_(None), visible.PUBLISHED)
    try:
        rows = connection.execute(
            keyset.newest_first(statement, id_column, limit, before),
            execution_options=statement_time.limit(time_limit),
        )
    except sa.exc.DBAPIError as error:
        if statement_time.timed_out(error):
            raise SearchTimedOut() from None
        raise
    return Results(keyset.page_of(rows, limit), left_out)


def fts5_query(terms: tuple[Term, ...]) -> str:
    """FTS5's query: each term a quoted string (FTS5 reads no syntax inside one), the words
    of a phrase inside one string, a ``*`` after it for a prefix; space between terms is AND."""
    return " ".join(quoted(" ".join(term.words)) + ("*" if term.prefix else "") for term in terms)


def boolean_mode_query(terms: tuple[Term, ...]) -> str:
    """InnoDB's boolean mode: ``+word`` (must match), ``+"a phrase"``, ``+word*`` for a prefix.
    The words hold letters and digits only (``query.WORD``), none of the mode's operators."""
    parts = []
    for term in terms:
        if len(term.words) > 1:
            parts.append("+" + quoted(" ".join(term.words)))  # boolean mode has no prefix phrases
        else:
            parts.append(f"+{term.words[0]}" + ("*" if term.prefix else ""))
    return " ".join(parts)


def quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


@dataclass(frozen=True)
class IndexRules:
    """Which words InnoDB's FULLTEXT index holds: none shorter than ``min_length`` or longer
    than ``max_length`` characters, and no stopword. A required word the index lacks would
    make every search with it find nothing, so such words are left out (and the page says so)."""

    min_length: int
    max_length: int
    stopwords: frozenset[str]

    def indexed(self, word: str) -> bool:
        return self.min_length <= len(word) <= self.max_length and fold(word) not in self.stopwords

    def searchable(self, terms: tuple[Term, ...]) -> tuple[tuple[Term, ...], tuple[str, ...]]:
        """The terms to search for, and the words left out. A prefix word of any length can
        be looked up (InnoDB expands it to the indexed words it begins); a phrase is kept
        whole while it holds one indexed word (InnoDB then checks the others' places itself:
        "hello at world" does not match "hello world")."""
        kept: list[Term] = []
        left_out: list[str] = []
        for term in terms:
            if (len(term.words) == 1 and term.prefix) or any(self.indexed(word) for word in term.words):
                kept.append(term)
            else:
                left_out += term.words
        if not kept:
            raise InvalidQuery(
                f"This board's search index leaves out words shorter than {self.min_length} letters "
                f"and very common words, and that is all this search holds: add a longer word."
            )
        return tuple(kept), tuple(dict.fromkeys(left_out))


_index_rules: weakref.WeakKeyDictionary[sa.Engine, IndexRules] = weakref.WeakKeyDictionary()


def index_rules(connection: sa.Connection) -> IndexRules:
    """The server's :class:`IndexRules`, read on the first search of the process."""
    engine = connection.engine
    if engine not in _index_rules:
        _index_rules[engine] = read_index_rules(connection)
    return _index_rules[engine]


def read_index_rules(connection: sa.Connection) -> IndexRules:
    min_length, max_length, enabled, table = connection.execute(
        sa.text(
            "SELECT @@innodb_ft_min_token_size, @@innodb_ft_max_token_size, "
            "@@innodb_ft_enable_stopword, @@innodb_ft_server_stopword_table"
        )
    ).one()
    stopwords: list[str] = []
    if enabled and table:
        # The operator's own list, named "database/table".
        database, _, name = table.partition("/")
        stopwords = list(
            connection.scalars(sa.select(sa.column("value")).select_from(sa.table(name, schema=database)))
        )
    elif enabled:
        stopwords = list(
            connection.scalars(sa.text("SELECT value FROM information_schema.INNODB_FT_DEFAULT_STOPWORD"))
        )
    return IndexRules(int(min_length), int(max_length), frozenset(fold(word) for word in stopwords))

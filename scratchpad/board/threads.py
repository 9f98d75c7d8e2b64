"""Threads: replies shown under the comment they answer, read a page at a time in ONE statement.

A root is a comment with no parent; its thread is the root and every reply below it. A reply
keeps the comment it answers (``parent_id``), its root (``thread_id``) and its place in the
thread (``path``): the ids, as fixed-width digits, of the replies it is shown under, then its
own. Sorting a thread's replies by ``path`` is the order the page shows them in: each reply
under its parent, answers oldest first; the index ``(thread_id, path)`` hands them over in
that order, so a page deep in a long thread costs what the first one does.

Indentation stops at ``scratchpad.reply_depth``: a reply to a comment at that depth is shown
at the same depth, after it, and says whom it answers ("in reply to @name").

The board pages through threads, newest root first (keyset on the root's id, as the flat
board did): a thread keeps its place whatever is answered in it, so "Older" links and
permalinks stay put. Each thread shows its first ``scratchpad.replies_shown`` replies, cut
off by a look-up per root on the same index, so a thread of 10,000 replies costs the board
what one of 10 does.
"""

import functools
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple, cast

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from scratchpad.board import markup, visible
from scratchpad.models import Comment, ThreadStamp, User
from scratchpad.models.comment import PATH_LENGTH, PATH_SEGMENT_LENGTH
from scratchpad.models.types import utcnow

#: Sorts after every path (digits, at most PATH_LENGTH of them) in every collation, where
#: punctuation may sort before digits: "no cut-off" for a thread with few replies.
AFTER_EVERY_PATH = "9" * (PATH_LENGTH + 1)


def segment(comment_id: int) -> str:
    return f"{comment_id:0{PATH_SEGMENT_LENGTH}d}"


def depth_of(path: str | None) -> int:
    """0 for a root, 1 for a reply to it, and so on."""
    return len(path) // PATH_SEGMENT_LENGTH if path else 0


def reply_path(parent: Comment, reply_id: int, max_depth: int) -> str:
    """Where a new reply to ``parent`` goes: under it, or beside it when ``parent`` is at the
    deepest level shown (or deeper, if the setting was lowered since)."""
    kept_levels = min(depth_of(parent.path), max_depth - 1)
    return (parent.path or "")[: kept_levels * PATH_SEGMENT_LENGTH] + segment(reply_id)


def shown_under(comment: "Comment | CommentRow") -> int | None:
    """The id of the comment this one is shown under (None for a root)."""
    if comment.path is None:
        return None
    if len(comment.path) == PATH_SEGMENT_LENGTH:
        return comment.thread_id
    return int(comment.path[-2 * PATH_SEGMENT_LENGTH : -PATH_SEGMENT_LENGTH])


class CommentRow(NamedTuple):
    """A comment as a page of threads reads it: everything that decides its drawn HTML
    except the HTML and text themselves, read with Core (ORM objects cost more to load than
    the rest of the page to draw).

    It is, whole, the key its drawn HTML is kept under (``board/drawing.py``): its
    ``change_stamp`` is drawn anew by every write of the comment's row (an edit, a hide, a
    delete, an approval, a new reply counted on a root, a new rendering of its HTML), and the
    rest of what the entry shows from other rows is here too (its author's name, and of the
    comment it answers whether it is gone and its author's name). So a kept entry is never
    stale. Whatever the shared part of an entry shows (``comment_shared``, ``comment_thread``)
    must be a field here or in ``ShownComment``'s texts (a write of this row changes it),
    and the ACL's columns (``resources.permitted_on``) are here for the reader's buttons.
    """

    id: int
    parent_id: int | None
    thread_id: int | None
    path: str | None
    reply_count: int
    change_stamp: int
    posted_at: datetime | None
    is_hidden: bool
    is_deleted: bool
    is_waiting: bool  # pre-moderation: shown only to its author and the admins
    commenter_id: int | None
    username: str | None  # None: anonymous
    answered_removed: bool  # the comment it answers is hidden or deleted (False for a root)
    answered_username: str | None  # who wrote the comment it answers
    #: Of a root: whether its thread's page shows the reader a comment's text, so that the
    #: board's "all N replies" may lead there (``thread_in_sight``); True for a reply.
    thread_in_sight: bool

    def __hash__(self) -> int:
        """The id's: rows that are equal (compared whole, every field) hash alike. Hashing
        every field of a page's 200 rows, for each of the keys they are in, cost more than
        the look-ups; the rows of one comment before and after a change share a hash, and are
        told apart by comparing them whole."""
        return hash(self.id)


class CommentTexts(NamedTuple):
    """What a comment's entry shows besides its ``CommentRow``: read only to draw it."""

    html: str | None
    html_version: int | None
    content: str | None  # only when ``html`` cannot be shown (``SHOWN_CONTENT``)
    edited_at: datetime | None
    deleted_by: str | None


class ShownComment:
    """A comment as its entry draws it (``comment_shared`` reads ``entry.shown``): each field
    of its ``CommentRow`` and of its ``CommentTexts``, by name."""

    __slots__ = ("row", "texts")

    def __init__(self, row: CommentRow, texts: CommentTexts) -> None:
        self.row = row
        self.texts = texts

    def __getattr__(self, name: str) -> object:
        return getattr(self.texts if name in CommentTexts._fields else self.row, name)

    @property
    def content_html(self) -> Markup:
        """As ``Comment.content_html``."""
        texts = self.texts
        return markup.stored_or_rendered(texts.html, texts.html_version, texts.content or "")


#: Of the tables rather than the mapped classes: a statement of plain columns skips the ORM's
#: loading machinery, which cost more per row than drawing a kept comment (``drawing.py``).
COMMENTS = cast(sa.Table, Comment.__table__)
USERS = cast(sa.Table, User.__table__)

#: The text is needed only when the stored HTML cannot be shown (``markup.stored_or_rendered``):
#: up to 4,096 characters a row that a page would otherwise read and never use.
SHOWN_CONTENT = sa.case(
    (sa.and_(COMMENTS.c.html.is_not(None), COMMENTS.c.html_version == markup.RULES_VERSION), sa.null()),
    else_=COMMENTS.c.content,
)

#: The ``CommentTexts`` of the comments whose ids the expanding parameter ``ids`` lists, with
#: their ids first.
#: A comment's ``CommentTexts``, in order.
TEXT_COLUMNS = (
    COMMENTS.c.html,
    COMMENTS.c.html_version,
    SHOWN_CONTENT.label("content"),
    COMMENTS.c.edited_at,
    COMMENTS.c.deleted_by,
)
TEXTS_STATEMENT = sa.select(COMMENTS.c.id, *TEXT_COLUMNS).where(
    COMMENTS.c.id.in_(sa.bindparam("ids", expanding=True))
)


class PageTexts:
    """The texts of a page's comments, read when the first of them is asked for, all in
    ONE statement (``TEXTS_STATEMENT``), in the page's transaction: of the snapshot its rows
    came from. A page whose entries are all kept never asks, and reads none."""

    __slots__ = ("dbsession", "ids", "texts")

    def __init__(
        self, dbsession: Session | sa.Connection, ids: list[int], texts: dict[int, CommentTexts] | None = None
    ) -> None:
        self.dbsession = dbsession
        self.ids = ids
        self.texts = texts

    def shown(self, row: CommentRow) -> ShownComment:
        if self.texts is None:
            rows = self.dbsession.execute(TEXTS_STATEMENT, {"ids": self.ids})
            self.texts = {comment_id: CommentTexts(*texts) for comment_id, *texts in rows}
        return ShownComment(row, self.texts[row.id])


class Entry:
    """A comment as a thread shows it: its row (``comment``), how far indented, and whom it
    answers when that is not the comment it sits under (``answers_id``, and their name, or
    None when the answered comment is gone from view or was anonymous); ``shown``, with its
    texts, to draw it.

    Worked out from the row when asked, not when made: a page whose parts are kept
    (``drawing.py``) never asks, and made 200 entries a page for nothing."""

    __slots__ = ("comment", "max_depth", "texts")

    def __init__(self, comment: CommentRow, texts: PageTexts, max_depth: int) -> None:
        self.comment = comment
        self.texts = texts
        self.max_depth = max_depth

    @property
    def shown(self) -> ShownComment:
        """The row with its texts (the page's first ``shown`` reads every entry's)."""
        return self.texts.shown(self.comment)

    @property
    def depth(self) -> int:
        return min(depth_of(self.comment.path), self.max_depth)

    @property
    def answers_id(self) -> int | None:
        comment = self.comment
        if comment.parent_id is not None and comment.parent_id != shown_under(comment):
            return comment.parent_id
        return None

    @property
    def answers_removed(self) -> bool:
        return self.answers_id is not None and bool(self.comment.answered_removed)

    @property
    def answers_name(self) -> str | None:
        if self.answers_id is None or self.comment.answered_removed:
            return None
        return self.comment.answered_username


@dataclass(slots=True)
class Thread:
    root: Entry
    replies: list[Entry]
    #: Its stamp (``models.thread_stamp``) when read for a page kept under its threads' stamps
    #: (``board/stamped.py``): its drawing is then kept under the stamp, not its rows.
    stamp: int | None = None

    @property
    def root_id(self) -> int:
        return self.root.comment.id

    @property
    def hidden_replies(self) -> int:
        """Replies not shown on this page: the board's "all N replies" link says so."""
        return self.root.comment.reply_count - len(self.replies)

    @property
    def leads_on(self) -> bool:
        """Whether the board links to the rest of the thread: replies are left out, and its
        page shows the reader something (not only placeholders, which would be a 404)."""
        return self.hidden_replies > 0 and self.root.comment.thread_in_sight


class KeptThread(NamedTuple):
    """A thread of a page kept under its threads' stamps whose drawing was kept: its rows
    were never read (``board/stamped.py``)."""

    root_id: int
    stamp: int
    drawing: Markup


@dataclass
class ThreadsPage:
    threads: Sequence[Thread | KeptThread]
    older_than: int | None  # the ``before`` value for the next older page, if there is one
    is_newest: bool
    #: What the whole page is kept under, read by its threads' stamps (``board/stamped.py``),
    #: and, found kept there, its bytes and ETag (it has no threads of its own here then).
    kept_as: Hashable | None = None
    whole: tuple[bytes, str] | None = None


@dataclass
class ThreadPage:
    thread: Thread
    later_than: int | None  # the ``after`` value of the next page of replies, if there is one
    is_first: bool


#: The comment a reply answers, and its author: their own aliases, made once (making an
#: alias, and a statement with it, costs more than running the statement).
PARENT = COMMENTS.alias("parent")
PARENT_AUTHOR = USERS.alias("parent_author")
LATER = COMMENTS.alias("later")


def thread_in_sight(every_waiting: bool) -> sa.ColumnElement[bool]:
    """``CommentRow.thread_in_sight`` of the comment ``COMMENTS`` names: false only for a
    hidden or deleted root none of whose replies the reader sees with its text (hidden,
    deleted, or waiting and not theirs), whose page answers them 404 as a removed comment's
    does (``board/views/comment.answered_in_sight``). Looked up only for a removed root;
    always true for an admin (``every_waiting``), who moderates and so reads every thread."""
    if every_waiting:
        return sa.true()
    readable_reply = sa.exists().where(
        LATER.c.thread_id == COMMENTS.c.id,
        LATER.c.hidden_at.is_(None),
        LATER.c.deleted_at.is_(None),
        visible.waiting_shown_to(LATER.c),
    )
    removed_root = sa.and_(
        COMMENTS.c.parent_id.is_(None),
        sa.or_(COMMENTS.c.hidden_at.is_not(None), COMMENTS.c.deleted_at.is_not(None)),
    )
    return sa.case((removed_root, readable_reply), else_=sa.true())


def _with_people(
    shown_ids: sa.Subquery, every_waiting: bool, texts: bool = False
) -> sa.Select[tuple[object, ...]]:
    """The statement that loads the comments whose ids ``shown_ids`` (a subquery) lists as
    ``CommentRow`` rows, with their authors' names and, of the comment each answers, whether
    it is gone and its author's name: names only, never a password hash; and neither HTML
    nor text (``PageTexts``) unless ``texts``: then each row goes on with its
    ``CommentTexts``, for a page that draws every comment it reads (``threads_of``).
    ``every_waiting``: the statement is an admin's (``thread_in_sight``)."""
    return (
        sa.select(
            COMMENTS.c.id,
            COMMENTS.c.parent_id,
            COMMENTS.c.thread_id,
            COMMENTS.c.path,
            COMMENTS.c.reply_count,
            COMMENTS.c.change_stamp,
            COMMENTS.c.posted_at,
            COMMENTS.c.hidden_at.is_not(None).label("is_hidden"),
            COMMENTS.c.deleted_at.is_not(None).label("is_deleted"),
            COMMENTS.c.waiting_since.is_not(None).label("is_waiting"),
            COMMENTS.c.commenter_id,
            USERS.c.username,
            sa.or_(PARENT.c.hidden_at.is_not(None), PARENT.c.deleted_at.is_not(None)).label(
                "answered_removed"
            ),
            PARENT_AUTHOR.c.username.label("answered_username"),
            thread_in_sight(every_waiting).label("thread_in_sight"),
            *(TEXT_COLUMNS if texts else ()),
        )
        # The page's few ids first, each comment then looked up by its key; MariaDB's optimizer
        # otherwise read every comment and joined the ids to them (0.5 s at 100,000 comments,
        # tests/functional/board/test_page_plans.py). STRAIGHT_JOIN keeps this order there.
        .select_from(shown_ids)
        .join(COMMENTS, COMMENTS.c.id == shown_ids.c.id)
        .outerjoin(USERS, USERS.c.id == COMMENTS.c.commenter_id)
        .outerjoin(PARENT, PARENT.c.id == COMMENTS.c.parent_id)
        .outerjoin(PARENT_AUTHOR, PARENT_AUTHOR.c.id == PARENT.c.commenter_id)
        .prefix_with("STRAIGHT_JOIN", dialect="mysql")
    )


def _rows(
    dbsession: Session | sa.Connection, statement: sa.Select[tuple[object, ...]], parameters: dict[str, int]
) -> tuple[list[CommentRow], PageTexts]:
    """The statement's ``CommentRow``s, and their ``PageTexts`` (read only if asked for)."""
    make = CommentRow._make
    rows = [make(row) for row in dbsession.execute(statement, parameters).all()]
    return rows, PageTexts(dbsession, [row.id for row in rows])


def _entries(rows: list[CommentRow], texts: PageTexts, max_depth: int) -> list[Entry]:
    return [Entry(row, texts, max_depth) for row in rows]


def _threads(rows: list[CommentRow], texts: PageTexts, max_depth: int) -> list[Thread]:
    """The rows (a board page's, roots each followed by their replies) as threads, in one pass."""
    threads: list[Thread] = []
    replies: list[Entry] = []
    for row in rows:
        if row.parent_id is None:
            replies = []
            threads.append(Thread(Entry(row, texts, max_depth), replies))
        else:
            replies.append(Entry(row, texts, max_depth))
    return threads


def _cutoff(every_waiting: bool, replies_shown: int) -> sa.ColumnElement[str]:
    """The path of the last reply a board page shows of the thread whose root is
    ``COMMENTS`` (``AFTER_EVERY_PATH`` when it shows them all)."""
    later_shown = sa.true() if every_waiting else visible.waiting_shown_to(LATER.c)
    cutoff = (
        sa.select(LATER.c.path)
        .where(LATER.c.thread_id == COMMENTS.c.id, later_shown)
        .order_by(LATER.c.path)
        .limit(1)
        .offset(max(replies_shown - 1, 0))
        .scalar_subquery()
    )
    return sa.func.coalesce(cutoff, AFTER_EVERY_PATH)


def _threads_of_roots(
    roots: sa.Select[tuple[object, ...]], replies_shown: int, every_waiting: bool, texts: bool = False
) -> sa.Select[tuple[object, ...]]:
    """The statement that loads the threads of the ``roots`` (a statement of ``root_id`` and
    ``cutoff``), roots each followed by their shown replies, as ``_with_people`` does."""
    shown_to_viewer = sa.true() if every_waiting else visible.waiting_shown_to(COMMENTS.c)
    roots_cte = roots.cte("roots")
    shown: sa.Select[int] | sa.CompoundSelect[int] = sa.select(COMMENTS.c.id).join(
        roots_cte, roots_cte.c.root_id == COMMENTS.c.id
    )
    if replies_shown:
        replies = (
            sa.select(COMMENTS.c.id)
            .select_from(roots_cte)
            .join(
                COMMENTS,
                sa.and_(COMMENTS.c.thread_id == roots_cte.c.root_id, COMMENTS.c.path <= roots_cte.c.cutoff),
            )
            # From the page's roots to their replies by the thread index, on MariaDB too: its
            # statistics lump the roots' NULL thread_id together, and it scanned the table.
            .prefix_with("STRAIGHT_JOIN", dialect="mysql")
            .with_hint(COMMENTS, "FORCE INDEX (ix_comments_thread_id_path)", dialect_name="mysql")
        )
        shown = sa.union_all(shown, replies.where(shown_to_viewer))
    return _with_people(shown.subquery("shown"), every_waiting, texts).order_by(
        sa.func.coalesce(COMMENTS.c.thread_id, COMMENTS.c.id).desc(), COMMENTS.c.path
    )


@functools.cache
def _board_statement(
    page_size: int, replies_shown: int, paged: bool, every_waiting: bool
) -> sa.Select[tuple[object, ...]]:
    """The board's statement for these settings, built once; ``paged``: it takes the
    ``before`` parameter (a root id); without ``every_waiting`` (an admin's), it takes the
    viewer's id and leaves out the waiting comments that are not theirs
    (``visible.waiting_shown_to``)."""
    shown_to_viewer = sa.true() if every_waiting else visible.waiting_shown_to(COMMENTS.c)
    roots = sa.select(COMMENTS.c.id.label("root_id"), _cutoff(every_waiting, replies_shown).label("cutoff"))
    roots = roots.where(COMMENTS.c.parent_id.is_(None), shown_to_viewer).order_by(COMMENTS.c.id.desc())
    # A range on (parent_id, id) from ``before`` down, on MariaDB too: its optimizer read the
    # roots as a ``ref`` on parent_id IS NULL and skipped the newer ones one by one (0.45 s
    # for page 1,000 of 2,000; 0.3 ms this way).
    roots = roots.limit(page_size + 1).with_hint(
        COMMENTS, "FORCE INDEX (ix_comments_parent_id)", dialect_name="mysql"
    )
    if paged:
        roots = roots.where(COMMENTS.c.id < sa.bindparam("before"))
    return _threads_of_roots(roots, replies_shown, every_waiting)


def _parameters(viewer: User | None, **values: int) -> dict[str, int]:
    """A statement's parameters, with the viewer's id when it leaves out others' waiting comments."""
    if visible.sees_every_waiting(viewer):
        return values
    return {**values, **visible.viewer_parameters(viewer)}


def newest_threads(
    dbsession: Session | sa.Connection,
    page_size: int,
    replies_shown: int,
    max_depth: int,
    before: int | None = None,
    viewer: User | None = None,
) -> ThreadsPage:
    """One page of the board as ``viewer`` (None: anonymous) sees it: ``page_size`` threads,
    newest root first, older than root ``before`` if given, each with its first
    ``replies_shown`` replies. One statement, and one more for their texts if any of them
    is drawn (``PageTexts``)."""
    every_waiting = visible.sees_every_waiting(viewer)
    statement = _board_statement(page_size, replies_shown, before is not None, every_waiting)
    parameters = _parameters(viewer) if before is None else _parameters(viewer, before=before)
    threads = _threads(*_rows(dbsession, statement, parameters), max_depth)
    older_than = threads[page_size - 1].root.comment.id if len(threads) > page_size else None
    return ThreadsPage(threads=threads[:page_size], older_than=older_than, is_newest=before is None)


THREAD_STAMPS = cast(sa.Table, ThreadStamp.__table__)


class RootStamp(NamedTuple):
    id: int
    stamp: int | None  # None: a root the triggers have not stamped (never kept)


@functools.cache
def _stamps_statement(page_size: int, paged: bool) -> sa.Select[tuple[int, int | None]]:
    """The board's roots as a reader who is not logged in sees them (``_board_statement``'s,
    in the same order and cut), each with its thread's stamp: nothing else."""
    roots = (
        sa.select(COMMENTS.c.id, THREAD_STAMPS.c.stamp)
        .select_from(COMMENTS)
        .outerjoin(THREAD_STAMPS, THREAD_STAMPS.c.root_id == COMMENTS.c.id)
        # As the board's statement puts it (no waiting comment is anyone's here): a plain
        # "waiting_since IS NULL" led SQLite to its waiting_since index, every root, and a sort.
        .where(COMMENTS.c.parent_id.is_(None), visible.waiting_shown_to(COMMENTS.c))
        .order_by(COMMENTS.c.id.desc())
        .limit(page_size + 1)
        .with_hint(COMMENTS, "FORCE INDEX (ix_comments_parent_id)", dialect_name="mysql")
    )
    if paged:
        roots = roots.where(COMMENTS.c.id < sa.bindparam("before"))
    return roots


def newest_stamps(
    connection: Session | sa.Connection, page_size: int, before: int | None = None
) -> list[RootStamp]:
    """The roots of a board page as a reader who is not logged in sees it, with their stamps,
    and the first root of the next page if there is one: ONE statement of short rows."""
    parameters = visible.viewer_parameters(None)
    if before is not None:
        parameters["before"] = before
    make = RootStamp._make
    return [
        make(row) for row in connection.execute(_stamps_statement(page_size, before is not None), parameters)
    ]


#: Where a row of ``threads_of``'s statement goes on from its ``CommentRow`` to its texts.
ROW_LENGTH = len(CommentRow._fields)


@functools.cache
def _threads_of_statement(replies_shown: int) -> sa.Select[tuple[object, ...]]:
    """``threads_of``'s statement: the threads of the roots whose ids the expanding parameter
    ``root_ids`` lists, as a reader who is not logged in sees them, with their texts."""
    roots = sa.select(COMMENTS.c.id.label("root_id"), _cutoff(False, replies_shown).label("cutoff")).where(
        COMMENTS.c.id.in_(sa.bindparam("root_ids", expanding=True)), COMMENTS.c.parent_id.is_(None)
    )
    return _threads_of_roots(roots, replies_shown, every_waiting=False, texts=True)


def threads_of(
    connection: Session | sa.Connection, root_ids: list[int], replies_shown: int, max_depth: int
) -> list[Thread]:
    """The threads of the roots ``root_ids``, as a reader who is not logged in sees them on
    the board, newest first; their texts read with them, in ONE statement: they are read to
    be drawn (``board/stamped.py``), and a second statement for their texts would make a
    page after a change cost one more than before stamps."""
    rows: list[CommentRow] = []
    texts: dict[int, CommentTexts] = {}
    result = connection.execute(
        _threads_of_statement(replies_shown), {"root_ids": root_ids, **visible.viewer_parameters(None)}
    )
    for row in result:
        comment = CommentRow._make(row[:ROW_LENGTH])
        rows.append(comment)
        texts[comment.id] = CommentTexts._make(row[ROW_LENGTH:])
    return _threads(rows, PageTexts(connection, list(texts), texts), max_depth)


@functools.cache
def _thread_statement(page_size: int, paged: bool, every_waiting: bool) -> sa.Select[tuple[object, ...]]:
    """A thread page's statement, built once; it takes ``root_id``, ``after`` if ``paged``,
    and the viewer's id unless ``every_waiting`` (see ``_board_statement``)."""
    root_id: sa.BindParameter[int] = sa.bindparam("root_id")
    replies = sa.select(COMMENTS.c.id).where(COMMENTS.c.thread_id == root_id)
    if not every_waiting:
        replies = replies.where(visible.waiting_shown_to(COMMENTS.c))
    if paged:
        after_path = sa.select(COMMENTS.c.path).where(
            COMMENTS.c.id == sa.bindparam("after"), COMMENTS.c.thread_id == root_id
        )
        replies = replies.where(COMMENTS.c.path > after_path.scalar_subquery())
    page = replies.order_by(COMMENTS.c.path).limit(page_size + 1).subquery("page")
    shown = sa.union_all(sa.select(COMMENTS.c.id).where(COMMENTS.c.id == root_id), sa.select(page.c.id))
    return _with_people(shown.subquery("shown"), every_waiting).order_by(COMMENTS.c.path)


def thread_page(
    dbsession: Session | sa.Connection,
    root_id: int,
    page_size: int,
    max_depth: int,
    after: int | None = None,
    viewer: User | None = None,
) -> ThreadPage:
    """The root and ``page_size`` of its replies in thread order, those after reply
    ``after`` if given, as ``viewer`` sees them (the caller checked they may see the root).
    One statement, and one more for their texts if any of them is drawn (``PageTexts``)."""
    parameters = _parameters(viewer, root_id=root_id)
    if after is not None:
        parameters["after"] = after
    statement = _thread_statement(page_size, after is not None, visible.sees_every_waiting(viewer))
    entries = _entries(*_rows(dbsession, statement, parameters), max_depth)
    root, replies = entries[0], entries[1:]
    later_than = replies[page_size - 1].comment.id if len(replies) > page_size else None
    thread = Thread(root=root, replies=replies[:page_size])
    return ThreadPage(thread=thread, later_than=later_than, is_first=after is None)


def board_page_holding(
    dbsession: Session, root_id: int, page_size: int, viewer: User | None = None
) -> int | None:
    """The ``before`` value of the board page that shows thread ``root_id`` to ``viewer``
    (None for the newest page): the pages "Older" leads through, which leave out the
    comments waiting for approval that ``viewer`` may not see. Two statements on indexes."""
    newer_roots = sa.and_(Comment.parent_id.is_(None), Comment.id > root_id)
    if not visible.sees_every_waiting(viewer):
        newer_roots = sa.and_(newer_roots, visible.waiting_shown_to())
    parameters = _parameters(viewer)
    # scalar_one: a COUNT without GROUP BY always returns one row (``scalar`` would allow None).
    count = sa.select(sa.func.count()).select_from(Comment).where(newer_roots)
    newer = dbsession.execute(count, parameters).scalar_one()
    page_start = (newer // page_size) * page_size
    if page_start == 0:
        return None
    oldest_on_page = sa.select(Comment.id).where(newer_roots).order_by(Comment.id).offset(newer - page_start)
    return dbsession.execute(oldest_on_page.limit(1), parameters).scalar_one_or_none()


def thread_page_holding(dbsession: Session, reply: Comment, page_size: int) -> int | None:
    """The ``after`` value of the thread page that shows ``reply`` (None for the first)."""
    earlier = sa.and_(Comment.thread_id == reply.thread_id, Comment.path < reply.path)
    position = dbsession.execute(sa.select(sa.func.count()).select_from(Comment).where(earlier)).scalar_one()
    page_start = (position // page_size) * page_size
    if page_start == 0:
        return None
    return dbsession.scalar(
        sa.select(Comment.id).where(earlier).order_by(Comment.path).offset(page_start - 1).limit(1)
    )


def place(dbsession: Session, reply: Comment, parent: Comment, max_depth: int) -> None:
    """Give a just-inserted reply (it has its id) its place in the thread, and count it on
    the root unless it waits for approval (``approve`` counts it then: the count is what
    everyone sees). Plain UPDATEs of the table: the INSERT's flush has already given the board a
    new revision in this transaction, so a second flush would only give it another."""
    table = cast(sa.Table, Comment.__table__)
    path = reply_path(parent, reply.id, max_depth)
    dbsession.execute(sa.update(table).where(table.c.id == reply.id).values(path=path))
    set_committed_value(reply, "path", path)
    if reply.thread_id is None:
        raise ValueError(f"comment {reply.id} is not a reply: it names no thread to be placed in")
    if not reply.is_waiting:
        count_reply(dbsession, reply.thread_id, 1)


def has_replies(dbsession: Session, comment: Comment) -> bool:
    """Whether any comment answers this one (its row must then stay, as a placeholder).
    A root's count is enough when it is not 0; when it is, a reply still waiting for
    approval (not counted yet) may hang from it."""
    if comment.parent_id is None and comment.reply_count > 0:
        return True
    # scalar_one: SELECT EXISTS always returns one row (``scalar`` would allow None).
    return dbsession.execute(sa.select(sa.exists().where(Comment.parent_id == comment.id))).scalar_one()


def count_reply(dbsession: Session, root_id: int, change: int) -> None:
    """Add ``change`` to the root's ``reply_count``, in SQL so concurrent replies add up."""
    table = cast(sa.Table, Comment.__table__)
    dbsession.execute(
        sa.update(table).where(table.c.id == root_id).values(reply_count=table.c.reply_count + change)
    )


def remove(dbsession: Session, comment: Comment, deleted_by: str) -> None:
    """Delete the comment; one that has replies keeps its row, without its text, so its
    replies stay readable under a placeholder ("deleted by its author" / "removed by a
    moderator"). The board's delete and ``users delete --erase`` both come here."""
    if has_replies(dbsession, comment):
        comment.content = ""  # its stored HTML goes too (``Comment._render``)
        comment.deleted_at = utcnow()
        comment.deleted_by = deleted_by
        return
    if comment.thread_id is not None and not comment.is_waiting:  # a reply its root counts
        count_reply(dbsession, comment.thread_id, -1)
    dbsession.delete(comment)

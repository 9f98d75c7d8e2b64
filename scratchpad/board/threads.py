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
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import cast

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased, contains_eager
from sqlalchemy.orm.attributes import set_committed_value

from scratchpad.board import visible
from scratchpad.models import Comment, User
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


def shown_under(comment: Comment) -> int | None:
    """The id of the comment this one is shown under (None for a root)."""
    if comment.path is None:
        return None
    if len(comment.path) == PATH_SEGMENT_LENGTH:
        return comment.thread_id
    return int(comment.path[-2 * PATH_SEGMENT_LENGTH : -PATH_SEGMENT_LENGTH])


@dataclass
class Entry:
    """A comment as a thread shows it: how far indented, and whom it answers when that is
    not the comment it sits under (``answers_id``, and their name, or None when the answered
    comment is gone from view or was anonymous)."""

    comment: Comment
    depth: int
    answers_id: int | None = None
    answers_name: str | None = None
    answers_removed: bool = False


@dataclass
class Thread:
    root: Entry
    replies: list[Entry]

    @property
    def hidden_replies(self) -> int:
        """Replies not shown on this page: the board's "all N replies" link says so."""
        return self.root.comment.reply_count - len(self.replies)


@dataclass
class ThreadsPage:
    threads: list[Thread]
    older_than: int | None  # the ``before`` value for the next older page, if there is one
    is_newest: bool


@dataclass
class ThreadPage:
    thread: Thread
    later_than: int | None  # the ``after`` value of the next page of replies, if there is one
    is_first: bool


#: The comment a reply answers, and its author: their own aliases, made once (making an
#: alias, and a statement with it, costs more than running the statement).
PARENT = aliased(Comment, name="parent")
PARENT_AUTHOR = aliased(User, name="parent_author")
LATER = aliased(Comment, name="later")

#: What ``_with_people`` selects: a comment, and of the comment it answers (outer-joined, so
#: all None for a root) when it was hidden and deleted, and its author's name.
PeopleRow = tuple[Comment, datetime | None, datetime | None, str | None]


def _with_people(shown_ids: sa.Subquery) -> sa.Select[Comment, datetime | None, datetime | None, str]:
    """The statement that loads the comments whose ids ``shown_ids`` (a subquery) lists, with
    their authors, and the comment each answers with its author's name: names only, never a
    password hash."""
    return (
        sa.select(Comment, PARENT.hidden_at, PARENT.deleted_at, PARENT_AUTHOR.username)
        .join(shown_ids, shown_ids.c.id == Comment.id)
        .outerjoin(Comment.commenter)
        .outerjoin(PARENT, PARENT.id == Comment.parent_id)
        .outerjoin(PARENT_AUTHOR, PARENT_AUTHOR.id == PARENT.commenter_id)
        .options(contains_eager(Comment.commenter).load_only(User.username))
    )


def _entries(rows: Iterable[PeopleRow], max_depth: int) -> list[Entry]:
    entries = []
    for comment, parent_hidden_at, parent_deleted_at, parent_name in rows:
        entry = Entry(comment, min(depth_of(comment.path), max_depth))
        if comment.parent_id is not None and comment.parent_id != shown_under(comment):
            entry.answers_id = comment.parent_id
            entry.answers_removed = parent_hidden_at is not None or parent_deleted_at is not None
            entry.answers_name = None if entry.answers_removed else parent_name
        entries.append(entry)
    return entries


def _threads(entries: Iterable[Entry]) -> list[Thread]:
    threads: list[Thread] = []
    for entry in entries:
        if entry.comment.parent_id is None:
            threads.append(Thread(root=entry, replies=[]))
        else:
            threads[-1].replies.append(entry)
    return threads


@functools.cache
def _board_statement(
    page_size: int, replies_shown: int, paged: bool, every_waiting: bool
) -> sa.Select[Comment, datetime | None, datetime | None, str]:
    """The board's statement for these settings, built once; ``paged``: it takes the
    ``before`` parameter (a root id); without ``every_waiting`` (an admin's), it takes the
    viewer's id and leaves out the waiting comments that are not theirs
    (``visible.waiting_shown_to``)."""
    later_shown = sa.true() if every_waiting else visible.waiting_shown_to(LATER)
    shown_to_viewer = sa.true() if every_waiting else visible.waiting_shown_to()
    cutoff = (
        sa.select(LATER.path)
        .where(LATER.thread_id == Comment.id, later_shown)
        .order_by(LATER.path)
        .limit(1)
        .offset(max(replies_shown - 1, 0))
        .scalar_subquery()
    )
    roots = sa.select(Comment.id.label("root_id"), sa.func.coalesce(cutoff, AFTER_EVERY_PATH).label("cutoff"))
    roots = roots.where(Comment.parent_id.is_(None), shown_to_viewer).order_by(Comment.id.desc())
    roots = roots.limit(page_size + 1)
    if paged:
        roots = roots.where(Comment.id < sa.bindparam("before"))
    roots_cte = roots.cte("roots")
    shown: sa.Select[int] | sa.CompoundSelect[int] = sa.select(Comment.id).join(
        roots_cte, roots_cte.c.root_id == Comment.id
    )
    if replies_shown:
        replies = sa.select(Comment.id).join(
            roots_cte, sa.and_(Comment.thread_id == roots_cte.c.root_id, Comment.path <= roots_cte.c.cutoff)
        )
        shown = sa.union_all(shown, replies.where(shown_to_viewer))
    return _with_people(shown.subquery("shown")).order_by(
        sa.func.coalesce(Comment.thread_id, Comment.id).desc(), Comment.path
    )


def _parameters(viewer: User | None, **values: int) -> dict[str, int]:
    """A statement's parameters, with the viewer's id when it leaves out others' waiting comments."""
    if visible.sees_every_waiting(viewer):
        return values
    return {**values, **visible.viewer_parameters(viewer)}


def newest_threads(
    dbsession: Session,
    page_size: int,
    replies_shown: int,
    max_depth: int,
    before: int | None = None,
    viewer: User | None = None,
) -> ThreadsPage:
    """One page of the board as ``viewer`` (None: anonymous) sees it: ``page_size`` threads,
    newest root first, older than root ``before`` if given, each with its first
    ``replies_shown`` replies. One statement."""
    every_waiting = visible.sees_every_waiting(viewer)
    statement = _board_statement(page_size, replies_shown, before is not None, every_waiting)
    parameters = _parameters(viewer) if before is None else _parameters(viewer, before=before)
    rows = dbsession.execute(statement, parameters)
    threads = _threads(_entries(rows, max_depth))
    older_than = threads[page_size - 1].root.comment.id if len(threads) > page_size else None
    return ThreadsPage(threads=threads[:page_size], older_than=older_than, is_newest=before is None)


@functools.cache
def _thread_statement(
    page_size: int, paged: bool, every_waiting: bool
) -> sa.Select[Comment, datetime | None, datetime | None, str]:
    """A thread page's statement, built once; it takes ``root_id``, ``after`` if ``paged``,
    and the viewer's id unless ``every_waiting`` (see ``_board_statement``)."""
    root_id: sa.BindParameter[int] = sa.bindparam("root_id")
    replies = sa.select(Comment.id).where(Comment.thread_id == root_id)
    if not every_waiting:
        replies = replies.where(visible.waiting_shown_to())
    if paged:
        after_path = sa.select(Comment.path).where(
            Comment.id == sa.bindparam("after"), Comment.thread_id == root_id
        )
        replies = replies.where(Comment.path > after_path.scalar_subquery())
    page = replies.order_by(Comment.path).limit(page_size + 1).subquery("page")
    shown = sa.union_all(sa.select(Comment.id).where(Comment.id == root_id), sa.select(page.c.id))
    return _with_people(shown.subquery("shown")).order_by(Comment.path)


def thread_page(
    dbsession: Session,
    root_id: int,
    page_size: int,
    max_depth: int,
    after: int | None = None,
    viewer: User | None = None,
) -> ThreadPage:
    """The root and ``page_size`` of its replies in thread order, those after reply
    ``after`` if given, as ``viewer`` sees them (the caller checked they may see the root).
    One statement."""
    parameters = _parameters(viewer, root_id=root_id)
    if after is not None:
        parameters["after"] = after
    statement = _thread_statement(page_size, after is not None, visible.sees_every_waiting(viewer))
    rows = dbsession.execute(statement, parameters)
    entries = _entries(rows, max_depth)
    root, replies = entries[0], entries[1:]
    later_than = replies[page_size - 1].comment.id if len(replies) > page_size else None
    thread = Thread(root=root, replies=replies[:page_size])
    return ThreadPage(thread=thread, later_than=later_than, is_first=after is None)


def board_page_holding(dbsession: Session, root_id: int, page_size: int) -> int | None:
    """The ``before`` value of the board page that shows thread ``root_id`` (None for the
    newest page): the pages "Older" leads through. Two statements on indexes."""
    newer_roots = sa.and_(Comment.parent_id.is_(None), Comment.id > root_id)
    # scalar_one: a COUNT without GROUP BY always returns one row (``scalar`` would allow None).
    newer = dbsession.execute(sa.select(sa.func.count()).select_from(Comment).where(newer_roots)).scalar_one()
    page_start = (newer // page_size) * page_size
    if page_start == 0:
        return None
    return dbsession.scalar(
        sa.select(Comment.id).where(newer_roots).order_by(Comment.id).offset(newer - page_start).limit(1)
    )


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

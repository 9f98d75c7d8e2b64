"""The board's revision: one value that changes whenever what the board shows changes.

Rendered pages are cached under it (``scratchpad.board.page_cache``), and the feed's ETag is
made of it. It changes on every flush that adds, edits, hides or deletes a comment, or
deletes or renames a user, whichever process or script makes the change.

It is a random number rather than a counter so that a value always names one state of
the board: a rolled-back transaction (the test suite rolls back every test) cannot leave
a counter's next value to name two different boards.
"""

import secrets
from typing import cast

import sqlalchemy as sa
from sqlalchemy import BigInteger, Connection, event, inspect
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, UOWTransaction, mapped_column

from scratchpad.models.comment import Comment
from scratchpad.models.meta import MYSQL_TABLE_OPTIONS, Base
from scratchpad.models.user import User

ROW_ID = 1


class BoardState(Base):
    __tablename__ = "board_state"
    __table_args__ = MYSQL_TABLE_OPTIONS

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    revision: Mapped[int] = mapped_column(BigInteger)


def new_revision() -> int:
    return secrets.randbits(62)


#: Of the table rather than the mapped class: run on a plain connection, an ORM statement is
#: compiled through the ORM on every call, which cost a third of a page served from the cache.
BOARD_STATE = cast(sa.Table, BoardState.__table__)
REVISION_QUERY = sa.select(BOARD_STATE.c.revision).where(BOARD_STATE.c.id == ROW_ID)


def board_revision(session_or_connection: Session | Connection) -> int | None:
    """The current revision (one statement), through a session or a plain connection."""
    return session_or_connection.scalar(REVISION_QUERY)


def mark_board_changed(session_or_connection: Session | Connection) -> None:
    """Give the board a new revision. ORM flushes and ORM bulk statements on comments and
    users do it through the events below; plain SQL must call this itself."""
    session_or_connection.execute(
        sa.update(BOARD_STATE).where(BoardState.id == ROW_ID).values(revision=new_revision())
    )


def changes_the_board(session: Session) -> bool:
    if any(isinstance(obj, Comment) for obj in (*session.new, *session.deleted)):
        return True
    if any(isinstance(obj, User) for obj in session.deleted):
        return True
    for obj in session.dirty:
        if isinstance(obj, Comment) and session.is_modified(obj):
            return True
        if isinstance(obj, User) and inspect(obj).attrs.username.history.has_changes():
            return True
    return False


@event.listens_for(Session, "before_flush")
def on_flush(session: Session, flush_context: UOWTransaction, instances: object) -> None:
    if changes_the_board(session):
        mark_board_changed(session)


@event.listens_for(Session, "do_orm_execute")
def on_bulk_write(orm_execute_state: ORMExecuteState) -> None:
    """ORM ``update(Comment)``/``delete(Comment)`` statements bypass the flush."""
    if orm_execute_state.is_update or orm_execute_state.is_delete:
        mapper = orm_execute_state.bind_mapper
        if mapper is not None and mapper.class_ in (Comment, User):
            mark_board_changed(orm_execute_state.session)

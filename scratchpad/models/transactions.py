"""A request's session follows the request's transaction (pyramid_tm's manager), through
zope.sqlalchemy's listeners registered once, on the session class.

``zope.sqlalchemy.register(session, transaction_manager=...)`` adds seven event listeners to
each new session, and SQLAlchemy's per-instance listeners are slow to add: about a tenth of
a millisecond, on every request that touched the database, more than a page served from
the page cache costs in all. The listeners here do what those do, with zope.sqlalchemy's own
``join_transaction`` and ``mark_changed``, for the manager a session names in its ``info``
(``get_tm_session`` puts it there); a session that names none is left alone.
"""

from typing import Any

import transaction
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction
from transaction._transaction import Status
from zope.sqlalchemy import mark_changed
from zope.sqlalchemy.datamanager import join_transaction

#: The key of ``Session.info`` that names the session's transaction manager.
MANAGER = "scratchpad.transaction_manager"


class RequestSession(Session):
    """A session joined, at its first statement or object, to the transaction manager its
    ``info`` names: committed or rolled back with that transaction, never on its own."""


def manager_of(session: Session) -> transaction.TransactionManager | None:
    manager: transaction.TransactionManager | None = session.info.get(MANAGER)
    return manager


def join(session: Session) -> None:
    manager = manager_of(session)
    if manager is not None:
        join_transaction(session, transaction_manager=manager)


def changed(session: Session) -> None:
    """A write: the transaction must commit the session, not roll it back as a read."""
    manager = manager_of(session)
    if manager is not None:
        mark_changed(session, transaction_manager=manager)


@event.listens_for(RequestSession, "after_begin")
def _join_at_begin(session: Session, session_transaction: SessionTransaction, connection: Any) -> None:
    join(session)


@event.listens_for(RequestSession, "after_attach")
def _join_at_attach(session: Session, instance: object) -> None:
    join(session)


@event.listens_for(RequestSession, "after_flush")
def _changed_by_flush(session: Session, flush_context: Any) -> None:
    changed(session)


@event.listens_for(RequestSession, "after_bulk_update")
def _changed_by_bulk_update(update_context: Any) -> None:
    changed(update_context.session)


@event.listens_for(RequestSession, "after_bulk_delete")
def _changed_by_bulk_delete(delete_context: Any) -> None:
    changed(delete_context.session)


@event.listens_for(RequestSession, "do_orm_execute")
def _changed_by_orm_statement(state: ORMExecuteState) -> None:
    if state.is_orm_statement and (state.is_insert or state.is_update or state.is_delete):
        changed(state.session)


@event.listens_for(RequestSession, "before_commit")
def _committed_by_the_manager(session: Session) -> None:
    """``session.commit()`` in a view would commit behind the request's back (and a later
    error could no longer roll it back): only the manager may commit, as zope.sqlalchemy
    asserts."""
    manager = manager_of(session)
    committing = (
        manager is None or session.in_nested_transaction() or manager.get().status == Status.COMMITTING
    )
    if not committing:
        raise RuntimeError("The request's session is committed by its transaction manager only.")

"""ORM objects made from plain rows, as if the ORM had loaded them.

A statement of plain columns on the session's connection, then this, cost half of what the
ORM's own loading of one entity did (its result processing and the attribute events of each
column), on every request that loads the member or a comment by its URL."""

from collections.abc import Mapping
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.util import identity_key

Entity = TypeVar("Entity")


def columns_of(entity: type[Any]) -> tuple[tuple[str, sa.Column[Any]], ...]:
    """Each attribute name of ``entity`` with the table column it maps: what to select, and
    what ``as_loaded`` takes each value as."""
    return tuple((attribute.key, attribute.columns[0]) for attribute in sa.inspect(entity).column_attrs)


def as_loaded(dbsession: Session, entity: type[Entity], values: Mapping[str, Any]) -> Entity:
    """The session's ``entity`` of ``values`` (every column's, by attribute name): in the
    session's identity map, every value committed, nothing to flush; the one the session
    holds already, if it does (its values are then the ones it has)."""
    mapper = sa.inspect(entity)
    key = identity_key(entity, tuple(values[column.key] for column in mapper.primary_key))
    found: Entity | None = dbsession.identity_map.get(key)
    if found is not None:
        return found
    loaded: Entity = mapper.class_manager.new_instance()
    # Into the instance's dict, as the ORM's loading does: no attribute events, no history.
    vars(loaded).update(values)
    make_transient_to_detached(loaded)
    dbsession.add(loaded)
    return loaded

"""Keyset pagination, newest first, on an id that grows as rows are added.

"Older" links carry the last id shown (``?before=<id>``) instead of a page number, so a page
deep in a long list costs what the first one does, and the pages stay put while new rows
arrive. The board, the feed, the API and the moderation log all page this way.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from pyramid.httpexceptions import HTTPBadRequest
from pyramid.request import Request
from sqlalchemy.orm import InstrumentedAttribute

from scratchpad.i18n.messages import _

#: Longer than any id the database hands out, short enough to stay a 64-bit integer.
MAX_BEFORE_DIGITS = 18

#: Any SELECT: of rows (the feed, the API) or of entities (the board).
Query = TypeVar("Query", bound=sa.Select)


@dataclass
class Page:
    rows: list[Any]
    older_than: int | None  # the ``before`` value of the next older page, if there is one


def newest_first(
    query: Query,
    id_column: sa.ColumnElement[int] | InstrumentedAttribute[int],
    limit: int,
    before: int | None = None,
) -> Query:
    """``query`` limited to one page: one row more than ``limit``, to tell whether there is
    an older page without counting."""
    query = query.order_by(id_column.desc()).limit(limit + 1)
    return query if before is None else query.where(id_column < before)


def page_of(rows: Iterable[Any], limit: int) -> Page:
    """The :class:`Page` that ``newest_first``'s rows make (each row has an ``id``)."""
    rows = list(rows)
    return Page(rows=rows[:limit], older_than=rows[limit - 1].id if len(rows) > limit else None)


#: What a page says of a ``before``/``after`` that is not an id, by what the id numbers.
NOT_A_NUMBER = {
    "comment": _("That page does not exist: '${name}' must be a comment number."),
    "reply": _("That page does not exist: '${name}' must be a reply number."),
    "report": _("That page does not exist: '${name}' must be a report number."),
    "log entry": _("That page does not exist: '${name}' must be a log entry number."),
    "notification": _("That page does not exist: '${name}' must be a notification number."),
    "user": _("That page does not exist: '${name}' must be a user number."),
    "": _("That page does not exist: '${name}' must be a number."),
}


def before_param(request: Request, noun: str) -> int | None:
    """The page's ``before`` query parameter as an id, or None for the newest page; 400 when
    it cannot be one."""
    return id_param(request, "before", noun)


def after_param(request: Request, noun: str) -> int | None:
    """The ``after`` query parameter of a page that lists oldest first (a thread's replies)."""
    return id_param(request, "after", noun)


def id_param(request: Request, name: str, noun: str) -> int | None:
    value = request.GET.get(name)
    if value is None:
        return None
    if not value.isascii() or not value.isdigit() or len(value) > MAX_BEFORE_DIGITS:
        raise HTTPBadRequest(_(NOT_A_NUMBER.get(noun, NOT_A_NUMBER[""]), mapping={"name": name}))
    return int(value)

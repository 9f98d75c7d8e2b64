"""Members' reports of comments: filing one (once per member and comment), the automatic
hiding once enough members reported a comment, and resolving a comment's open reports.

What the inbox shows of them is read in ``board/inbox.py``.
"""

from dataclasses import dataclass
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from scratchpad.i18n.messages import Explained, Quantity, _, counted
from scratchpad.models import Comment, ModerationAction, Report, User
from scratchpad.models.moderation import AUTO_HIDE
from scratchpad.models.report import IS_OPEN, MAX_DETAILS_LENGTH, REASONS
from scratchpad.models.types import utcnow

#: Said when a member reports a comment they already have an open report on.
ALREADY_REPORTED = _("You have already reported this comment; an admin will look at it.")


class InvalidReport(Explained, ValueError):
    """A report that cannot be filed; the message says why, for the member."""


@dataclass(frozen=True)
class Filed:
    """A stored report, and whether it made the board hide the comment."""

    report: Report
    auto_hidden: bool


def refusal(viewer: User, comment: Comment) -> str | None:
    """Why ``viewer`` may not report ``comment``, in words for them, or None."""
    if comment.commenter_id == viewer.id:
        return _("This is your own comment: you can edit or delete it instead of reporting it.")
    if comment.is_deleted:
        return _("This comment was deleted, so there is nothing left to report.")
    if comment.is_hidden:
        return _("This comment was already removed by a moderator.")
    if comment.is_waiting:
        return _("This comment is still waiting for a moderator.")
    return None


def clean(reason: str, details: str) -> tuple[str, str]:
    """The reason (one of ``REASONS``) and the details (trimmed, \\r\\n as \\n), or
    :class:`InvalidReport`."""
    if reason not in REASONS:
        raise InvalidReport(_("Please choose why you are reporting this comment."))
    details = details.replace("\r\n", "\n").strip()
    if len(details) > MAX_DETAILS_LENGTH:
        raise InvalidReport(
            counted(
                "Please say it in at most ${count} character (you wrote ${length}).",
                "Please say it in at most ${count} characters (you wrote ${length}).",
                MAX_DETAILS_LENGTH,
                mapping={"length": Quantity(len(details))},
            )
        )
    return reason, details


def has_open_report(dbsession: Session, reporter: User, comment: Comment) -> bool:
    query = sa.select(Report.id).where(
        Report.comment_id == comment.id, Report.reporter_id == reporter.id, IS_OPEN
    )
    return dbsession.scalar(query) is not None


def file(
    dbsession: Session, reporter: User, comment: Comment, reason: str, details: str, auto_hide_at: int
) -> Filed:
    """Store ``reporter``'s report (:class:`InvalidReport` if they have one open on the
    comment already); hide the comment when it is the ``auto_hide_at``-th open one (0: never),
    logged as the board's own act. The caller holds the comment's row lock (a POST's
    ``resources.comment_factory``), so simultaneous reports count one after the other."""
    if has_open_report(dbsession, reporter, comment):
        raise InvalidReport(ALREADY_REPORTED)
    report = Report(comment_id=comment.id, reporter_id=reporter.id, reason=reason, details=details)
    try:
        # The unique index has the last word (two tabs sending the form at once).
        with dbsession.begin_nested():
            dbsession.add(report)
    except IntegrityError:
        raise InvalidReport(ALREADY_REPORTED) from None
    auto_hidden = False
    if auto_hide_at and not comment.is_hidden and open_reports_of(dbsession, comment) >= auto_hide_at:
        comment.hidden_at = utcnow()
        dbsession.add(ModerationAction.record(None, AUTO_HIDE, comment))
        auto_hidden = True
    return Filed(report, auto_hidden)


def open_reports_of(dbsession: Session, comment: Comment) -> int:
    """How many open reports the comment has: how many distinct members reported it."""
    query = sa.select(sa.func.count()).where(Report.comment_id == comment.id, IS_OPEN)
    return dbsession.execute(query).scalar_one()


def resolve(dbsession: Session, comment_ids: list[int], resolver: User | None, resolution: str) -> int:
    """Close every open report of the comments ``comment_ids`` as ``resolution``, by
    ``resolver`` (None: the comment's author deleted it); returns how many were closed."""
    if not comment_ids:
        return 0
    result = dbsession.execute(
        sa.update(Report)
        .where(Report.comment_id.in_(comment_ids), IS_OPEN)
        .values(
            is_open=None,
            resolved_at=utcnow(),
            resolved_by_id=None if resolver is None else resolver.id,
            resolved_by=None if resolver is None else resolver.username,
            resolution=resolution,
        )
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult[Any], result).rowcount

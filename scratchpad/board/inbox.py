"""What the moderation inbox (``/admin/inbox``) shows: reported comments, and comments
waiting for approval, each a keyset page at a time, newest first; and the navbar's counts.

Reported comments are ordered by their newest open report (its id: ids grow with time), so a
comment reported again comes back to the top; a page is ``?before=<that report's id>``.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa
from pyramid.request import Request
from sqlalchemy.orm import Session, contains_eager

from scratchpad.board import keyset
from scratchpad.models import Comment, Report, User
from scratchpad.models.report import IS_OPEN
from scratchpad.models.user import ADMIN


@dataclass
class ReportedComment:
    """A comment with its open reports (oldest first); ``newest`` is the newest one's id."""

    comment: Comment
    newest: int
    reports: list[Report] = field(default_factory=list)

    @property
    def id(self) -> int:
        """The keyset value of the page after this one."""
        return self.newest

    @property
    def auto_hidden(self) -> bool:
        """Hidden while its reports are open: the board hid it (an admin's hide resolves
        the reports), pending an admin, who restores it or keeps it hidden."""
        return self.comment.is_hidden


#: Open reports whose comment still exists (a comment deleted outright leaves NULL).
OPEN_REPORTS = sa.and_(IS_OPEN, Report.comment_id.is_not(None))


def reported_comments(dbsession: Session, page_size: int, before: int | None = None) -> keyset.Page:
    """A page of :class:`ReportedComment`, newest report first. Two statements: the page's
    comments with their authors, then their open reports with the reporters' names."""
    newest = sa.func.max(Report.id).label("newest")
    groups = sa.select(Report.comment_id, newest).where(OPEN_REPORTS).group_by(Report.comment_id)
    if before is not None:
        groups = groups.having(newest < before)
    page = groups.order_by(newest.desc()).limit(page_size + 1).subquery("page")
    rows = dbsession.execute(
        sa.select(Comment, page.c.newest)
        .join(page, page.c.comment_id == Comment.id)
        .outerjoin(Comment.commenter)
        .options(contains_eager(Comment.commenter).load_only(User.username))
        .order_by(page.c.newest.desc())
    ).all()
    shown = keyset.page_of((ReportedComment(comment, newest) for comment, newest in rows), page_size)
    by_comment = {entry.comment.id: entry for entry in shown.rows}
    if by_comment:
        reports = dbsession.scalars(
            sa.select(Report)
            .where(IS_OPEN, Report.comment_id.in_(by_comment))
            .join(Report.reporter)
            .options(contains_eager(Report.reporter).load_only(User.username))
            .order_by(Report.id)
        )
        for report in reports:
            if report.comment_id is not None:  # the query says so; mypy cannot know
                by_comment[report.comment_id].reports.append(report)
    return shown


def waiting_comments(dbsession: Session, page_size: int, before: int | None = None) -> keyset.Page:
    """A page of comments waiting for approval, newest first, with their authors. One statement."""
    query = (
        sa.select(Comment)
        .where(Comment.waiting_since.is_not(None))
        .outerjoin(Comment.commenter)
        .options(contains_eager(Comment.commenter).load_only(User.username))
    )
    return keyset.page_of(
        dbsession.scalars(keyset.newest_first(query, Comment.id, page_size, before)), page_size
    )


@dataclass(frozen=True)
class InboxCount:
    """What the navbar shows an admin: open reports, and comments waiting for approval."""

    reports: int = 0
    waiting: int = 0

    @property
    def total(self) -> int:
        return self.reports + self.waiting

    @property
    def route(self) -> str:
        """Where the navbar's link leads: the reports, unless none is open and comments wait."""
        return "admin.inbox_waiting" if self.waiting and not self.reports else "admin.inbox"


def counts_for_admins() -> tuple[sa.ColumnElement[int | None], sa.ColumnElement[int | None]]:
    """The navbar's two counts as columns to add to the statement that loads the visitor
    (``accounts/security.py``): NULL for anyone but an admin, whose statement alone counts,
    so the navbar costs nobody a statement of its own."""
    reports = sa.select(sa.func.count()).where(OPEN_REPORTS).scalar_subquery()
    waiting = sa.select(sa.func.count()).where(Comment.waiting_since.is_not(None)).scalar_subquery()
    is_admin = User.role == ADMIN
    return (
        sa.case((is_admin, reports), else_=None).label("open_reports"),
        sa.case((is_admin, waiting), else_=None).label("waiting_comments"),
    )


def no_inbox_count(request: Request) -> InboxCount:
    """``request.inbox_count`` unless the security policy set it: it sets the admins' counts
    as it loads the visitor (accounts/security.py), so this is what everyone else has."""
    return InboxCount()

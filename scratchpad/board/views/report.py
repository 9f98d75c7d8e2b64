"""Reporting a comment to the admins: the form at ``/comments/<id>/report`` (no JavaScript
needed) and storing the report (board/reports.py), under the reporting limit."""

from typing import Any

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.request import Request
from pyramid.response import Response
from pyramid.view import view_config

from scratchpad.accounts import throttle
from scratchpad.board import reports
from scratchpad.board.views.comment import board_url_of, record
from scratchpad.i18n.messages import _, message_of, translate
from scratchpad.models import Comment
from scratchpad.models.rate_event import REPORT
from scratchpad.models.report import MAX_DETAILS_LENGTH, REASONS
from scratchpad.resources import CommentResource

TEMPLATE = "scratchpad:templates/comments/report.jinja2"


def form_values(
    comment: Comment, reason: str = "", details: str = "", error: str | None = None, closed: bool = False
) -> dict[str, Any]:
    return {
        "comment": comment,
        "reasons": REASONS,
        "reason": reason,
        "details": details,
        "max_details": MAX_DETAILS_LENGTH,
        "error": error,
        "closed": closed,
    }


def closed_because(request: Request, comment: Comment) -> str | None:
    """Why the visitor cannot report this comment (now): their own, gone, or reported already."""
    refusal = reports.refusal(request.identity, comment)
    if refusal is None and reports.has_open_report(request.dbsession, request.identity, comment):
        return reports.ALREADY_REPORTED
    return refusal


@view_config(route_name="comments.report", request_method="GET", renderer=TEMPLATE, permission="report")
def report_form(context: CommentResource, request: Request) -> dict[str, Any]:
    comment = context.comment
    refusal = closed_because(request, comment)
    if refusal:
        request.response.status = 409
    return form_values(comment, error=refusal, closed=refusal is not None)


@view_config(route_name="comments.report", request_method="POST", renderer=TEMPLATE, permission="report")
def report(context: CommentResource, request: Request) -> dict[str, Any] | Response:
    comment = context.comment
    reason = request.POST.get("reason", "")
    details = request.POST.get("details", "")

    def refused(status: int, error: str, closed: bool = False) -> dict[str, Any]:
        request.response.status = status
        return form_values(comment, reason, details, error, closed)

    refusal = reports.refusal(request.identity, comment)
    if refusal:
        return refused(409, refusal, closed=True)
    try:
        reason, cleaned = reports.clean(reason, details)
    except reports.InvalidReport as error:
        return refused(400, message_of(error))
    refusal = throttle.limit_rate(request, REPORT)
    if refusal:
        return form_values(comment, reason, details, refusal)
    settings = request.registry.settings
    try:
        filed = reports.file(
            request.dbsession,
            request.identity,
            comment,
            reason,
            cleaned,
            settings["scratchpad.auto_hide_reports"],
        )
    except reports.InvalidReport as error:
        return refused(409, message_of(error), closed=True)
    record(request, "report", "filed", comment)
    if filed.auto_hidden:
        record(request, "moderation", "auto-hide", comment)
    request.session.flash(
        translate(request, _("Thank you: your report was sent, and an admin will look at it."))
    )
    return HTTPSeeOther(location=board_url_of(request, comment))

"""Friendly error pages: a visitor sees what went wrong in words, never a traceback."""

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from pyramid.exceptions import BadCSRFToken
from pyramid.httpexceptions import HTTPClientError
from pyramid.request import Request
from pyramid.view import exception_view_config, notfound_view_config
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from scratchpad.i18n.messages import _, translate
from scratchpad.i18n.negotiation import visitor_language
from scratchpad.web.access_log import printable_path

log = logging.getLogger(__name__)

TEMPLATE = "scratchpad:templates/errors/error.jinja2"

View = TypeVar("View", bound=Callable[..., Any])

#: The error pages' headings, Pyramid's own (English) titles marked for translation: every
#: client error the board answers with a page.
TITLES = {
    400: _("Bad Request"),
    403: _("Forbidden"),
    404: _("Not Found"),
    405: _("Method Not Allowed"),
    409: _("Conflict"),
    413: _("Request Entity Too Large"),
    429: _("Too Many Requests"),
}
#: What the page says when the view gave no words of its own: Pyramid's ``explanation``.
EXPLANATIONS = {
    400: _(
        "The server could not comply with the request since it is either malformed or otherwise incorrect."
    ),
    403: _("Access was denied to this resource."),
    404: _("The resource could not be found."),
    409: _("There was a conflict when trying to complete your request."),
    413: _("The body of your request was too large for this server."),
    429: _("The action could not be performed because there were too many requests by the client."),
}


def one_line(error: BaseException) -> str:
    """``OperationalError: (2003, "Can't connect to MySQL server ...")``: the database
    driver's error on one line, without what SQLAlchemy adds on lines of its own (the
    statement, a link), for a log that stays one line per failure."""
    cause = getattr(error, "orig", None) or error
    return " ".join(f"{type(cause).__name__}: {cause}".split())


@notfound_view_config(renderer="scratchpad:templates/errors/404.jinja2")
def notfound(request: Request) -> dict[str, str]:
    request.response.status = 404
    return {}


@exception_view_config(BadCSRFToken, renderer=TEMPLATE)
def bad_csrf_token(request: Request) -> dict[str, str]:
    request.response.status = 400
    return dict(
        title=translate(request, _("Form expired")),
        message=translate(
            request,
            _(
                "The form's security token was missing or wrong, so nothing was saved. "
                "Please go back, reload the page and try again."
            ),
        ),
    )


@exception_view_config(HTTPClientError, renderer=TEMPLATE)
def client_error(exc: HTTPClientError, request: Request) -> dict[str, str]:
    """The view's own words (``detail``, marked with ``_`` where it was raised), else the
    status's; both in the reader's language."""
    request.response.status = exc.status
    title = TITLES.get(exc.code, exc.title)
    message = exc.detail or EXPLANATIONS.get(exc.code, exc.explanation)
    return dict(title=translate(request, title), message=translate(request, message))


def once_retries_are_over(*contexts: type[BaseException], renderer: str = TEMPLATE) -> Callable[[View], View]:
    """Register an exception view that runs only when pyramid_retry will not run the request
    again: the error is not retryable, or this was the last attempt."""

    def register(view: View) -> View:
        for context in contexts:
            for predicates in ({"retryable_error": False}, {"last_retry_attempt": True}):
                view = exception_view_config(context, renderer=renderer, **predicates)(view)
        return view

    return register


@once_retries_are_over(
    OperationalError, InterfaceError, PoolTimeoutError,
    renderer="scratchpad:templates/errors/unavailable.jinja2",
)  # fmt: skip
def database_unavailable(exc: Exception, request: Request) -> dict[str, str]:
    """The database is down, unreachable or overloaded: say so with a 503, not a 500."""
    # Like the access log: the path without the query string (it may carry a token), one line.
    log.error(
        "Database unavailable on %s %s: %s", request.method, printable_path(request.environ), one_line(exc)
    )
    request.response.status = 503
    request.response.headers["Retry-After"] = "30"
    # The page's language, without asking the database who is logged in.
    request.locale_name = visitor_language(request)
    return {}


@once_retries_are_over(Exception)
def server_error(exc: Exception, request: Request) -> dict[str, str]:
    """Anything unexpected: log it for the operator, show the visitor a plain apology."""
    log.exception("Unexpected error on %s %s", request.method, request.path_qs)
    if not request.dbsession.is_active:
        # A statement failed in a flush (an IntegrityError, say): the session refuses every
        # query until rolled back, and the page below asks it who is logged in.
        request.dbsession.rollback()
    request.response.status = 500
    return dict(
        title=translate(request, _("Something went wrong")),
        message=translate(request, _("Sorry, that did not work and nothing was saved. Please try again.")),
    )

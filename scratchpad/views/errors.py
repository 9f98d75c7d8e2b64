"""Friendly error pages: a visitor sees what went wrong in words, never a traceback."""

import logging

from pyramid.exceptions import BadCSRFToken
from pyramid.httpexceptions import HTTPClientError
from pyramid.view import exception_view_config, notfound_view_config

log = logging.getLogger(__name__)

TEMPLATE = "scratchpad:templates/errors/error.jinja2"


@notfound_view_config(renderer="scratchpad:templates/errors/404.jinja2")
def notfound(request):
    request.response.status = 404
    return {}


@exception_view_config(BadCSRFToken, renderer=TEMPLATE)
def bad_csrf_token(request):
    request.response.status = 400
    return dict(
        title="Form expired",
        message="The form's security token was missing or wrong, so nothing was saved. "
        "Please go back, reload the page and try again.",
    )


@exception_view_config(HTTPClientError, renderer=TEMPLATE)
def client_error(exc, request):
    request.response.status = exc.status
    return dict(title=exc.title, message=exc.detail or exc.explanation)


# pyramid_retry re-runs a request that failed with a transient error; only show this page
# once that is no longer going to happen.
@exception_view_config(Exception, renderer=TEMPLATE, retryable_error=False)
@exception_view_config(Exception, renderer=TEMPLATE, last_retry_attempt=True)
def server_error(exc, request):
    """Anything unexpected: log it for the operator, show the visitor a plain apology."""
    log.exception("Unexpected error on %s %s", request.method, request.path_qs)
    request.response.status = 500
    return dict(
        title="Something went wrong",
        message="Sorry, that did not work and nothing was saved. Please try again.",
    )

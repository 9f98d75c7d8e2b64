"""Requests as they arrive: what this site will read before any view runs, and the class
every request is made of."""

from pyramid.config import Configurator
from pyramid.events import ApplicationCreated, NewRequest
from pyramid.httpexceptions import HTTPBadRequest, HTTPRequestEntityTooLarge
from pyramid.interfaces import IRequestExtensions, IRequestFactory
from pyramid.registry import Registry
from pyramid.request import Request as PyramidRequest

from scratchpad.i18n.messages import Quantity, _

#: After every other configuration action, ``add_request_method``'s (order 0) included.
AFTER_EVERY_EXTENSION = 10_000


class Request(PyramidRequest):
    @property
    def request_body_tempfile_limit(self) -> int:
        """Every body accepted fits in max_body_size: pyramid_retry's copy of it stays in
        memory instead of a temporary file per request, which nothing would close."""
        return self.registry.settings["scratchpad.max_body_size"]


def make_extensions_part_of_the_class(registry: Registry) -> None:
    """Put what the areas add to requests (``config.add_request_method``: ``request.dbsession``,
    ``request.tm``, ``request.comment_path``...) into one subclass of the request class, made
    once, which the router then makes every request of (``leave_the_extensions_to_the_class``).

    Pyramid's router otherwise applies them to each request as it is made, and for the
    properties among them that means a new class, made with ``type()``, for every request:
    about 40 microseconds a request, a tenth of what a kept page costs in all. The
    properties and methods are the same objects either way, reified ones included (a
    reified value is kept in the request's own ``__dict__``), so every request still gets
    values of its own. They stay registered too, for requests made elsewhere (a script's
    ``pyramid.scripting.prepare(request=...)`` applies them to a request of its own).
    """
    extensions = registry.queryUtility(IRequestExtensions)
    if extensions is None:
        return
    factory = registry.queryUtility(IRequestFactory, default=PyramidRequest)
    members = {"__module__": factory.__module__, "__doc__": factory.__doc__}
    members.update(extensions.methods)
    members.update(extensions.descriptors)
    registry.registerUtility(type(factory.__name__, (factory,), members), IRequestFactory)


def leave_the_extensions_to_the_class(event: ApplicationCreated) -> None:
    """The router's requests are made of a class that holds every extension already: the
    router need not apply them to each (it applies its ``request_extensions`` unless None)."""
    router = event.app
    extensions = router.request_extensions
    if extensions is not None:
        held = vars(router.request_factory)
        if all(
            held.get(name) is member
            for name, member in {**extensions.methods, **extensions.descriptors}.items()
        ):
            router.request_extensions = None


def body_too_large(request: Request) -> bool:
    length = request.content_length
    return length is not None and length > request.registry.settings["scratchpad.max_body_size"]


def settle_body_length(request: Request) -> None:
    """Give a body of unknown length (chunked: gunicorn passes those on; waitress buffers them
    and sets Content-Length itself) a length, reading at most one byte past the limit. One
    that fits is kept in memory; one that does not keeps the rest unread, and the length it
    now declares is enough to refuse it."""
    if request.content_length is not None or not request.environ.get("wsgi.input_terminated"):
        return
    limit = request.registry.settings["scratchpad.max_body_size"]
    data = request.body_file_raw.read(limit + 1)
    if len(data) > limit:
        request.environ["CONTENT_LENGTH"] = str(len(data))
    else:
        request.body = data


def retry_attempts(request: Request) -> int | None:
    """pyramid_retry's activate hook, run before it copies the body for retries: a body too
    large to accept gets one attempt only, so it is refused below without being copied (or
    read) first; others get the default."""
    settle_body_length(request)
    return 1 if body_too_large(request) else None


def reject_unreadable_request(event: NewRequest) -> None:
    """Answer 400, before routing, to a request whose address or form WebOb cannot read.

    WebOb decodes ``path_info``, ``GET`` and ``POST`` on first use and raises for an address
    that is not UTF-8, a multipart body without a usable boundary, or a form declared in a
    charset other than UTF-8 (a raised ``DeprecationWarning``). Left to the views and to the
    CSRF check (which reads ``POST``) these were 500s; for a bad path even the error page
    failed, since it reads ``request.path`` too. No form here uploads files, so a file where
    a view expects text is refused as well. Cookies are decoded (as UTF-8) when the visitor's
    login is looked up, on every page, error pages included: a cookie that is not UTF-8 (say
    ``x="\\377"``) made even the error page fail, so it is checked first.
    """
    request = event.request
    try:
        request.cookies.keys()
    except UnicodeDecodeError:
        # Dropped for this request, so the error page (which asks who is logged in) can be drawn.
        request.environ["HTTP_COOKIE"] = ""
        raise HTTPBadRequest(
            _(
                "Your browser sent a cookie that is not UTF-8 text. "
                "Please delete this site's cookies and try again."
            )
        ) from None
    if body_too_large(request):
        limit = request.registry.settings["scratchpad.max_body_size"]
        raise HTTPRequestEntityTooLarge(
            _(
                "That is more than this site accepts at once (${size} KiB); nothing was saved.",
                mapping={"size": Quantity(limit // 1024)},
            )
        )
    try:
        request.path_info  # noqa: B018 (read to decode it now, inside this try)
        request.GET  # noqa: B018 (likewise)
    except UnicodeDecodeError:
        raise HTTPBadRequest(_("That address is not valid: it is not UTF-8 text.")) from None
    try:
        values = request.POST.values()
    except (ValueError, DeprecationWarning):
        message = _("The form could not be read: it is malformed, or not sent as UTF-8.")
        raise HTTPBadRequest(message) from None
    if any(not isinstance(value, str) for value in values):
        raise HTTPBadRequest(_("This site does not accept file uploads."))


def includeme(config: Configurator) -> None:
    config.set_request_factory(Request)
    registry = config.registry
    config.action(None, lambda: make_extensions_part_of_the_class(registry), order=AFTER_EVERY_EXTENSION)
    config.add_subscriber(leave_the_extensions_to_the_class, ApplicationCreated)
    config.add_subscriber(reject_unreadable_request, NewRequest)

"""The whole app in a WebTest browser: the browser class every test logs in with, an app on a
database of the test's own that it commits to, as the served app would, and the templates
every app of the test process shares once compiled."""

import contextlib
from typing import Any

import jinja2
import webtest
from pyramid.paster import get_appsettings

from scratchpad import main
from scratchpad.models import get_engine
from scratchpad.settings import load_settings
from tests.support.paths import ROOT

#: The elements webtest's Form reads as its fields.
FIELD_TAGS = ("input", "select", "textarea", "button")


class _FieldsOfPage:
    """A page's tree as webtest's Form reads it, ``find_all(accepts)``, for its fields: the
    elements inside it or naming it in their ``form`` attribute. Only the elements that are
    fields or have a ``form`` attribute can be either, so ``accepts`` is asked of those alone,
    in page order, and the same elements come back as from the whole tree."""

    def __init__(self, page):
        self._candidates = [
            tag for tag in page.find_all(True) if tag.name in FIELD_TAGS or "form" in tag.attrs
        ]

    def find_all(self, accepts):
        return [tag for tag in self._candidates if accepts(tag)]


class _ReadFields:
    """What a Form reads of its response while it is built: the page, as ``_FieldsOfPage``."""

    def __init__(self, page):
        self.html = _FieldsOfPage(page)


class TestResponse(webtest.TestResponse):
    def _parse_forms(self):
        """webtest's ``forms``, the same Form objects, built without each form's walk over the
        whole page: a Form with an id looked at every element of the page, and every ancestor
        of each field, to find its fields (on the account page, eight forms: a fifth of the
        test's time under coverage). Each Form is built on ``_ReadFields`` and then given the
        response, which it uses from then on (to submit)."""
        forms = self._forms_indexed = {}
        fields = _ReadFields(self.html)
        for number, text in enumerate([str(element) for element in self.html("form")]):
            form = webtest.forms.Form(fields, text, self.parser_features)
            form.response = self
            forms[number] = form
            if form.id:
                forms[form.id] = form


class TestRequest(webtest.app.TestRequest):
    ResponseClass = TestResponse


class TestApp(webtest.TestApp):
    RequestClass = TestRequest

    def get_csrf_token(self):
        """Load a page with a form, the way a browser would, and take its token (every form
        on a page carries the same one; logged in, the header's logout form comes first)."""
        return self.get("/login/").html.find("input", attrs={"name": "csrf_token"})["value"]

    def login(self, username, password, status=303, **params):
        form = self.get("/login/").forms["login-form"]
        form["username"] = username
        form["password"] = password
        for key, value in params.items():
            form.set(key, value)
        return form.submit(status=status)


#: The options of a Jinja2 environment that change the code a template compiles to (its
#: syntax, escaping, finalizing, gettext style), besides its extensions.
CODE_SHAPING_OPTIONS = (
    "block_start_string",
    "block_end_string",
    "variable_start_string",
    "variable_end_string",
    "comment_start_string",
    "comment_end_string",
    "line_statement_prefix",
    "line_comment_prefix",
    "trim_blocks",
    "lstrip_blocks",
    "newline_sequence",
    "keep_trailing_newline",
    "autoescape",
    "finalize",
    "optimized",
    "undefined",
    "newstyle_gettext",
)


class CompiledTemplates(jinja2.BytecodeCache):
    """Each template's compiled code, kept in memory for every app the test process builds.

    Every app has a Jinja2 environment of its own, which compiled each template again on its
    first render: a test building an app with other settings (``app_with``, ``app_on``, a
    ``main()`` of its own) spent about 0.17 CPU seconds with coverage on compiling the
    templates its few requests drew, twice its own visit. Jinja2 checks the template's source
    against the code's checksum before using it, so an edited template is compiled again; and
    the code is kept per set of the environment's options that shape it, so an app with other
    Jinja2 options never runs another's code.
    """

    def __init__(self) -> None:
        self._code: dict[tuple, bytes] = {}

    @staticmethod
    def _key(bucket: jinja2.bccache.Bucket) -> tuple:
        environment = bucket.environment
        options = tuple(getattr(environment, name, None) for name in CODE_SHAPING_OPTIONS)
        return (bucket.key, tuple(sorted(environment.extensions)), *options)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(self._key(bucket))
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[self._key(bucket)] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


def sharing_compiled_templates(settings: dict[str, Any]) -> dict[str, Any]:
    """``settings`` with pyramid_jinja2's ``jinja2.bytecode_caching`` set to the process's
    ``COMPILED_TEMPLATES`` (the setting takes a cache object as well as a boolean)."""
    return {**settings, "jinja2.bytecode_caching": COMPILED_TEMPLATES}


def is_logged_in(browser):
    """Whether ``browser``'s cookies still log it in: the board's header offers to log out."""
    return "Log out" in browser.get("/")


@contextlib.contextmanager
def app_on(url, overrides=None):
    """``with app_on(url) as browser:``, a browser on the whole app over the database at
    ``url``, with testing.ini's settings and ``overrides`` (a dict of ini keys); the engine is
    disposed of when the block ends, so no connection outlives it."""
    settings = dict(get_appsettings(str(ROOT / "testing.ini")))
    settings.update({"sqlalchemy.url": url, **(overrides or {})})
    settings = sharing_compiled_templates(load_settings(settings, environ={}))
    engine = get_engine(settings)
    try:
        yield TestApp(main({}, **settings, dbengine=engine), extra_environ={"HTTP_HOST": "example.com"})
    finally:
        engine.dispose()

"""The whole app in a WebTest browser: the browser class every test logs in with, and an app
on a database of the test's own that it commits to, as the served app would."""

import contextlib

import webtest
from pyramid.paster import get_appsettings

from scratchpad import main
from scratchpad.models import get_engine
from scratchpad.settings import load_settings
from tests.support.paths import ROOT


class TestApp(webtest.TestApp):
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
    settings = load_settings(settings, environ={})
    engine = get_engine(settings)
    try:
        yield TestApp(main({}, **settings, dbengine=engine), extra_environ={"HTTP_HOST": "example.com"})
    finally:
        engine.dispose()

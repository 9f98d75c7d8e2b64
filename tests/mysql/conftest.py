"""Fixtures for the utf8mb4, time zone, retry and MariaDB migration tests: posting through the
comment form the way a browser does, and a database at a revision holding rows."""

import pytest

from tests.support.in_process import alembic


def comment_form(page):
    """The form on GET / that posts a comment."""
    return next(form for form in page.forms.values() if form.action == "/" and "contents" in form.fields)


@pytest.fixture
def post_comment():
    """A function posting ``text`` through the comment form on GET /, as a browser would.

    pyramid_retry makes every request body seekable, and WebOb copies one over 10 kB into a
    ``TemporaryFile`` nobody closes; closing it here keeps the ResourceWarning (an error under
    filterwarnings = error) from surfacing in whichever test the garbage collector picks.
    """

    def post(testapp, text, status=303):
        form = comment_form(testapp.get("/"))
        form["contents"] = text
        res = form.submit(status=status)
        res.request.environ["wsgi.input"].close()
        return res

    return post


@pytest.fixture
def database_at(mariadb_server):
    """``database_at(name, revision, *statements)``: the URL of a new database ``name`` on the
    run's MariaDB, migrated to ``revision`` by the real ``alembic`` command, then holding what
    ``statements`` wrote: where a migration test starts."""

    def make(name, revision, *statements):
        mariadb_server.create_database(name)
        url = mariadb_server.url(name)
        assert alembic("upgrade", revision, database_url=url).returncode == 0
        for statement in statements:
            mariadb_server.rows(name, statement)
        return url

    return make

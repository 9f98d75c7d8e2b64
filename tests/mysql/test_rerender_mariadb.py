"""Stored HTML on a real MariaDB: the migration's column holds the longest HTML we know a
comment to become, and the deploy step remakes stale rows in batches, writing only rows left unchanged."""

import pytest
import sqlalchemy as sa

from scratchpad.markup import RULES_VERSION, render_markdown
from scratchpad.models import Comment
from scratchpad.rerender import rerender_stale

pytestmark = pytest.mark.mysql

DATABASE = "rerender_test"
#: ~49 kB of HTML from 4,096 characters (each emoji of the address percent-encoded as 12
#: bytes): the most we found, close to the 64 KiB of MySQL's TEXT (we store MEDIUMTEXT).
LONGEST = "[a](/" + "\N{GRINNING FACE}" * 4089 + ")"


@pytest.fixture
def engine(mariadb_server, run_alembic):
    mariadb_server.create_database(DATABASE)
    url = mariadb_server.url(DATABASE)
    process = run_alembic(url, "upgrade", "head")
    assert process.returncode == 0, process.stderr
    engine = sa.create_engine(url)
    yield engine
    engine.dispose()


def stored(engine):
    with engine.connect() as connection:
        query = sa.select(Comment.content, Comment.html, Comment.html_version).order_by(Comment.id)
        return [tuple(row) for row in connection.execute(query)]


def test_stale_rows_get_todays_html_in_batches(engine):
    texts = [LONGEST, "*emphasis*", "Ca\N{LATIN SMALL LETTER E WITH ACUTE}", "<script>alert(1)</script>"]
    with engine.begin() as connection:
        connection.execute(
            Comment.__table__.insert(),
            [dict(content=text, html=text, html_version=RULES_VERSION - 1) for text in texts],
        )
    rewritten = rerender_stale(engine, batch_size=3)
    expected = [(text, str(render_markdown(text)), RULES_VERSION) for text in texts]
    assert (rewritten, stored(engine)) == (len(texts), expected)


def test_the_longest_html_is_stored_whole_by_the_model(engine):
    with sa.orm.Session(engine) as dbsession, dbsession.begin():
        dbsession.add(Comment(content=LONGEST))
    [(_, html, _)] = stored(engine)
    assert (len(html.encode()) > 12 * 4000, html) == (True, str(render_markdown(LONGEST)))

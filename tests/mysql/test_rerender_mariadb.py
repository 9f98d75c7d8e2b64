"""Stored HTML on a real MariaDB: the migration's column holds the longest HTML we know a
comment to become, and the deploy step remakes stale rows in batches, writing only rows left unchanged."""

import pytest
import sqlalchemy as sa

from scratchpad.board.markup import RULES_VERSION, render_markdown
from scratchpad.board.rerender import rerender_stale
from scratchpad.models import Comment
from tests.support.in_process import alembic

pytestmark = pytest.mark.mysql

DATABASE = "rerender_test"
BEFORE = "5f3a9c1e7b20"
REVISION = "5e1f0c9a7b3d"
COMMENTS = ((1, "hi *there*"), (2, "Caf\N{LATIN SMALL LETTER E WITH ACUTE} \N{GRINNING FACE}"))
#: ~49 kB of HTML from 4,096 characters (each emoji of the address percent-encoded as 12
#: bytes): the most we found, close to the 64 KiB of MySQL's TEXT (we store MEDIUMTEXT).
LONGEST = "[a](/" + "\N{GRINNING FACE}" * 4089 + ")"


@pytest.fixture
def engine(mariadb_server):
    mariadb_server.create_database(DATABASE)
    url = mariadb_server.url(DATABASE)
    process = alembic("upgrade", "head", database_url=url)
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


def test_the_migration_keeps_every_comment_both_ways(mariadb_server):
    mariadb_server.create_database(DATABASE)
    url = mariadb_server.url(DATABASE)
    steps = [alembic("upgrade", BEFORE, database_url=url)]
    with mariadb_server.connect(DATABASE) as connection, connection.cursor() as cursor:
        cursor.executemany("INSERT INTO comments (id, content) VALUES (%s, %s)", COMMENTS)
        connection.commit()
    kept = []
    for direction, revision in [("upgrade", REVISION), ("downgrade", BEFORE)]:
        steps.append(alembic(direction, revision, database_url=url))
        with mariadb_server.connect(DATABASE) as connection, connection.cursor() as cursor:
            cursor.execute("SELECT id, content FROM comments ORDER BY id")
            kept.append(cursor.fetchall())
    assert ([step.returncode for step in steps], kept) == ([0, 0, 0], [COMMENTS, COMMENTS])


def test_the_longest_html_is_stored_whole_by_the_model(engine):
    with sa.orm.Session(engine) as dbsession, dbsession.begin():
        dbsession.add(Comment(content=LONGEST))
    [(_, html, _)] = stored(engine)
    assert (len(html.encode()) > 12 * 4000, html) == (True, str(render_markdown(LONGEST)))

"""A comment's HTML is made once, when its text is written, and stored beside it: pages, the
feed and the API read it, so no comment, however hostile, makes reading render Markdown."""

import re

import pytest
import sqlalchemy as sa

from scratchpad.board import markup
from scratchpad.board.markup import RULES_VERSION, render_markdown
from scratchpad.models import Comment
from scratchpad.models.comment import with_html
from tests.support.factories import make_comment, stored_comment, stored_comments
from tests.support.html_safety import board_problems, comment_problems
from tests.support.xss_vectors import ALL as XSS_VECTORS

#: The issue's worst case: ~40 ms to render, on every read while it was rendered at read time.
HOSTILE = "[*" * 2046
#: More than a page (50) and the feed (50), fewer than the API's largest page (100).
HOSTILE_COUNT = 60
FORMATTED = "Some *emphasis* and a [link](https://example.com).\n\n> quoted\n\n- one\n- two"


@pytest.fixture
def renders(monkeypatch):
    """The texts the Markdown parser renders while the test runs (counted at the parser, so
    that no way round ``render_markdown`` goes unseen)."""
    rendered = []
    parse = markup._parser.render

    def counting(text, *args, **kwargs):
        rendered.append(text)
        return parse(text, *args, **kwargs)

    monkeypatch.setattr(markup._parser, "render", counting)
    return rendered


def html_now(text):
    return str(render_markdown(text))


def make_stale(dbsession, comment, html, html_version):
    """Give a comment stored HTML as an older release (or a row from before HTML was stored)
    left it: through Core, around the ORM that would render it afresh."""
    table = Comment.__table__
    dbsession.execute(
        table.update().where(table.c.id == comment.id).values(html=html, html_version=html_version)
    )


def read_everything(testapp):
    """The board's first page, the API's largest page and the feed."""
    return [testapp.get("/"), testapp.get("/api/comments?limit=100"), testapp.get("/feed.atom")]


# Written once: posting and editing store the HTML with the text.


def test_posting_stores_the_html_of_the_text_with_the_rules_version(logged_in, dbsession, csrf_token):
    logged_in.post("/", {"contents": FORMATTED, "csrf_token": csrf_token()}, status=303)
    [comment] = stored_comments(dbsession)
    assert (comment.html, comment.html_version) == (html_now(FORMATTED), RULES_VERSION)


def test_editing_stores_the_html_of_the_new_text(logged_in, alice, dbsession, csrf_token):
    comment = make_comment(dbsession, "Old *words*", commenter=alice)
    logged_in.post(
        f"/comments/{comment.id}/edit", {"contents": FORMATTED, "csrf_token": csrf_token()}, status=303
    )
    stored = stored_comment(dbsession, comment.id)
    assert (stored.content, stored.html, stored.html_version) == (
        FORMATTED,
        html_now(FORMATTED),
        RULES_VERSION,
    )


def test_the_page_shows_the_stored_html(testapp, dbsession):
    make_comment(dbsession, FORMATTED)
    assert f'<div class="comment-content" dir="auto">{html_now(FORMATTED)}</div>' in testapp.get("/").text


# Read, never rendered.


def test_reading_hostile_comments_renders_no_markdown(testapp, dbsession, renders):
    # Stored as every writer stores them (text, HTML, rules version), rendered once: sixty
    # renders of it took four seconds.
    hostile = with_html(HOSTILE)
    dbsession.execute(sa.insert(Comment), [hostile] * HOSTILE_COUNT)
    renders.clear()  # the one render, made when the comments were written
    answers = read_everything(testapp)
    # The board's comments counted in its text, not in a parsed tree: the fifty hostile ones
    # hold 50,000 tags, and parsing them (BeautifulSoup) was three quarters of the test's
    # time. A comment's own HTML holds no <article> (html_safety.COMMENT_TAGS).
    articles = re.findall(r'<article class="comment[ "]', answers[0].text)
    shown = [len(articles), len(answers[1].json["comments"])]
    assert (renders, shown) == ([], [50, HOSTILE_COUNT])


def test_the_api_and_the_feed_carry_the_stored_html(testapp, dbsession, renders):
    make_comment(dbsession, FORMATTED)
    expected = html_now(FORMATTED)
    renders.clear()
    api_html = testapp.get("/api/comments").json["comments"][0]["html"]
    feed = testapp.get("/feed.atom").text
    assert (api_html, "&lt;em&gt;emphasis&lt;/em&gt;" in feed, renders) == (expected, True, [])


# Rows whose HTML is missing or older than the rules: right HTML, rendered when read.


@pytest.mark.parametrize("stale", [(None, None), ("<p>what older rules made</p>", RULES_VERSION - 1)])
def test_a_row_with_missing_or_stale_html_shows_the_html_of_today(testapp, dbsession, renders, stale):
    comment = make_comment(dbsession, FORMATTED)
    make_stale(dbsession, comment, *stale)
    expected = html_now(FORMATTED)
    renders.clear()
    api_html = testapp.get("/api/comments").json["comments"][0]["html"]
    assert (api_html, renders) == (expected, [FORMATTED])


def test_xss_vectors_in_stale_rows_come_back_dead_everywhere(testapp, dbsession):
    """Each row's stored HTML is the vector itself, as a careless older release might have
    left it: its rules version says it is stale, so it is never shown."""
    for vector in XSS_VECTORS:
        make_stale(dbsession, make_comment(dbsession, vector), vector, RULES_VERSION - 1)
    problems, shown = board_problems(testapp)
    for comment in testapp.get("/api/comments?limit=100").json["comments"]:
        problems += comment_problems(comment["html"])
    assert (problems, shown) == ([], len(XSS_VECTORS))


def test_xss_vectors_stored_through_the_model_are_dead(dbsession):
    for vector in XSS_VECTORS:
        make_comment(dbsession, vector)
    stored = dbsession.scalars(sa.select(Comment.html)).all()
    assert [problem for html in stored for problem in comment_problems(html)] == []

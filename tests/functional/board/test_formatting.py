"""Comments' Markdown through the whole stack: posted as text, stored as text, shown as safe HTML."""

import pytest
import sqlalchemy as sa

from scratchpad.models import Comment
from tests.support.factories import make_comment
from tests.support.html_safety import board_problems, page_problems
from tests.support.xss_vectors import ALL as XSS_VECTORS

FORMATTED = (
    "Some *emphasis*, **strong** words and `inline code`.\n"
    "A [link](https://example.com/page) on a second line.\n"
    "\n"
    "> A quote\n"
    "\n"
    "- one\n"
    "- two\n"
    "\n"
    "```\n"
    "<b>not bold</b>\n"
    "```"
)

#: The first few vectors of each kind (script, URL, handler, style, frame, svg; Markdown links).
POSTED_VECTORS = [
    "<script>alert('XSS')</script>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<svg/onload=alert('XSS')>",
    "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">",
    "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>",
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert(\'XSS\');">',
    "[a](javascript:alert(1))",
    "[a](&#x6A;avascript:alert(1))",
    "<JAVASCRIPT:alert(1)>",
    '[a](https://example.com" onmouseover="alert(1))',
    "[<img src=x onerror=alert(1)>](https://example.com)",
    "</textarea><script>alert(1)</script>",
]


def post(visitor, token, contents, status=303):
    return visitor.post("/", {"contents": contents, "csrf_token": token}, status=status)


def stored_texts(dbsession):
    return dbsession.scalars(sa.select(Comment.content).order_by(Comment.id)).all()


def shown_comment(res):
    return res.html.select_one("article.comment .comment-content")


def test_posted_markdown_is_shown_rendered(logged_in, csrf_token):
    shown = shown_comment(post(logged_in, csrf_token(), FORMATTED).follow())
    assert [tag.name for tag in shown.find_all()] == [
        "p", "em", "strong", "code", "br", "a", "blockquote", "p", "ul", "li", "li", "pre", "code",
    ]  # fmt: skip


def test_posted_link_is_marked_as_user_content(logged_in, csrf_token):
    res = post(logged_in, csrf_token(), FORMATTED).follow()
    assert '<a href="https://example.com/page" rel="nofollow ugc noopener">link</a>' in res.text


def test_code_block_shows_html_as_text(logged_in, csrf_token):
    shown = shown_comment(post(logged_in, csrf_token(), FORMATTED).follow())
    assert (shown.find("b"), shown.find("pre").get_text()) == (None, "<b>not bold</b>\n")


def test_database_holds_the_raw_text(logged_in, dbsession, csrf_token):
    post(logged_in, csrf_token(), FORMATTED)
    assert stored_texts(dbsession) == [FORMATTED]


def test_typed_line_breaks_are_shown_as_line_breaks(logged_in, csrf_token):
    # The browser sends "\r\n"; it is stored as "\n" and shown as <br>.
    shown = shown_comment(post(logged_in, csrf_token(), "one\r\ntwo\r\nthree").follow())
    assert str(shown.p) == "<p>one<br/>\ntwo<br/>\nthree</p>"


# The 4,096-character limit counts the raw text, not the HTML it becomes.

#: Almost all Markdown syntax: its HTML is several times longer than the text.
DENSE_LINES = "- **b** _i_ `c` <https://e.x>\n> [l](/)\n"
DENSE_REPEATS = 4096 // len(DENSE_LINES)
DENSE = DENSE_LINES * DENSE_REPEATS + "x" * (4096 - len(DENSE_LINES) * DENSE_REPEATS)


def test_4096_characters_of_markdown_are_accepted_and_stored(logged_in, dbsession, csrf_token):
    post(logged_in, csrf_token(), DENSE, status=303)
    assert (len(DENSE), stored_texts(dbsession)) == (4096, [DENSE])


def test_4096_characters_of_markdown_are_shown_as_more_html(logged_in, csrf_token):
    shown = shown_comment(post(logged_in, csrf_token(), DENSE).follow())
    assert (len(shown.find_all("li")), len(str(shown)) > 3 * 4096) == (DENSE_REPEATS, True)


def test_4097_characters_of_markdown_are_refused_with_the_message(logged_in, dbsession, csrf_token):
    res = post(logged_in, csrf_token(), DENSE + "x", status=400)
    message = res.html.select_one("#contents-error").get_text()
    assert (message, stored_texts(dbsession)) == (
        "Comments can be at most 4,096 characters long; this one has 4,097.",
        [],
    )


# Attacks


@pytest.mark.parametrize("vector", POSTED_VECTORS)
def test_xss_vector_posted_through_the_form_comes_back_dead(logged_in, csrf_token, vector):
    res = post(logged_in, csrf_token(), vector).follow()
    assert (page_problems(res.text), shown_comment(res) is not None) == ([], True)


@pytest.mark.parametrize("vector", POSTED_VECTORS)
def test_xss_vector_posted_through_the_form_is_stored_as_typed(logged_in, dbsession, csrf_token, vector):
    post(logged_in, csrf_token(), vector)
    assert stored_texts(dbsession) == [vector]


def test_every_xss_vector_on_the_board_comes_back_dead(testapp, dbsession):
    for vector in XSS_VECTORS:
        make_comment(dbsession, vector)
    problems, shown = board_problems(testapp)
    assert (problems, shown) == ([], len(XSS_VECTORS))

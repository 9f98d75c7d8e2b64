"""tests/support/html_safety.py, the judge the XSS tests rely on: it must see what a browser would run."""

import pytest
from markupsafe import Markup

from tests.support.html_safety import comment_problems, page_problems, url_scheme

REL = 'rel="nofollow ugc noopener"'

UNSAFE_COMMENTS = {
    "script": "<script>alert(1)</script>",
    "event handler": "<p onclick=alert(1)>x</p>",
    "style attribute": '<p style="color:red">x</p>',
    "style element": "<style>*{}</style>",
    "javascript href": f'<a href="javascript:alert(1)" {REL}>x</a>',
    "entity-encoded scheme": f'<a href="&#106;avascript:alert(1)" {REL}>x</a>',
    "tab in the scheme": f'<a href=" java&#9;script:alert(1)" {REL}>x</a>',
    "vbscript href": f'<a href="VBScript:msgbox(1)" {REL}>x</a>',
    "data href": f'<a href="data:text/html,x" {REL}>x</a>',
    "link without rel": '<a href="https://example.com">x</a>',
    "title attribute": f'<a href="https://example.com" title="t" {REL}>x</a>',
    "image": '<img src="https://example.com/a.png">',
    "heading": "<h1>x</h1>",
    "html comment": "<!-- x -->",
    "start that is not a number": '<ol start="x"><li>a</li></ol>',
}


@pytest.mark.parametrize("html", UNSAFE_COMMENTS.values(), ids=UNSAFE_COMMENTS.keys())
def test_unsafe_comment_html_is_caught(html):
    assert comment_problems(html) != []


@pytest.mark.parametrize("html", UNSAFE_COMMENTS.values(), ids=UNSAFE_COMMENTS.keys())
def test_unsafe_comment_html_is_caught_when_given_as_markup(html):
    assert comment_problems(Markup(html)) != []  # noqa: S704 (unsafe on purpose: it must be caught)


def test_the_whole_subset_passes():
    html = (
        f'<p><em>a</em> <strong>b</strong> <code>c</code> <a href="https://example.com" {REL}>d</a>'
        f'<br><a href="/?before=1" {REL}>e</a> <a href="mailto:me@example.com" {REL}>f</a></p>'
        '<blockquote><p>g</p></blockquote><ul><li>h</li></ul><ol start="3"><li>i</li></ol>'
        "<pre><code>&lt;script&gt;</code></pre>"
    )
    assert comment_problems(html) == []


PAGE = """<!doctype html><html><head><script src="/static/scratchpad.js" defer></script></head>
<body><a href="/login/">Log in</a><form method="post" action="/"><textarea>&lt;script&gt;</textarea></form>
<article><div class="comment-content">{comment}</div><small>Posted by <strong>alice</strong></small></article>
</body></html>"""


def test_our_page_passes():
    assert page_problems(PAGE.format(comment="<p><em>hi</em></p>")) == []


UNSAFE_PAGES = {
    "inline script": PAGE.replace("<body>", "<body><script>alert(1)</script>"),
    "foreign script": PAGE.replace("/static/scratchpad.js", "https://evil.example/x.js"),
    "event handler": PAGE.replace("<body>", "<body onload=alert(1)>"),
    "style element": PAGE.replace("<body>", "<body><style>*{}</style>"),
    "javascript form action": PAGE.replace('action="/"', 'action="javascript:alert(1)"'),
    "meta refresh": PAGE.replace("<head>", '<head><meta http-equiv="refresh" content="0;url=/">'),
    "iframe": PAGE.replace("<body>", '<body><iframe src="/"></iframe>'),
    # Harmless on its own, but not among the tags a comment may have.
    "strict inside a comment": PAGE.format(comment="<p><span>hi</span></p>"),
}


@pytest.mark.parametrize("html", UNSAFE_PAGES.values(), ids=UNSAFE_PAGES.keys())
def test_unsafe_page_is_caught(html):
    assert page_problems(html.replace("{comment}", "")) != []


def test_comment_rules_end_with_the_comment():
    # The byline's <small> and <strong> come after the comment's div has closed.
    assert page_problems(PAGE.format(comment="<p>a</p><ul><li>b</li></ul>")) == []


@pytest.mark.parametrize(
    "url, scheme",
    [
        ("https://example.com", "https"),
        ("  JavaScript:alert(1)", "javascript"),
        ("\x01java\nscr\tipt:alert(1)", "javascript"),
        ("/relative:path", None),
        ("java%73cript:alert(1)", None),
        ("?a=b:c", None),
    ],
)
def test_url_scheme_is_read_as_browsers_read_it(url, scheme):
    assert url_scheme(url) == scheme

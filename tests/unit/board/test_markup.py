"""scratchpad.board.markup.render_markdown: the Markdown subset comments may use, and nothing more."""

from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from scratchpad.board.markup import render_markdown
from tests.support.html_safety import comment_problems
from tests.support.xss_vectors import ALL as XSS_VECTORS
from tests.support.xss_vectors import FRAGMENTS

REL = 'rel="nofollow ugc noopener"'


class Outline(HTMLParser):
    """The tags and the text of some HTML, as a browser would read them."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.text = ""
        self.feed(str(html))  # a Markup would escape itself inside the parser
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text += data


# What the subset offers, exactly.

SUBSET = {
    "emphasis": (
        "*one* _two_ **three** __four__",
        "<p><em>one</em> <em>two</em> <strong>three</strong> <strong>four</strong></p>\n",
    ),
    "inline code": ("`x < y` here", "<p><code>x &lt; y</code> here</p>\n"),
    "link": (
        "[Pyramid](https://trypyramid.com)",
        f'<p><a href="https://trypyramid.com" {REL}>Pyramid</a></p>\n',
    ),
    "link title dropped": (
        '[a](https://example.com "Title")',
        f'<p><a href="https://example.com" {REL}>a</a></p>\n',
    ),
    "relative link": ("[older](/?before=10)", f'<p><a href="/?before=10" {REL}>older</a></p>\n'),
    "mailto link": (
        "[me](mailto:me@example.com)",
        f'<p><a href="mailto:me@example.com" {REL}>me</a></p>\n',
    ),
    "autolink": (
        "<https://example.com/a?b=c&d=e>",
        f'<p><a href="https://example.com/a?b=c&amp;d=e" {REL}>https://example.com/a?b=c&amp;d=e</a></p>\n',
    ),
    "email autolink": (
        "<me@example.com>",
        f'<p><a href="mailto:me@example.com" {REL}>me@example.com</a></p>\n',
    ),
    "line break": ("one\ntwo", "<p>one<br>\ntwo</p>\n"),
    "paragraphs": ("one\n\ntwo", "<p>one</p>\n<p>two</p>\n"),
    "quote": ("> said\n> twice", "<blockquote>\n<p>said<br>\ntwice</p>\n</blockquote>\n"),
    "bullet list": ("- a\n* b", "<ul>\n<li>a</li>\n</ul>\n<ul>\n<li>b</li>\n</ul>\n"),
    "ordered list": ("3. c\n4. d", '<ol start="3">\n<li>c</li>\n<li>d</li>\n</ol>\n'),
    "nested": (
        "- a\n  > *b*",
        "<ul>\n<li>a\n<blockquote>\n<p><em>b</em></p>\n</blockquote>\n</li>\n</ul>\n",
    ),
    "fenced code": (
        "```python\nif a < b:\n    pass\n```",
        "<pre><code>if a &lt; b:\n    pass\n</code></pre>\n",
    ),
    "indented code": ("    <b>", "<pre><code>&lt;b&gt;\n</code></pre>\n"),
}


@pytest.mark.parametrize("text, html", SUBSET.values(), ids=SUBSET.keys())
def test_subset_renders_as_expected(text, html):
    assert render_markdown(text) == html


def test_result_is_markup_so_templates_do_not_escape_it_again():
    assert isinstance(render_markdown("*hi*"), Markup)


def test_raw_html_is_shown_as_text():
    outline = Outline(render_markdown('<b>bold</b> <a href="https://example.com">x</a>'))
    assert (outline.tags, outline.text) == (["p"], '<b>bold</b> <a href="https://example.com">x</a>\n')


def test_entities_read_as_typed():
    assert Outline(render_markdown("&lt;b&gt; &amp; &copy;")).text == "&lt;b&gt; &amp; &copy;\n"


def test_link_to_another_scheme_stays_text():
    outline = Outline(render_markdown("[file](ftp://example.com/file)"))
    assert (outline.tags, outline.text) == (["p"], "[file](ftp://example.com/file)\n")


# Outside the subset: the text stays, the element does not.

OUTSIDE = {
    "heading": ("# Title", "h1"),
    "underlined heading": ("Title\n=====", "h1"),
    "image": ("![a cat](https://example.com/cat.png)", "img"),
    "table": ("| a | b |\n|---|---|\n| 1 | 2 |", "table"),
    "rule": ("---", "hr"),
    "strikethrough": ("~~gone~~", "s"),
    "html block": ("<div>\nblock\n</div>", "div"),
    "html inline": ("a <span>span</span>", "span"),
    "reference link": ("[a][ref]\n\n[ref]: https://example.com", "a"),
}


@pytest.mark.parametrize("text, tag", OUTSIDE.values(), ids=OUTSIDE.keys())
def test_markdown_outside_the_subset_makes_no_element(text, tag):
    assert tag not in Outline(render_markdown(text)).tags


def test_image_syntax_loads_nothing():
    # It becomes "!" and a plain link: reading the comment fetches nothing.
    assert render_markdown("![a cat](https://example.com/cat.png)") == (
        f'<p>!<a href="https://example.com/cat.png" {REL}>a cat</a></p>\n'
    )


# Hostile input: judged by parsing the result (tests/support/html_safety.py).


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_xss_vector_renders_to_nothing_live(vector):
    assert comment_problems(render_markdown(vector)) == []


#: Arbitrary text mixed with pieces of Markdown and of known attacks.
hostile_texts = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=40).map("".join)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(text=hostile_texts)
def test_any_mix_of_markdown_and_attacks_renders_to_nothing_live(text):
    assert comment_problems(render_markdown(text)) == []

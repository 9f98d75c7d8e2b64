"""Issue 14, line 4: what counts as a mention of a user (board/mentions.py), rendered by
markup.render_markdown with the names that exist."""

import pytest

from scratchpad.board import mentions
from scratchpad.board.markup import render_markdown
from tests.support.html_safety import comment_problems
from tests.support.xss_vectors import ALL as XSS_VECTORS

USERS = {"bob", "bob.smith", "zoë", "o-neil"}


def link(typed, name=None):
    return (
        f'<a class="mention" href="/users/{name or typed.lower()}" rel="nofollow ugc noopener">@{typed}</a>'
    )


@pytest.mark.parametrize(
    "text, html",
    [
        pytest.param("@bob hi", f"<p>{link('bob')} hi</p>", id="at the start"),
        pytest.param("hi @bob", f"<p>hi {link('bob')}</p>", id="after a space"),
        pytest.param("(@bob)", f"<p>({link('bob')})</p>", id="in brackets"),
        pytest.param("yes,@bob!", f"<p>yes,{link('bob')}!</p>", id="after a comma"),
        pytest.param("«@bob»", f"<p>«{link('bob')}»</p>", id="in quotes"),
        pytest.param("thanks @bob.", f"<p>thanks {link('bob')}.</p>", id="trailing full stop"),
        pytest.param(
            "@bob, @bob; @bob:",
            f"<p>{link('bob')}, {link('bob')}; {link('bob')}:</p>",
            id="trailing punctuation",
        ),
        pytest.param("@bob.Next", f"<p>{link('bob')}.Next</p>", id="no space after a full stop"),
        pytest.param("@Bob.Smith", f"<p>{link('Bob.Smith', 'bob.smith')}</p>", id="a dotted name, any case"),
        pytest.param("@BOB", f"<p>{link('BOB', 'bob')}</p>", id="upper case"),
        pytest.param("@o-neil-", f"<p>{link('o-neil')}-</p>", id="a hyphenated name"),
        pytest.param("@Zoë", f"<p>{link('Zoë', 'zo%C3%AB')}</p>", id="accents, percent-encoded"),
        pytest.param("*@bob*", f"<p><em>{link('bob')}</em></p>", id="in emphasis"),
    ],
)
def test_a_mention_of_an_existing_user_is_a_link(text, html):
    assert str(render_markdown(text, USERS)).strip() == html


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("mail bob@bob.example", id="an email address"),
        pytest.param("a.b@bob", id="after an address character"),
        pytest.param("https://example.org/@bob", id="in a bare URL"),
        pytest.param("<https://example.org/@bob>", id="in an autolink"),
        pytest.param("[ask @bob](https://example.org)", id="in a link's text"),
        pytest.param("`@bob`", id="in a code span"),
        pytest.param("```\n@bob\n```", id="in a code block"),
        pytest.param("    @bob", id="in an indented code block"),
        pytest.param("@bobby", id="a longer name"),
        pytest.param("@carol", id="nobody of that name"),
        pytest.param("@ bob", id="a space after the @"),
        pytest.param("\\@bob", id="escaped"),
        pytest.param("@@bob", id="a doubled @"),
    ],
)
def test_anything_else_is_no_mention(text):
    assert 'class="mention"' not in str(render_markdown(text, USERS))


def test_without_names_to_link_nothing_is_a_mention():
    assert 'class="mention"' not in str(render_markdown("@bob", ()))


def test_typed_markdown_cannot_make_a_link_with_the_mention_class():
    html = str(render_markdown('[x](/users/bob "t") <a class="mention" href="/users/bob">y</a>', USERS))
    assert (mentions.linked_in(html), "<a class=" in html) == ([], False)


@pytest.mark.parametrize(
    "text, names",
    [
        ("@bob and @Bob.Smith, @carol.", {"bob", "bob.smith", "carol"}),
        ("@bob.Next", {"bob.next", "bob"}),
        ("bob@bob.example `x` https://e.org/@bob", set()),
        ("@" + "a" * 200, set()),
    ],
)
def test_candidates_are_every_name_to_look_up(text, names):
    assert mentions.candidates(text) == names


def test_linked_in_reads_the_names_back_from_the_html():
    html = str(render_markdown("@bob @Zoë `@o-neil` @carol", USERS))
    assert mentions.linked_in(html) == ["bob", "zoë"]


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_xss_vectors_around_a_mention_stay_safe(vector):
    html = render_markdown(f"@bob {vector} @bob", USERS)
    assert comment_problems(html) == []


@pytest.mark.parametrize(
    "typed",
    [
        '<a class="mention" href="/users/x">',
        '`<a class="mention" href="/users/x">`',
        "[@x](/users/x)",
        '&lt;a class="mention" href="/users/x"&gt;',
    ],
)
def test_only_a_mentions_link_moves_under_the_mount_point(typed):
    html = render_markdown(typed)
    assert mentions.linked_from(html, "/board/") == html


def test_a_mentions_link_moves_under_the_mount_point():
    html = render_markdown("Hi @bob", mentionable={"bob"})
    assert mentions.linked_from(html, "/board/") == (
        '<p>Hi <a class="mention" href="/board/users/bob" rel="nofollow ugc noopener">@bob</a></p>\n'
    )
    assert str(mentions.linked_from(html, "https://example.com/")) == str(html).replace(
        'href="/users', 'href="https://example.com/users'
    )

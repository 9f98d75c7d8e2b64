"""Mentions: ``@name`` in a comment's text, made a link to that user's comments page
(``/users/<name>``) when, and only when, a user of that name exists as the text is written.

Resolved when the comment's HTML is made (``markup.render_markdown`` takes the names that
exist; ``models/comment.py`` looks them up, in one statement for every name in the text),
so reading a page never looks anyone up. The stored link is the users page's path from the
board's root (``/users/bob``), the same whatever the mount point: the HTML is made once, and
one database may be served at ``/`` and behind a proxy at ``/board`` alike, or moved from
one to the other. Each reader's copy starts it at the board's address as the request has it
(``linked_from``: the ``mounted`` filter in pages, ``request.route_url`` in the feeds and the
API), a replacement of a mark only a mention's link has. What that means later:

- a user created after the comment: the ``@name`` stays text until the comment is edited or
  its HTML remade (``rerender.py``, after ``markup.RULES_VERSION`` is raised);
- a user deleted after the comment: the link stays, and leads to the "no such user" page.

A mention is ``@`` followed by a name of letters, digits, ``_``, and single ``.`` or ``-``
between them (a sentence's full stop after a name is not part of it), where the ``@`` starts
the text or follows a character that cannot be in an email address or a URL's path: so
``a@b.example`` and ``https://host/@name`` are not mentions. Names are compared as stored
(``canonical_username``: ``@Alice`` is alice). A username with other characters (a space, a
slash) cannot be mentioned; it is text like any other.

Not in code (spans or blocks, which markdown-it keeps away from inline rules) and not inside
a link's text (a link cannot hold another).
"""

import re
from collections.abc import Collection
from typing import Any
from urllib.parse import quote, unquote

from jinja2 import pass_context
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markupsafe import Markup, escape
from pyramid.config import Configurator

from scratchpad.models.user import MAX_USERNAME_LENGTH, canonical_username

#: What a mentioned name may hold.
NAME = re.compile(r"\w+(?:[.-]\w+)*")
SEPARATOR = re.compile(r"[.-]")
#: Characters after which an ``@`` is part of an address, not a mention.
ADDRESS_CHARACTERS = frozenset("._%+-/=&@:")
#: Every ``@name`` a text may mention, wherever it stands (a superset of the mentions:
#: code and link texts are left out only by the parser).
CANDIDATE = re.compile(r"(?<![\w._%+\-/=&@:])@(\w+(?:[.-]\w+)*)")
#: The mark of a mention's link in stored HTML: typed Markdown cannot give a link a class
#: (raw HTML is off), so only a mention has it.
MENTION_CLASS = "mention"
USERS_PATH = "/users/"
LINKED = re.compile(r'<a class="mention" href="/users/([^"]+)"')
#: The start of a mention's link as stored (nh3 writes ``class`` before ``href``).
STORED_LINK = f'<a class="{MENTION_CLASS}" href="{USERS_PATH}'


def user_path(username: str) -> str:
    """The path of a user's comments page, the name percent-encoded."""
    return USERS_PATH + quote(username, safe="")


def readings(typed: str) -> list[str]:
    """The names ``@typed`` may mean, longest first: ``@bob.Next`` is bob.next, else bob
    (a sentence's end with no space after it)."""
    cuts = [match.start() for match in SEPARATOR.finditer(typed)]
    return [typed[:end] for end in [len(typed), *reversed(cuts)]]


def candidates(text: str) -> set[str]:
    """The canonical names ``text`` may mention: what to look up before rendering it."""
    names = {
        canonical_username(name) for match in CANDIDATE.finditer(text) for name in readings(match.group(1))
    }
    return {name for name in names if len(name) <= MAX_USERNAME_LENGTH}


def linked_in(html: str | None) -> list[str]:
    """The names a comment's stored HTML links to as mentions, each once, in order."""
    return list(dict.fromkeys(unquote(match.group(1)) for match in LINKED.finditer(html or "")))


def linked_from(html: Markup, board_url: str) -> Markup:
    """A comment's ``html`` (as stored) with its mentions' links starting at ``board_url``,
    the board's address with or without its scheme and host (``/board/``, or ``/`` at the
    root): what a page, a feed or the API shows. Typed Markdown cannot write the mark
    (raw HTML is off, and only a mention's link has a class), so only mentions change."""
    if STORED_LINK not in html:
        return html
    start = f'<a class="{MENTION_CLASS}" href="{escape(board_url.rstrip("/"))}{USERS_PATH}'
    return Markup(str(html).replace(STORED_LINK, start))  # noqa: S704 (the board's own address, escaped)


@pass_context
def mounted_filter(context: Any, html: Markup) -> Markup:
    """The ``mounted`` filter: ``{{ comment.content_html | mounted }}``, the mentions' links
    under the page's mount point."""
    request = context["request"]
    return linked_from(html, request.route_path("comments.index"))


def _follows_an_address(source: str, position: int) -> bool:
    return position > 0 and (source[position - 1].isalnum() or source[position - 1] in ADDRESS_CHARACTERS)


def mention_rule(state: StateInline, silent: bool) -> bool:
    """markdown-it inline rule: an ``@name`` of a user in ``state.env["mentionable"]``."""
    source = state.src
    start = state.pos
    if source[start] != "@" or state.linkLevel > 0 or _follows_an_address(source, start):
        return False
    match = NAME.match(source, start + 1)
    if match is None:
        return False
    mentionable = state.env.get("mentionable", ())
    typed = next((name for name in readings(match.group(0)) if canonical_username(name) in mentionable), None)
    if typed is None:
        return False
    if not silent:
        link = state.push("link_open", "a", 1)
        link.attrs = {"class": MENTION_CLASS, "href": user_path(canonical_username(typed))}
        text = state.push("text", "", 0)
        text.content = "@" + typed
        state.push("link_close", "a", -1)
    state.pos = start + 1 + len(typed)
    return True


def enable(parser: MarkdownIt) -> None:
    """Teach ``parser`` mentions; render with ``env={"mentionable": names}``."""
    parser.inline.ruler.push("mention", mention_rule)


def env_for(mentionable: Collection[str]) -> dict[str, Collection[str]]:
    return {"mentionable": mentionable}


def includeme(config: Configurator) -> None:
    def add_filter() -> None:
        config.get_jinja2_environment().filters["mounted"] = mounted_filter

    # After pyramid_jinja2's own action has made the environment (as web/templating.py).
    config.action(None, add_filter, order=999)

"""Comments' formatting: a small Markdown subset, turned into HTML that is safe to show.

The raw text is what the 4096-character limit counts; its HTML is made once, when the text is
written, and stored beside it with the version of the rules it was made under
(``RULES_VERSION``). Two layers, so that neither has to be perfect alone:
markdown-it-py with raw HTML off and only the rules we offer, then nh3 (ammonia), an
allow-list sanitiser, over its output.
"""

import re
from collections.abc import Collection

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

from scratchpad.board import mentions

#: What a comment may use: emphasis, links, code, quotes and lists (and paragraphs/breaks).
#: Left out on purpose: images (a comment must not make readers' browsers fetch things),
#: headings, tables, rules, raw HTML, and entities (``&lt;`` reads as typed, as it always has).
RULES = [
    "emphasis",
    "link",
    "autolink",
    "backticks",
    "escape",
    "newline",
    "blockquote",
    "list",
    "fence",
    "code",
]

ALLOWED_TAGS = {"p", "br", "em", "strong", "a", "code", "pre", "blockquote", "ul", "ol", "li"}
# "*": nothing, which also drops ammonia's default generic attributes (title, lang).
ALLOWED_ATTRIBUTES = {"*": set(), "a": {"href"}, "ol": {"start"}}
#: Only a mention's link has a class (``mentions.py``); typed Markdown cannot set one.
ALLOWED_CLASSES = {"a": {mentions.MENTION_CLASS}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"

# A URL's scheme as browsers find it; without one the URL is relative. markdown-it checks a
# link after decoding its entities and percent-encoding its spaces and controls, so
# "java&#115;cript:" and "JaVaScRiPt:" arrive here plainly, and "java\tscript:" cannot.
URL_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):", re.IGNORECASE)

#: The version of the rules in this module (``RULES``, the parser's options, ``is_allowed_link``,
#: the allow-lists). Raise it with any change that turns the same text into different HTML:
#: ``initialize_scratchpad_db`` (run on every deploy) then remakes the stored HTML of every
#: comment, and until it has, a comment whose HTML is older is rendered when it is read.
RULES_VERSION = 2  # 2: mentions of users (mentions.py)


def is_allowed_link(url: str) -> bool:
    """Whether markdown-it may make a link of ``url``.

    The same allow-list as nh3's, so a link to another scheme stays visible as the text
    that was typed instead of becoming an ``<a>`` with its ``href`` removed.
    """
    scheme = URL_SCHEME.match(url)
    return scheme is None or scheme.group(1).lower() in ALLOWED_URL_SCHEMES


# breaks: a single newline is a line break, as people expect in a comment box.
_parser = MarkdownIt("zero", {"html": False, "breaks": True}).enable(RULES)
_parser.validateLink = is_allowed_link  # type: ignore[method-assign]  # markdown-it-py documents this hook
mentions.enable(_parser)


def render_markdown(text: str, mentionable: Collection[str] = ()) -> Markup:
    """The comment ``text`` as sanitised HTML, ready to put in a page unescaped; ``@name``
    becomes a link for the canonical names in ``mentionable`` (the users that exist).

    Up to ~50 ms for a pathological 4,096-character text, which is why it runs when a
    comment is written (``Comment.content``), not each time one is read.
    """
    html = _parser.render(text, mentions.env_for(mentionable))
    return Markup(  # noqa: S704 (nh3 has just sanitised it against the allow-list)
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=ALLOWED_URL_SCHEMES,
            allowed_classes=ALLOWED_CLASSES,
            link_rel=LINK_REL,
            strip_comments=True,
        )
    )


def stored_or_rendered(html: str | None, rules_version: int | None, text: str) -> Markup:
    """The HTML to show for a comment: the stored ``html`` when it was made under today's
    rules, else ``text`` rendered now (a row written before its HTML was stored, or under
    older rules, until ``initialize_scratchpad_db`` has remade it). Never HTML from other rules.
    """
    if html is not None and rules_version == RULES_VERSION:
        return Markup(html)  # noqa: S704 (stored as nh3 made it, under today's rules)
    return render_markdown(text)

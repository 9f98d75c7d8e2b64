"""Comments' formatting: a small Markdown subset, turned into HTML that is safe to show.

The raw text is what is stored (and what the 4096-character limit counts); HTML is made
when a comment is shown. Two layers, so that neither has to be perfect alone:
markdown-it-py with raw HTML off and only the rules we offer, then nh3 (ammonia), an
allow-list sanitiser, over its output.
"""

import functools
import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

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
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"

# A URL's scheme as browsers find it; without one the URL is relative. markdown-it checks a
# link after decoding its entities and percent-encoding its spaces and controls, so
# "java&#115;cript:" and "JaVaScRiPt:" arrive here plainly, and "java\tscript:" cannot.
URL_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):", re.IGNORECASE)

#: Rendering a 4,096-character comment takes up to ~50 ms for pathological input, so each
#: text is rendered once. An entry costs twice the text or so, but up to ~200 kB for a text
#: crafted to expand (links to long non-ASCII URLs), hence a few pages' worth, not more.
RENDER_CACHE_SIZE = 256


def is_allowed_link(url):
    """Whether markdown-it may make a link of ``url``.

    The same allow-list as nh3's, so a link to another scheme stays visible as the text
    that was typed instead of becoming an ``<a>`` with its ``href`` removed.
    """
    scheme = URL_SCHEME.match(url)
    return scheme is None or scheme.group(1).lower() in ALLOWED_URL_SCHEMES


# breaks: a single newline is a line break, as people expect in a comment box.
_parser = MarkdownIt("zero", {"html": False, "breaks": True}).enable(RULES)
_parser.validateLink = is_allowed_link


@functools.lru_cache(maxsize=RENDER_CACHE_SIZE)
def render_markdown(text):
    """The comment ``text`` as sanitised HTML, ready to put in a page unescaped.

    Cached by the text alone: the result depends on nothing else, and Markup is an
    immutable str, so every caller can share it.
    """
    html = _parser.render(text)
    return Markup(
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=ALLOWED_URL_SCHEMES,
            link_rel=LINK_REL,
            strip_comments=True,
        )
    )

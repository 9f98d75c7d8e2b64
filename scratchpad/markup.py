"""Comments' formatting: a small Markdown subset, turned into HTML that is safe to show.

The raw text is what is stored (and what the 4096-character limit counts); HTML is made
when a comment is shown. Two layers, so that neither has to be perfect alone:
markdown-it-py with raw HTML off and only the rules we offer, then nh3 (ammonia), an
allow-list sanitiser, over its output.
"""

import functools

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

#: What a comment may use: emphasis, links, code, quotes and lists (and paragraphs/breaks).
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
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"

# breaks: a single newline is a line break, as people expect in a comment box.
_parser = MarkdownIt("zero", {"html": False, "breaks": True}).enable(RULES)


@functools.lru_cache(maxsize=4096)
def render_markdown(text):
    """The comment ``text`` as sanitised HTML, ready to put in a page unescaped."""
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

"""Whether HTML could run script or restyle the page, judged by parsing it (html.parser).

Parsing rather than searching the text: a parser decodes entities in attribute values (so
``&#106;avascript:`` is seen as ``javascript:``), and tells a tag from text that merely looks
like one (``&lt;script&gt;`` is harmless). Two judgements:

- ``comment_problems``: a rendered comment may hold only the Markdown subset's tags, with
  ``href`` (and our ``rel``) on links and ``start`` on ordered lists, and links only to
  http, https, mailto or relative URLs.
- ``page_problems``: a whole page, built by our templates, may hold any tag, but no script
  other than our own static file, no event handler, no style, no URL with a scheme that runs
  code; and every comment on it must pass ``comment_problems``.
"""

import re
from html.parser import HTMLParser

COMMENT_TAGS = {"p", "br", "em", "strong", "a", "code", "pre", "blockquote", "ul", "ol", "li"}
COMMENT_ATTRIBUTES = {"a": {"href", "rel", "class"}, "ol": {"start"}}
#: The one class a comment's HTML may hold: a mention's link (board/mentions.py).
COMMENT_CLASSES = {"mention"}
LINK_REL = "nofollow ugc noopener"
SAFE_SCHEMES = {"http", "https", "mailto"}
#: Attributes whose value a browser loads or follows as a URL.
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "poster", "background", "cite", "data", "srcset",
    "ping", "manifest", "codebase", "lowsrc", "dynsrc", "xlink:href", "longdesc", "icon",
}  # fmt: skip
OUR_SCRIPT = "/static/scratchpad.js"
#: Elements that never belong on our pages: each can run script, load a page or restyle one.
FORBIDDEN_PAGE_TAGS = {
    "style", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "svg", "math",
}  # fmt: skip
VOID_TAGS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
}  # fmt: skip


def url_scheme(url):
    """The scheme a browser would read in ``url`` (lower case), or None for a relative URL.

    As the URL standard parses it: spaces and control characters at either end are ignored,
    and tabs and newlines anywhere, so ``" java\\tscript:"`` is javascript.
    """
    cleaned = re.sub(r"[\t\n\r]", "", url).strip("".join(map(chr, range(0x21))))
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", cleaned)
    return match.group(1).lower() if match else None


class _Inspector(HTMLParser):
    def __init__(self, whole_page):
        super().__init__(convert_charrefs=True)
        self.whole_page = whole_page
        self.problems = []
        # Open elements when checking a page, so we know when a comment's content ends.
        self.open_tags = []
        self.comment_depth = None  # len(open_tags) at the comment's div, while inside one
        self.in_script = False

    @property
    def in_comment(self):
        return not self.whole_page or self.comment_depth is not None

    def handle_starttag(self, tag, attrs):
        self.check_anywhere(tag, attrs)
        if self.in_comment:
            self.check_in_comment(tag, attrs)
        if not self.whole_page:
            return
        if tag == "script":
            self.in_script = True
            if sorted(attrs) != [("defer", None), ("src", OUR_SCRIPT)]:
                self.problems.append(f"a script other than ours: {attrs}")
        if tag in FORBIDDEN_PAGE_TAGS:
            self.problems.append(f"<{tag}> on the page")
        if tag == "meta" and any(name == "http-equiv" for name, _ in attrs):
            self.problems.append(f"<meta http-equiv>: {attrs}")
        if tag not in VOID_TAGS:
            self.open_tags.append(tag)
            classes = (dict(attrs).get("class") or "").split()
            if tag == "div" and "comment-content" in classes and self.comment_depth is None:
                self.comment_depth = len(self.open_tags)

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False
        if not self.whole_page or tag not in self.open_tags:
            return
        while self.open_tags and self.open_tags.pop() != tag:
            pass
        if self.comment_depth is not None and len(self.open_tags) < self.comment_depth:
            self.comment_depth = None

    def handle_data(self, data):
        if self.in_script and data.strip():
            self.problems.append(f"an inline script: {data[:80]!r}")

    def handle_comment(self, data):
        if self.in_comment:
            self.problems.append(f"an HTML comment: {data[:80]!r}")

    def handle_decl(self, decl):
        if self.in_comment:
            self.problems.append(f"a declaration: {decl[:80]!r}")

    def handle_pi(self, data):
        self.problems.append(f"a processing instruction: {data[:80]!r}")

    def unknown_decl(self, data):
        self.problems.append(f"an unknown declaration: {data[:80]!r}")

    def check_anywhere(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"an event handler: <{tag} {name}={value!r}>")
            if name == "style":
                self.problems.append(f"a style attribute: <{tag} style={value!r}>")
            scheme = url_scheme(value or "")
            if name in URL_ATTRIBUTES and scheme is not None and scheme not in SAFE_SCHEMES:
                self.problems.append(f"a {scheme}: URL: <{tag} {name}={value!r}>")

    def check_in_comment(self, tag, attrs):
        if tag not in COMMENT_TAGS:
            self.problems.append(f"<{tag}> in a comment")
        if tag == "a" and ("rel", LINK_REL) not in attrs:
            self.problems.append(f"a link without our rel: <a {attrs}>")
        allowed = COMMENT_ATTRIBUTES.get(tag, set())
        for name, value in attrs:
            if name not in allowed:
                self.problems.append(f"an attribute outside the subset: <{tag} {name}={value!r}>")
            elif name == "class" and value not in COMMENT_CLASSES:
                self.problems.append(f"a class outside the subset: <{tag} class={value!r}>")
            elif name == "start" and not (value or "").isdigit():
                self.problems.append(f"a list start that is not a number: {value!r}")


def _inspect(html, whole_page):
    inspector = _Inspector(whole_page)
    # As a plain str: fed a Markup, HTMLParser's own slicing and joining would escape the text.
    inspector.feed(str(html))
    inspector.close()
    return inspector.problems


def comment_problems(html):
    """What makes a rendered comment unsafe or outside the subset; empty when it is fine."""
    return _inspect(html, whole_page=False)


def page_problems(html):
    """What makes a whole page unsafe, its comments judged strictly; empty when it is fine."""
    return _inspect(html, whole_page=True)


def board_problems(testapp):
    """(problems, comments shown) over every page of the board, following "Older comments"
    from the newest page to the oldest."""
    problems, shown, url = [], 0, "/"
    while url:
        res = testapp.get(url)
        problems += page_problems(res.text)
        shown += len(res.html.select("article.comment"))
        older = res.html.find("a", rel="next")
        url = older and older["href"]
    return problems, shown

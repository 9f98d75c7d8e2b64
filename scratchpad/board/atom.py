"""Comments as an Atom 1.0 document (RFC 4287), built as a tree so that everything is escaped.

The elements are written with a plain ``xmlns`` attribute on ``<feed>`` instead of
``ElementTree.register_namespace``, which would change a map shared by the whole process.
"""

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import nh3

from scratchpad.board import mentions
from scratchpad.board.visible import html_of, rfc3339
from scratchpad.i18n.messages import _

ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"
#: Atom Threading Extensions (RFC 4685): a reply's entry names the entry it answers.
THREAD_NAMESPACE = "http://purl.org/syndication/thread/1.0"

#: Atom requires an ``updated`` time on the feed and on every entry. A comment from before
#: timestamps existed, and an empty board, get the Unix epoch: a fixed value, so the document
#: stays the same for the same comments, and the oldest there is, so no reader takes it for news.
UNKNOWN_TIME = datetime(1970, 1, 1, tzinfo=UTC)

#: The feed's own words: who wrote a comment whose author is gone, and the title of a
#: comment with no text to start it with.
ANONYMOUS = _("anonymous")
UNTITLED = _("comment ${id}")
#: An entry's title is its author and this many characters of its text.
TITLE_LENGTH = 60

# Characters XML 1.0 does not allow (most C0 controls, U+FFFE, U+FFFF). A comment may hold
# them, and ElementTree would write them as they are, making the whole feed unreadable.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def feed_document(
    title: str,
    feed_url: str,
    board_url: str,
    comments: Sequence[Any],
    permalink: Callable[[int], str],
    words: Callable[..., str],
    site_url: str,
) -> bytes:
    """The feed as UTF-8 bytes: ``comments`` are ``board.visible`` rows, newest first;
    ``permalink(comment_id)`` gives a comment's address, which is also its entry's id;
    ``site_url`` is the board's own address, which mentions' links start with (a feed
    reader shows them away from the board, so they are whole URLs).
    ``words(message, **mapping)`` gives the feed's own few words (``ANONYMOUS``,
    ``UNTITLED``) in the reader's language (i18n/messages.py ``translate``)."""
    feed = ET.Element("feed", {"xmlns": ATOM_NAMESPACE, "xmlns:thr": THREAD_NAMESPACE})
    updated_times = [comment.edited_at or comment.posted_at or UNKNOWN_TIME for comment in comments]
    add(feed, "id", feed_url)
    add(feed, "title", title)
    add(feed, "updated", rfc3339(max(updated_times, default=UNKNOWN_TIME)))
    add(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    add(feed, "link", rel="alternate", type="text/html", href=board_url)
    for comment, updated in zip(comments, updated_times, strict=True):
        url = permalink(comment.id)
        author_name = comment.username or words(ANONYMOUS)
        content_html = str(mentions.linked_from(html_of(comment), site_url))
        entry = add(feed, "entry")
        add(entry, "id", url)
        add(entry, "title", f"{author_name}: {snippet(content_html) or words(UNTITLED, id=comment.id)}")
        add(add(entry, "author"), "name", author_name)
        if comment.posted_at is not None:
            add(entry, "published", rfc3339(comment.posted_at))
        add(entry, "updated", rfc3339(updated))
        add(entry, "link", rel="alternate", type="text/html", href=url)
        if comment.parent_id is not None:
            # ref: the answered entry's id, which is its permalink, as ``url`` is this one's.
            parent_url = permalink(comment.parent_id)
            add(entry, "thr:in-reply-to", ref=parent_url, href=parent_url, type="text/html")
        # type="html": the sanitised HTML goes in as text, escaped once more by ElementTree.
        add(entry, "content", content_html, type="html")
    ET.indent(feed)  # for people reading it; no element with text gets any whitespace
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    """A new child element; characters XML cannot carry become U+FFFD, in attributes too
    (an address holds the Host header the client sent)."""
    element = ET.SubElement(parent, tag, {name: xml_safe(value) for name, value in attributes.items()})
    if text is not None:
        element.text = xml_safe(text)
    return element


def xml_safe(text: str) -> str:
    return NOT_XML.sub("\ufffd", text)


def snippet(content_html: str) -> str:
    """The start of a comment's text, without its markup, for a title."""
    text = " ".join(html.unescape(nh3.clean(content_html, tags=set())).split())
    if len(text) <= TITLE_LENGTH:
        return text
    return text[: TITLE_LENGTH - 1].rstrip() + "…"

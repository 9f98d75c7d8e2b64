"""Pages kept once for every member, with slots where each member's own parts go.

A page of the board (or of a thread) that a logged-in member sees is the same for every
member but for a few parts: the navbar (their name, their unread count), the CSRF token of
their forms and the submission id of the posting form, and the buttons on their own comments
(Reply and Report on everyone else's; Reply, and Edit and Delete while the edit window is
open, on theirs). Drawing it for each member cost seven times what serving a kept page costs.
So it is drawn once, for no member in particular, with a marker where each such part goes
(``slot()`` in the templates, ``drawing.EntryDrawing`` for the buttons), kept as the bytes
between the markers, and each member's parts are put in its slots per request.

Which members: those the page is the same for. Not an admin (Hide on every comment, the
inbox in the navbar, every waiting comment shown), nor a member with a comment waiting for a
moderator (shown to them alone, it changes which threads the page holds), a suspended one
(the posting form says so instead), or one with a message waiting in their session: those
get the page drawn as before. The page is kept under the board's revision as the anonymous
pages are (page_cache.py), read with the member in one statement (accounts/security.py): an
edit, a hide, a new reply, a rename shows at once, in every process.

Each comment's buttons are a slot whose default (drawn with the page) is what every member
but its author gets; the slot holds its author's id, its id, whether it is hidden and when
its edit window closes, which is all an author's own buttons depend on (resources.py's ACL).
An author's buttons are drawn from a pattern per (hidden, editable) with the comment's id put
in (``OwnButtons``): the template shows the id and nothing else of the comment (see
thread_macros.jinja2). Nothing of one member is ever kept: the kept bytes are checked not to
hold the token of the member they were drawn for, and a member's parts are put in on the way
out only.

The markers carry a random value made at start-up: no comment's text, which is escaped or
made by markup.py, can hold one.
"""

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any, cast

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape
from pyramid.csrf import get_csrf_token
from pyramid.request import Request
from pyramid.response import Response
from pyramid_jinja2 import IJinja2Environment

from scratchpad.board import frames, page_cache
from scratchpad.board.comments import new_submission_id
from scratchpad.board.drawing import MARKS, Actions
from scratchpad.board.lru import LRUCache
from scratchpad.board.page_cache import View, size_of
from scratchpad.board.threads import CommentRow
from scratchpad.metrics import instruments
from scratchpad.models.types import utcnow

#: Made once per process, never shown: no text a member can post holds it.
NONCE = secrets.token_hex(12)
THREAD_MACROS = "scratchpad:templates/comments/thread_macros.jinja2"
NAVBAR_LINK = "scratchpad:templates/notifications/navbar_link.jinja2"
SLOT = re.compile(
    rf"<!--{NONCE}:p:(?P<name>\w+)-->"
    rf"|<!--{NONCE}:b:(?P<id>\d+):(?P<author>\d+):(?P<posted>-?\d*):(?P<hidden>[01])-->"
    rf"(?P<default>.*?)<!--{NONCE}:e-->",
    re.DOTALL,
)
#: Two comment ids no page shows, to find where a comment's id goes in its buttons.
PATTERN_IDS = (917_364_528_193_746_285, 829_173_645_918_273_645)


def drawing_slots(request: Request) -> bool:
    return getattr(request, MARKS, None) is not None


@pass_context
def slot(context: Context, name: str, value: Any) -> Any:
    """The template's ``slot(name, value)``: ``value``, or while a page for every member is
    drawn, the marker of a slot that ``FILLS[name]`` fills per request."""
    if not drawing_slots(context["request"]):
        return value
    if name not in FILLS:
        raise ValueError(f"no such slot: {name!r}")
    return Markup("<!--{}:p:{}-->").format(NONCE, name)


def buttons_marked(comment: CommentRow, buttons: Markup) -> Markup:
    """A comment's buttons as every member but its author gets them, marked as its slot."""
    posted = "" if comment.posted_at is None else str(int(comment.posted_at.timestamp() * 1_000_000))
    start = Markup("<!--{}:b:{}:{}:{}:{}-->").format(
        NONCE, comment.id, comment.commenter_id, posted, int(comment.is_hidden)
    )
    return start + buttons + Markup("<!--{}:e-->").format(NONCE)


@dataclass(frozen=True, slots=True)
class ButtonSlot:
    """A comment's buttons: ``default`` for everyone but ``author``."""

    comment_id: int
    author: int
    editable_until: datetime | None
    is_hidden: bool
    default: bytes


Slot = str | ButtonSlot


@dataclass(frozen=True, slots=True)
class SlottedPage:
    """A page for every member: ``chunks`` with ``slots`` between them; ``merged`` the same
    with every comment's buttons at their default, for a member who wrote none of them."""

    revision: int
    status: str
    headerlist: tuple[tuple[str, str], ...]
    chunks: tuple[bytes, ...]
    slots: tuple[Slot, ...]
    merged: tuple[bytes, ...]
    personal: tuple[str, ...]
    #: Each author's slots, by index in ``slots``.
    by_author: dict[int, tuple[int, ...]]
    #: ``slots`` filled for a member who wrote none: each slot's default, personal ones empty.
    defaults: tuple[bytes, ...]
    #: The index in ``slots`` of each personal slot, with its name.
    personal_at: tuple[tuple[int, str], ...]

    def size_with(self, key: object) -> int:
        """Every byte the page and ``key`` hold (the defaults are the slots' own bytes, shared)."""
        fixed = size_of(key, self.status, self.headerlist, self.chunks, self.merged, self.personal)
        fixed += size_of(self.defaults, self.personal_at, self.by_author, *self.by_author.values())
        return fixed + sum(
            size_of(slot) if isinstance(slot, str) else size_of(slot, slot.default, slot.editable_until)
            for slot in self.slots
        )

    def body_for(self, request: Request, reader_id: int, variant: tuple[object, ...]) -> bytes:
        """The page as ``reader_id`` gets it, their parts in its slots (``variant``: what
        the page's key says of the reader, page_cache.variant_of)."""
        values = {name: FILLS[name](request) for name in set(self.personal)}
        own_slots = self.by_author.get(reader_id)
        if own_slots is None:
            return interleave(self.merged, [values[name] for name in self.personal])
        filled = list(self.defaults)
        for index, name in self.personal_at:
            filled[index] = values[name]
        own = OwnButtons(request, variant)
        slots = self.slots
        for index in own_slots:
            filled[index] = own.html(cast(ButtonSlot, slots[index]))
        return interleave(self.chunks, filled)


def interleave(chunks: tuple[bytes, ...], values: list[bytes]) -> bytes:
    return b"".join(frames.interleaved(chunks, values))


def parse(
    text: str, revision: int, status: str, headerlist: list[tuple[str, str]], edit_window: int
) -> SlottedPage:
    """The page drawn with markers, as its chunks and slots."""
    window = timedelta(seconds=edit_window)
    chunks: list[bytes] = []
    slots: list[Slot] = []
    merged: list[bytes] = []
    personal: list[str] = []
    start = 0
    pending = ""  # the text since the last personal slot, defaults included
    for match in SLOT.finditer(text):
        before = text[start : match.start()]
        chunks.append(before.encode())
        pending += before
        if match["name"] is not None:
            slots.append(match["name"])
            personal.append(match["name"])
            merged.append(pending.encode())
            pending = ""
        else:
            posted = match["posted"]
            slots.append(
                ButtonSlot(
                    comment_id=int(match["id"]),
                    author=int(match["author"]),
                    editable_until=None
                    if not posted
                    else datetime.fromtimestamp(int(posted) / 1_000_000, UTC) + window,
                    is_hidden=match["hidden"] == "1",
                    default=match["default"].encode(),
                )
            )
            pending += match["default"]
        start = match.end()
    chunks.append(text[start:].encode())
    merged.append((pending + text[start:]).encode())
    # A member's cookies go on their own response; the length is the filled page's.
    kept_headers = tuple(
        (name, value) for name, value in headerlist if name.lower() not in ("set-cookie", "content-length")
    )
    return SlottedPage(
        revision=revision,
        status=status,
        headerlist=kept_headers,
        chunks=tuple(chunks),
        slots=tuple(slots),
        merged=tuple(merged),
        personal=tuple(personal),
        by_author={
            author: tuple(
                index
                for index, slot in enumerate(slots)
                if isinstance(slot, ButtonSlot) and slot.author == author
            )
            for author in {slot.author for slot in slots if isinstance(slot, ButtonSlot)}
        },
        defaults=tuple(b"" if isinstance(slot, str) else slot.default for slot in slots),
        personal_at=tuple((index, slot) for index, slot in enumerate(slots) if isinstance(slot, str)),
    )


def holds_anything_of(page: SlottedPage, request: Request) -> bool:
    """Whether the kept bytes hold the token of the member they were drawn for: a part of
    theirs a template drew outside a slot."""
    token = get_csrf_token(request).encode()
    return any(token in chunk for chunk in page.chunks) or any(
        token in slot.default for slot in page.slots if isinstance(slot, ButtonSlot)
    )


# -- a member's parts ------------------------------------------------------------------------


def template_module(request: Request, name: str, context: dict[str, Any] | None = None) -> Any:
    """The template's module: made afresh with ``context``, or the template's own without."""
    environment = request.registry.getUtility(IJinja2Environment, name=".jinja2")
    template = environment.get_template(name)
    return template.make_module(vars=context) if context else template.module


#: ``request.unread_shown``: the navbar's count when the page marked some read as it showed them.
UNREAD_SHOWN = "unread_shown"
#: ``request.drawn_for_one``: the page shows something of this member's this once (entries
#: marked read as they were shown): filled in, never kept.
DRAWN_FOR_ONE = "drawn_for_one"


def notifications_link(request: Request) -> bytes:
    """The navbar's link with the member's unread count: drawn once per mount point, variant
    and count, and kept with the drawn comments (it is nobody's but its count's)."""
    unread = getattr(request, UNREAD_SHOWN, None)
    if unread is None:
        unread = request.identity.unread_notifications
    cache: LRUCache | None = request.registry["comment_fragments"]
    key = ("notifications-link", request.script_name, page_cache.variant_of(request), unread)
    kept = None if cache is None else cache.get(key)
    if kept is not None:
        link: bytes = kept[0]
        return link
    module = template_module(request, NAVBAR_LINK)
    link = str(module.notifications_link(request.route_path("notifications"), unread)).encode()
    if cache is not None:
        cache.put(key, (link,), size_of(key, link))
    return link


#: What goes in each personal slot, for this request's member, as bytes.
FILLS: dict[str, Callable[[Request], bytes]] = {
    "csrf_token": lambda request: str(escape(get_csrf_token(request))).encode(),
    "username": lambda request: str(escape(request.identity.username)).encode(),
    "submission_id": lambda request: new_submission_id().encode(),
    "notifications_link": notifications_link,
}


class OwnButtons:
    """A member's buttons on their own comments, drawn from a pattern per (hidden, may
    edit) with the comment's id put in: the pattern is drawn twice, with two ids, and used
    only if putting the second id in the first gives the second, byte for byte (otherwise
    each comment's buttons are drawn through the template)."""

    def __init__(self, request: Request, variant: tuple[object, ...]) -> None:
        self.request = request
        self.variant = variant
        self.now = utcnow()
        self.cache: LRUCache | None = request.registry["comment_fragments"]
        self.patterns: dict[tuple[bool, bool], tuple[bytes, ...] | None] = {}
        self.macro: Callable[..., str] | None = None

    def html(self, slot: ButtonSlot) -> bytes:
        edit = not slot.is_hidden and slot.editable_until is not None and self.now < slot.editable_until
        state = (slot.is_hidden, edit)
        if state not in self.patterns:
            self.patterns[state] = self.pattern(*state)
        pattern = self.patterns[state]
        if pattern is None:
            return self.draw(slot.comment_id, *state).encode()
        return str(slot.comment_id).encode().join(pattern)

    def pattern(self, is_hidden: bool, edit: bool) -> tuple[bytes, ...] | None:
        key = ("own-buttons", self.request.comments_prefix, self.variant, is_hidden, edit)
        kept = None if self.cache is None else self.cache.get(key)
        if kept is not None:
            return kept[0]
        first, second = (self.draw(comment_id, is_hidden, edit) for comment_id in PATTERN_IDS)
        pattern = tuple(part.encode() for part in first.split(str(PATTERN_IDS[0])))
        found = pattern if str(PATTERN_IDS[1]).encode().join(pattern) == second.encode() else None
        if self.cache is not None:
            self.cache.put(key, (found,), size_of(key, found))
        return found

    def draw(self, comment_id: int, is_hidden: bool, edit: bool) -> str:
        if self.macro is None:
            self.macro = template_module(
                self.request, THREAD_MACROS, {"request": self.request}
            ).comment_actions
        comment = SimpleNamespace(id=comment_id, is_hidden=is_hidden, is_waiting=False)
        return str(self.macro(SimpleNamespace(comment=comment), Actions(True, edit, False, None)))


# -- serving ---------------------------------------------------------------------------------


def same_for_every_member(request: Request) -> bool:
    """Whether this reader gets the page every member gets, their parts aside (see above).
    ``request.own_waiting`` is read with the member (accounts/security.py); unknown, it counts
    as waiting."""
    member = request.identity
    return (
        member is not None
        and not member.is_admin
        and not getattr(request, "own_waiting", True)
        and request.suspended_until is None
        and not request.session.peek_flash()
    )


def serve_member(
    view: View, context: Any, request: Request, key: tuple[object, ...], variant: tuple[object, ...]
) -> Response:
    """A member's page: the page kept for every member at the revision the request's
    transaction reads, with their parts in its slots; drawn (with markers) and kept first
    if there is none."""
    cache: LRUCache = request.registry[page_cache.REGISTRY_KEY]
    reader = request.identity.id
    revision = page_cache.revision_read(request)
    kept: SlottedPage | None = cache.get(key)
    if kept is not None and kept.revision == revision:
        instruments.PAGE_CACHE_HITS.inc()
        response = kept_response(kept, request, reader, variant)
        instruments.PAGE_CACHE_SERVED_BYTES.inc(len(response.body))
        return response
    instruments.PAGE_CACHE_MISSES.inc()
    setattr(request, MARKS, buttons_marked)
    try:
        response = view(context, request)
    finally:
        setattr(request, MARKS, None)
    if not page_cache.is_page(response):
        return response  # markers only ever go in a page, which this is not
    page = parse(response.text, revision or 0, response.status, response.headerlist, edit_window(request))
    if holds_anything_of(page, request):
        return view(context, request)  # drawn again, for this member alone
    if revision is not None and not getattr(request, DRAWN_FOR_ONE, False):
        cache.put(key, page, page.size_with(key))
    return kept_response(page, request, reader, variant)


def kept_response(page: SlottedPage, request: Request, reader: int, variant: tuple[object, ...]) -> Response:
    return Response(
        status=page.status, headerlist=list(page.headerlist), body=page.body_for(request, reader, variant)
    )


def edit_window(request: Request) -> int:
    window: int = request.registry.settings["scratchpad.edit_window"]
    return window

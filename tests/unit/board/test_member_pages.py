"""board/member_pages.py: a page drawn with markers becomes kept chunks and slots."""

from datetime import UTC, datetime, timedelta

from markupsafe import Markup

from scratchpad.board import member_pages
from scratchpad.board.member_pages import NONCE, ButtonSlot, interleave, parse
from scratchpad.board.threads import CommentRow

POSTED = datetime(2026, 12, 5, 4, 0, tzinfo=UTC)


def shown(comment_id, commenter_id, is_hidden=False):
    return CommentRow(
        id=comment_id, parent_id=None, thread_id=None, path=None, reply_count=0, change_stamp=1,
        posted_at=POSTED, is_hidden=is_hidden, is_deleted=False, is_waiting=False,
        commenter_id=commenter_id, username="x", answered_removed=False, answered_username=None,
        thread_in_sight=True,
    )  # fmt: skip


def personal(name):
    return f"<!--{NONCE}:p:{name}-->"


def test_a_page_becomes_chunks_and_slots():
    text = (
        f"<nav>{personal('username')}</nav>"
        + str(member_pages.buttons_marked(shown(7, 3), Markup("<a>Report</a>")))
        + f"<form>{personal('csrf_token')}</form>"
    )
    page = parse(text, 42, "200 OK", [("Content-Type", "text/html"), ("Content-Length", "9")], 900)
    assert (
        page.chunks,
        page.slots,
        page.merged,
        page.personal,
        page.by_author,
        page.defaults,
        page.personal_at,
        page.headerlist,
    ) == (
        (b"<nav>", b"</nav>", b"<form>", b"</form>"),
        (
            "username",
            ButtonSlot(7, 3, POSTED + timedelta(seconds=900), False, b"<a>Report</a>"),
            "csrf_token",
        ),
        (b"<nav>", b"</nav><a>Report</a><form>", b"</form>"),
        ("username", "csrf_token"),
        {3: (1,)},
        (b"", b"<a>Report</a>", b""),
        ((0, "username"), (2, "csrf_token")),
        (("Content-Type", "text/html"),),
    )


def test_a_marker_with_another_nonce_is_text():
    text = "<p>&lt;!-- not a slot --&gt; <!--0123456789abcdef01234567:p:username--></p>"
    page = parse(text, 1, "200 OK", [], 900)
    assert (page.chunks, page.slots) == ((text.encode(),), ())


def test_interleave_puts_each_value_between_its_chunks():
    assert interleave((b"a", b"c", b"e"), [b"b", b"d"]) == b"abcde"

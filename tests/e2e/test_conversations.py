"""Conversations and moderation from the browser (issues 14 and 15): a reply that mentions
someone reaches them as a notification they follow to the comment, and a member's report
reaches an admin's inbox, where it is resolved; at desktop and phone sizes, every page
axe-clean and without sideways scroll. Screenshots: the notifications page and the inbox."""

import re

import pytest

from tests.support.browsing import ADMIN, ADMIN_PASSWORD, DESKTOP, PASSWORDS, PHONE

pytestmark = pytest.mark.e2e

SIZES = pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])


def unread(tab):
    """The navbar's unread count (0 when it shows none)."""
    badge = tab.page.locator("#notifications-link .badge")
    return int(re.sub(r"\D", "", badge.inner_text())) if badge.count() else 0


@SIZES
def test_a_reply_that_mentions_someone_leads_them_to_it(open_tab, live_server, size):
    label = f"{size[0]}x{size[1]}"
    asked = live_server.add_comment("alice", f"Who has tried threads at {label}?")
    bob = open_tab(size)
    bob.log_in("bob", PASSWORDS["bob"])
    bob.goto(f"/comments/{asked}/reply")
    bob.page.fill("#contents", f"I have, @alice, at {label}.")
    bob.press_button("Post reply")
    reply_id = int(bob.page.url.split("#comment-")[1])

    alice = open_tab(size)
    alice.log_in("alice", PASSWORDS["alice"])
    assert unread(alice) >= 1
    alice.navigate(lambda: alice.page.locator("#notifications-link").click())
    assert alice.page.url.endswith("/notifications")
    entry = alice.page.locator("article.notification").filter(has_text=f"I have, @alice, at {label}.")
    assert entry.count() == 1
    alice.assert_readable()
    alice.screenshot("notifications")
    alice.navigate(lambda: entry.get_by_role("link", name=re.compile(f"See comment #{reply_id}")).click())
    assert alice.page.url.endswith(f"#comment-{reply_id}")
    assert alice.page.locator(f"#comment-{reply_id}").is_visible()
    alice.assert_readable()
    # Seen: the page marked it read.
    alice.goto("/notifications")
    assert "notification-unread" not in (entry.get_attribute("class") or "")

    # The mention links to alice's page of comments.
    bob.goto(f"/comments/{reply_id}")
    bob.navigate(lambda: bob.page.locator(f"#comment-{reply_id} a.mention").click())
    assert bob.page.url.endswith("/users/alice")
    bob.assert_readable()


@SIZES
def test_a_report_reaches_the_inbox_and_is_resolved_there(open_tab, live_server, size):
    label = f"{size[0]}x{size[1]}"
    bad = live_server.add_comment("alice", f"Cheap watches, click here ({label})")
    bob = open_tab(size)
    bob.log_in("bob", PASSWORDS["bob"])
    bob.goto(f"/comments/{bad}/report")
    bob.assert_readable()
    bob.page.get_by_label("Spam").check()
    bob.page.fill("#details", "An advert, not a comment.")
    bob.press_button("Send report")
    assert len(bob.flash_messages()) == 1

    admin = open_tab(size)
    admin.log_in(ADMIN, ADMIN_PASSWORD)
    counts = re.findall(r"(\d+) open reports?", admin.page.locator("#navbar-inbox").inner_text())
    assert [int(count) >= 1 for count in counts] == [True]
    admin.navigate(lambda: admin.page.locator("#navbar-inbox").click())
    reported = admin.page.locator("section", has_text=f"Cheap watches, click here ({label})").last
    assert "An advert, not a comment." in reported.inner_text()
    admin.assert_readable()
    admin.screenshot("inbox")
    admin.navigate(lambda: reported.get_by_role("button", name=f"Hide comment {bad}").click())
    assert len(admin.flash_messages()) == 1
    assert admin.page.locator("section", has_text=f"Cheap watches, click here ({label})").count() == 0
    admin.assert_readable()

    # Hidden: gone for everyone but the admins (its permalink says so).
    bob.goto(f"/comments/{bad}", status=404)

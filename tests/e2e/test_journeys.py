"""The whole visit, twice: once with the mouse on a desktop-sized window, once by keyboard
alone (Tab, Enter, typing; no clicks) on a phone-sized one. Each journey runs once per module
and records what it saw at every step; the tests below check those records for both."""

import re
from datetime import UTC, datetime

import pytest

from tests.support.browsing import DESKTOP, OLDEST_SEEDED, PASSWORDS, PHONE, Tab

pytestmark = pytest.mark.e2e

WRONG_PASSWORD = "not-the-password"
TOO_LONG = "y" * 4097
BYLINE = re.compile(r"^Posted (?P<posted>\w+, \d{2} \w+ \d{4} at \d{2}:\d{2}) by (?P<username>.+)$")


def utc_minute():
    return datetime.now(UTC).replace(second=0, microsecond=0, tzinfo=None)


class Mouse:
    """Clicks and page.fill, as most visitors do."""

    def __init__(self, tab):
        self.tab = tab
        self.page = tab.page

    def follow(self, name):
        self.tab.navigate(lambda: self.page.get_by_role("link", name=name, exact=True).click())

    def press_button(self, name):
        self.tab.navigate(lambda: self.page.get_by_role("button", name=name, exact=True).click())

    def log_in(self, username, password):
        self.page.fill("#username", username)
        self.page.fill("#password", password)
        self.press_button("Log in")

    def write(self, text):
        self.page.fill("#contents", text)

    def follow_page_link(self, name):
        self.follow(name)


class Keyboard:
    """Tab to move, Enter to follow or submit, typing to fill; the mouse never moves."""

    def __init__(self, tab):
        self.tab = tab
        self.page = tab.page

    def follow(self, name):
        self.tab.tab_to(text=name)
        self.tab.press("Enter")

    press_button = follow

    def log_in(self, username, password):
        self.tab.tab_to(element_id="username")
        self.page.keyboard.press("Control+A")  # a refused login keeps the name typed
        self.page.keyboard.type(username)
        self.tab.tab_to(element_id="password")
        self.page.keyboard.type(password)
        self.tab.press("Enter")

    def follow_page_link(self, name):
        """Past the page's comments (each with its links and buttons) by the skip link, as a
        keyboard user would, then on to ``name`` among the page links."""
        self.tab.tab_to(text="Skip to the page links")
        self.page.keyboard.press("Enter")
        self.follow(name)

    def write(self, text):
        self.tab.tab_to(element_id="contents")
        if len(text) > 200:
            self.page.keyboard.insert_text(text)  # as a paste would, without 4,097 key presses
        else:
            self.page.keyboard.type(text)


def error_of(page, field_id):
    """The field's error message and how it is tied to the field."""
    return page.evaluate(
        """(fieldId) => {
          const field = document.getElementById(fieldId);
          const describedBy = (field.getAttribute("aria-describedby") || "").split(/\\s+/);
          const next = field.nextElementSibling;
          return {
            text: next ? next.innerText.trim() : null,
            nextIsDescription: next !== null && next.id !== "" && describedBy.includes(next.id),
            invalid: field.getAttribute("aria-invalid"),
          };
        }""",
        field_id,
    )


def journey(tab, hands, username):
    """Visit, fail to log in, log in, post, post too much, page back and forth, log out."""
    page = tab.page
    seen = {}

    tab.goto("/")
    tab.screenshot(f"journey-{username}-1-anonymous")
    seen["anonymous.log_in_links"] = page.get_by_role("link", name="Log in", exact=True).count()
    seen["anonymous.textareas"] = page.locator("textarea").count()
    seen["anonymous.bylines"] = [byline for _, byline in tab.comments()]

    hands.follow("Log in")
    seen["login_form.url"] = page.url
    tab.expect_error(400, "POST", "/login/")
    hands.log_in(username, WRONG_PASSWORD)
    seen["failed_login.alert"] = page.get_by_role("alert").inner_text()
    tab.screenshot(f"journey-{username}-2-failed-login")

    hands.log_in(username, PASSWORDS[username])
    seen["login.url"] = page.url
    seen["login.flash"] = tab.flash_messages()
    seen["login.navbar"] = page.locator("header nav .navbar-text").inner_text()

    text = f"Hello from {username}, by {type(hands).__name__.lower()}."
    hands.write(text)
    seen["post.earliest"] = utc_minute()
    hands.press_button("Post comment")
    seen["post.latest"] = utc_minute()
    seen["post.text"] = text
    seen["post.flash"] = tab.flash_messages()
    seen["post.top"] = tab.comments()[0]
    tab.screenshot(f"journey-{username}-3-posted")

    hands.write(TOO_LONG)
    tab.expect_error(400, "POST", "/")
    hands.press_button("Post comment")
    seen["too_long.kept"] = page.input_value("#contents") == TOO_LONG
    seen["too_long.error"] = error_of(page, "contents")
    tab.screenshot(f"journey-{username}-4-too-long")

    hands.follow_page_link("Older comments")
    seen["older.url"] = page.url
    seen["older.title"] = page.title()
    seen["older.contents"] = [content for content, _ in tab.comments()]
    hands.follow_page_link("Newest comments")
    seen["newest.url"] = page.url
    seen["newest.top"] = tab.comments()[0]

    hands.press_button("Log out")
    seen["logout.url"] = page.url
    seen["logout.flash"] = tab.flash_messages()
    seen["logout.header"] = page.locator("header").inner_text()
    tab.screenshot(f"journey-{username}-5-logged-out")

    seen["problems"] = tab.problems()
    return seen


@pytest.fixture(scope="module", params=["mouse", "keyboard"])
def seen(request, browser, live_server, axe_source):
    """What one journey saw: alice with the mouse at 1280x800, bob by keyboard at 390x844."""
    if request.param == "mouse":
        tab = Tab(browser, live_server, DESKTOP, axe_source=axe_source)
        hands, username = Mouse(tab), "alice"
    else:
        tab = Tab(browser, live_server, PHONE, axe_source=axe_source)
        hands, username = Keyboard(tab), "bob"
    try:
        seen = journey(tab, hands, username)
    finally:
        tab.close()
    seen["username"] = username
    seen["origin"] = live_server.origin
    return seen


# Not logged in.


def test_anonymous_visitor_is_offered_to_log_in(seen):
    assert seen["anonymous.log_in_links"] == 1


def test_anonymous_visitor_gets_no_comment_form(seen):
    assert seen["anonymous.textareas"] == 0


def test_comments_of_nobody_and_of_no_known_time_say_so(seen):
    bylines = " ".join(seen["anonymous.bylines"])
    assert ("by anonymous" in bylines, "Posted at an unknown time by alice" in bylines) == (True, True)


def test_log_in_link_leads_to_the_login_form(seen):
    assert seen["login_form.url"] == seen["origin"] + "/login/"


def test_failed_login_says_so(seen):
    assert seen["failed_login.alert"] == "Incorrect username or password"


# Logged in.


def test_login_leads_back_to_the_comments(seen):
    assert seen["login.url"] == seen["origin"] + "/"


def test_login_says_who_is_logged_in(seen):
    assert seen["login.flash"] == [f"You are logged in as {seen['username']}."]


def test_navbar_shows_who_is_logged_in(seen):
    assert seen["login.navbar"] == f"Logged in as {seen['username']}"


def test_posting_says_the_comment_was_posted(seen):
    assert seen["post.flash"] == ["Your comment was posted."]


def test_posted_comment_is_at_the_top_with_name_and_time(seen):
    content, byline = seen["post.top"]
    match = BYLINE.match(byline)
    posted = datetime.strptime(match["posted"], "%A, %d %B %Y at %H:%M")
    assert (content, match["username"], seen["post.earliest"] <= posted <= seen["post.latest"]) == (
        seen["post.text"],
        seen["username"],
        True,
    )


def test_over_long_comment_keeps_the_text(seen):
    assert seen["too_long.kept"] is True


def test_over_long_comment_error_is_next_to_the_field_and_describes_it(seen):
    assert seen["too_long.error"] == {
        "text": "Comments can be at most 4,096 characters long; this one has 4,097.",
        "nextIsDescription": True,
        "invalid": "true",
    }


def test_older_comments_link_shows_an_older_page(seen):
    assert (seen["older.title"], OLDEST_SEEDED in seen["older.contents"]) == (
        "Scratchpad: older comments",
        True,
    )


def test_older_page_does_not_repeat_the_newest_comment(seen):
    assert seen["post.text"] not in seen["older.contents"]


def test_newest_comments_link_returns_to_the_first_page(seen):
    assert (seen["newest.url"], seen["newest.top"][0]) == (seen["origin"] + "/", seen["post.text"])


# Logged out again.


def test_logout_says_so(seen):
    assert seen["logout.flash"] == ["You are logged out."]


def test_logout_shows_log_in_again(seen):
    header = seen["logout.header"]
    assert ("Log in" in header, "Logged in as" in header) == (True, False)


def test_nothing_went_wrong_on_the_way(seen):
    """No request left the server, none failed, no console error, no CSP violation."""
    assert seen["problems"] == {}

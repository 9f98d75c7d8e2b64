"""Every page, logged out and logged in, at 1280x800 and 390x844: a screenshot of each, and
checks that it fits a phone, passes axe-core, has the structure assistive technology relies
on, shows where the keyboard focus is, and runs under the Content-Security-Policy."""

from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from scratchpad.models import Comment, Notification, User
from tests.support.browsing import ADMIN, ADMIN_PASSWORD, DESKTOP, FAVICON, LONG_WORD, PASSWORDS, PHONE, Tab
from tests.support.factories import TEST_ROUNDS

pytestmark = pytest.mark.e2e

SIZES = {"desktop": DESKTOP, "phone": PHONE}
#: Who logs in for the logged-in half of the tour, per size (each posts nothing).
USERS = {DESKTOP: "alice", PHONE: "bob"}
#: A refused draft: too long, and one unbroken word, so the textarea must wrap it.
REFUSED_DRAFT = LONG_WORD * 16


def comments(tab):
    tab.goto("/")


def older_comments(tab):
    tab.goto("/")
    tab.navigate(lambda: tab.page.get_by_role("link", name="Older comments").click())


def login_form(tab):
    tab.goto("/login/")


def failed_login(tab):
    tab.goto("/login/")
    tab.page.fill("#username", "nobody")
    tab.page.fill("#password", "not-the-password")
    tab.expect_error(400, "POST", "/login/")
    tab.navigate(lambda: tab.page.get_by_role("button", name="Log in").click())


def logout_confirmation(tab):
    tab.goto("/logout/")


def not_found(tab):
    tab.goto("/no-such-page/", status=404)


def refused_comment(tab):
    tab.goto("/")
    tab.page.fill("#contents", REFUSED_DRAFT)
    tab.expect_error(400, "POST", "/")
    tab.navigate(lambda: tab.page.get_by_role("button", name="Post comment").click())


def after_login(tab):
    """The page login leads to, with its "You are logged in" message."""
    username = USERS[tab.size]
    tab.log_in(username, PASSWORDS[username])


def edit_form(tab):
    """The visitor's own fresh comment (seeded), by its Edit button."""
    tab.goto("/")
    tab.navigate(lambda: tab.page.get_by_role("link", name="Edit comment").first.click())


def delete_confirmation(tab):
    tab.goto("/")
    tab.navigate(lambda: tab.page.get_by_role("link", name="Delete comment").first.click())


def refused_edit(tab):
    edit_form(tab)
    tab.page.fill("#contents", REFUSED_DRAFT)
    tab.expect_error(400, "POST", urlsplit(tab.page.url).path)
    tab.navigate(lambda: tab.page.get_by_role("button", name="Save").click())


def admin_board(tab):
    """The board as the admin sees it: a hidden comment marked, hide and delete buttons."""
    tab.page.context.clear_cookies()
    tab.log_in(ADMIN, ADMIN_PASSWORD)


def moderation_log(tab):
    tab.goto("/")
    tab.navigate(lambda: tab.page.get_by_role("link", name="Moderation log").click())


def account_page(tab):
    tab.goto("/")
    tab.navigate(lambda: tab.page.get_by_role("link", name="Your account").click())


def unusable_link(tab):
    tab.goto("/invitations/" + "A" * 43, status=404)


def users_page(tab):
    tab.goto("/")
    tab.navigate(lambda: tab.page.get_by_role("link", name="Users").click())


def search_results(tab, query="long"):
    """From the navbar's search box: the seeded comments holding "long", the long word's
    snippet among them (a phone must wrap it)."""
    tab.goto("/")
    tab.page.fill("#navbar-search", query)
    tab.navigate(lambda: tab.page.locator("header").get_by_role("button", name="Search", exact=True).click())


def admin_search(tab):
    """The hidden comment found, marked hidden."""
    search_results(tab, "moderator")


def refused_search(tab):
    """A search with nothing to search for: the message, the query kept in the box."""
    tab.goto("/search")
    tab.page.fill("#search-q", "🙂")
    tab.expect_error(400, "GET", "/search")
    tab.navigate(lambda: tab.page.locator("main").get_by_role("button", name="Search", exact=True).click())


LOGGED_OUT = {
    "comments": comments,
    "older-comments": older_comments,
    "login": login_form,
    "login-failed": failed_login,
    "logout-confirm": logout_confirmation,
    "not-found": not_found,
    "link-unusable": unusable_link,
    "search": search_results,
    "search-refused": refused_search,
}
LOGGED_IN = {
    "comments": after_login,
    "account": account_page,
    "comment-refused": refused_comment,
    "older-comments": older_comments,
    "login": login_form,
    "logout-confirm": logout_confirmation,
    "not-found": not_found,
    "edit-comment": edit_form,
    "edit-refused": refused_edit,
    "delete-confirm": delete_confirmation,
}
#: Logged in as the admin (the first visit logs in).
AS_ADMIN = {
    "comments": admin_board,
    "moderation-log": moderation_log,
    "users": users_page,
    "delete-confirm": delete_confirmation,
    "search": admin_search,
}
PAGES = (
    [f"{name}-logged-out" for name in LOGGED_OUT]
    + [f"{name}-logged-in" for name in LOGGED_IN]
    + [f"{name}-admin" for name in AS_ADMIN]
)

#: What the page is made of, read in the browser before anything else touches it.
STRUCTURE = """() => {
  const fields = [...document.querySelectorAll("input, select, textarea")]
    .filter((el) => !["hidden", "submit", "button", "reset"].includes(el.type));
  const labelled = (el) => el.labels.length > 0 || el.hasAttribute("aria-label") ||
    el.hasAttribute("aria-labelledby");
  const tag = (el) => el.tagName.toLowerCase();
  return {
    title: document.title,
    lang: document.documentElement.lang,
    h1s: document.querySelectorAll("h1").length,
    landmarks: ["header", "main", "nav"].filter((name) => document.querySelector(name)),
    unlabelled: fields.filter((el) => !labelled(el)).map((el) => el.name || el.id),
    inline: [
      ...[...document.querySelectorAll("script:not([src])")].map(() => "inline <script>"),
      ...[...document.querySelectorAll("style")].map(() => "<style>"),
      ...[...document.querySelectorAll("[style]")].map((el) => `style= on <${tag(el)}>`),
      ...[...document.querySelectorAll("*")].flatMap((el) => [...el.attributes]
        .filter((a) => a.name.startsWith("on")).map((a) => `${a.name}= on <${tag(el)}>`)),
    ],
    viewport: document.querySelector('meta[name="viewport"]')?.content,
    icon: document.querySelector('link[rel="icon"]')?.getAttribute("href"),
  };
}"""

#: The focused element and whether anything marks it: an outline or a box shadow.
FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const text = (el.innerText || el.value || el.name || "").trim().slice(0, 30);
  return {
    name: `<${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}> ${text}`,
    marked: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) ||
      style.boxShadow !== "none",
  };
}"""

WIDTHS = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def focus_marks(tab, limit=30):
    """Tab through the page once: {element: whether its focus is visible}."""
    page = tab.page
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    marks = {}
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS)
        if focused is None:
            continue
        if focused["name"] in marks:
            break
        marks[focused["name"]] = focused["marked"]
    return marks


def inspect(tab, name):
    """Everything the tests below check about the page the tab shows."""
    report = tab.page.evaluate(STRUCTURE)
    report["screenshot"] = tab.screenshot(name)
    report["widths"] = tab.page.evaluate(WIDTHS)
    report["axe"] = tab.axe_violations()
    report["focus"] = focus_marks(tab)
    return report


@pytest.fixture(scope="module")
def tour(browser, live_server, axe_source):
    """{(page, size): report} for every page, and {size: problems} for each size's tab."""
    reports, problems = {}, {}
    for size in SIZES.values():
        tab = Tab(browser, live_server, size, axe_source=axe_source)
        try:
            for name, visit in LOGGED_OUT.items():
                visit(tab)
                reports[f"{name}-logged-out", size] = inspect(tab, f"{name}-logged-out")
            for name, visit in LOGGED_IN.items():
                visit(tab)
                reports[f"{name}-logged-in", size] = inspect(tab, f"{name}-logged-in")
            for name, visit in AS_ADMIN.items():
                visit(tab)
                reports[f"{name}-admin", size] = inspect(tab, f"{name}-admin")
            problems[size] = tab.problems()
        finally:
            tab.close()
    return reports, problems


@pytest.fixture(params=PAGES)
def page_name(request):
    return request.param


@pytest.fixture(params=SIZES.values(), ids=SIZES.keys())
def size(request):
    return request.param


@pytest.fixture
def report(tour, page_name, size):
    return tour[0][page_name, size]


# Fits the screen.


@pytest.mark.parametrize("size", [PHONE], ids=["phone"])
def test_page_does_not_scroll_sideways_on_a_phone(report):
    scroll_width, window_width = report["widths"]
    assert scroll_width <= window_width


def test_screenshot_is_saved(report, size):
    assert report["screenshot"].stat().st_size > 0


# Accessible.


def test_axe_finds_no_serious_or_critical_violation(report):
    assert report["axe"] == []


def test_html_names_its_language(report):
    assert report["lang"] == "en"


def test_page_has_exactly_one_h1(report):
    assert report["h1s"] == 1


def test_page_has_header_main_and_nav_landmarks(report):
    assert report["landmarks"] == ["header", "main", "nav"]


def test_every_field_has_a_label(report):
    assert report["unlabelled"] == []


def test_keyboard_reaches_something(report):
    assert len(report["focus"]) >= 2


def test_focus_is_visible_on_everything_the_keyboard_reaches(report):
    assert [name for name, marked in report["focus"].items() if not marked] == []


# Well formed.


def test_page_has_a_title_of_its_own(report):
    assert report["title"].startswith("Scratchpad")


def test_page_sets_a_mobile_viewport(report):
    assert report["viewport"] == "width=device-width, initial-scale=1"


def test_page_links_the_favicon(report):
    assert report["icon"] == FAVICON


def test_page_has_no_inline_script_or_style(report):
    """The CSP (default-src 'self') would refuse them; they belong in static files."""
    assert report["inline"] == []


def test_titles_tell_the_pages_apart(tour):
    titles = {report["title"] for (name, _), report in tour[0].items() if name.endswith("-logged-out")}
    assert len(titles) >= 4


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
def test_nothing_went_wrong_on_the_tour(tour, size):
    """No request left the server, none failed, no console error, no CSP violation."""
    assert tour[1][size] == {}


def test_favicon_is_served_as_svg(open_tab):
    # Fetched rather than opened: a tab showing a bare image asks for /favicon.ico as well.
    response = open_tab().page.request.get(FAVICON)
    assert (response.status, response.headers["content-type"].split(";")[0]) == (200, "image/svg+xml")


# Long usernames (up to 128 characters, often without a space).

#: The longest name allowed, and a realistic long one that must lay out as it always did.
LONG_NAME = ("maximiliana_alexandrovna_konstantinopoulou_" * 3)[:128]
REALISTIC_NAME = "alexandra_montgomery_smith1"
#: Who reads the long-named member's mention in their notifications.
READER, READER_PASSWORD = "dana", "dana-e2e-password"
#: A word only the long-named members' comments hold, for the search.
LONG_NAMES_WORD = "quetzalcoatlus"


@pytest.fixture(scope="module")
def long_names(live_server):
    """Members named LONG_NAME and REALISTIC_NAME, each with a comment mentioning READER (a
    notification of theirs); written straight to the database. {name: comment id}."""
    engine = sa.create_engine(live_server.database_url)
    try:
        with Session(engine) as dbsession, dbsession.begin():
            reader = User(username=READER)
            reader.set_password(READER_PASSWORD, TEST_ROUNDS)
            dbsession.add(reader)
            ids = {}
            for name in (LONG_NAME, REALISTIC_NAME):
                author = User(username=name)
                author.set_password(READER_PASSWORD, TEST_ROUNDS)
                comment = Comment(content=f"Hello @{READER}, {LONG_NAMES_WORD} here", commenter=author)
                dbsession.add_all([author, comment])
                dbsession.flush()
                dbsession.add(Notification(recipient_id=reader.id, comment_id=comment.id, kind="mention"))
                ids[name] = comment.id
            return ids
    finally:
        engine.dispose()


def reading_in(tab, language):
    """The tab asks for ``language``, as a browser does and by the app's own cookie."""
    tab.context.set_extra_http_headers({"Accept-Language": language})
    tab.context.add_cookies([{"name": "language", "value": language, "url": tab.origin}])
    return tab


LONG_NAME_PAGES = {
    "board": lambda ids: "/",
    "thread": lambda ids: f"/comments/{ids[LONG_NAME]}",
    "user": lambda ids: f"/users/{LONG_NAME}",
    "search": lambda ids: f"/search?q={LONG_NAMES_WORD}",
    "notifications": lambda ids: "/notifications",
}


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("where", LONG_NAME_PAGES)
def test_a_long_username_does_not_widen_a_phones_page(open_tab, long_names, language, where):
    """Bylines ("Posted ... by <name>"), the heading of the user's page and a notification's
    bold name wrap the name instead of scrolling the page sideways."""
    tab = reading_in(open_tab(PHONE), language)
    if where == "notifications":
        tab.log_in(READER, READER_PASSWORD)
    tab.goto(LONG_NAME_PAGES[where](long_names))
    assert tab.page.get_by_text(LONG_NAME).count() >= 1
    assert tab.page.evaluate(WIDTHS) == [PHONE[0], PHONE[0]]


#: The table of users and its scroller: their widths, and how far each row's last cell reaches.
USER_TABLE = """() => {
  const table = document.querySelector("table.user-list");
  const scroller = table.parentElement.getBoundingClientRect();
  const reach = [...table.querySelectorAll("tr")].map((row) => row.lastElementChild.getBoundingClientRect().right);
  return {table: table.getBoundingClientRect().width, scroller: scroller.width,
          beyond: reach.filter((right) => right > scroller.right + 0.5).length};
}"""


def test_the_users_table_fits_a_desktop_with_a_long_name(open_tab, long_names):
    """One such name made the table 1,638px wide at 1280, its Actions column out of sight."""
    tab = open_tab(DESKTOP)
    tab.log_in(ADMIN, ADMIN_PASSWORD)
    tab.goto("/admin/users")
    assert tab.page.locator("table.user-list").get_by_text(LONG_NAME).count() >= 1
    shape = tab.page.evaluate(USER_TABLE)
    assert (shape["table"] <= shape["scroller"], shape["beyond"]) == (True, 0)
    tab.screenshot("users-long-name-admin")


#: How many lines the text of each element matching the selector whose text is the name takes.
LINES = """([selector, name]) => [...document.querySelectorAll(selector)]
  .filter((el) => el.textContent.trim() === name)
  .map((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
  })"""


def test_a_realistic_long_name_keeps_its_one_line(open_tab, long_names):
    """27 characters: whole in the phone's byline, and on one line in the admin's table, its
    column and the "Suspend <name> for" label as they were."""
    phone = open_tab(PHONE)
    phone.goto("/")
    desktop = open_tab(DESKTOP)
    desktop.log_in(ADMIN, ADMIN_PASSWORD)
    desktop.goto("/admin/users")
    assert (
        phone.page.evaluate(LINES, ["article.comment small bdi", REALISTIC_NAME]),
        desktop.page.evaluate(LINES, ["table.user-list .user-name", REALISTIC_NAME]),
        desktop.page.evaluate(LINES, [".user-acts label bdi", REALISTIC_NAME]),
    ) == ([1], [1], [1])

"""What the browser tests share: the data the server starts with, and a browser tab that
records everything that could go wrong while a test uses it."""

from urllib.parse import urlsplit

from tests.support.paths import ROOT

#: Where the screenshots go (git-ignored); docs/testing.md names it.
SCREENSHOTS = ROOT / "screenshots"
FAVICON = "/static/favicon.svg"

DESKTOP = (1280, 800)
PHONE = (390, 844)

#: The board's users, created by initialize_scratchpad_db with these passwords on stdin.
PASSWORDS = {"alice": "alice-e2e-password", "bob": "bob-e2e-password"}
#: An admin, made in the database beside the seeded comments.
ADMIN, ADMIN_PASSWORD = "carol", "carol-e2e-password"
HIDDEN_COMMENT = "A comment a moderator hid"

#: Comments put straight into the database before the server starts: enough for two pages.
SEEDED_COMMENTS = 62
OLDEST_SEEDED = "Seeded comment 1"
LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 6
LONG_URL = "https://example.com/" + "/".join(f"a-rather-long-path-segment-{n}" for n in range(12))
#: Markdown whose rendering could widen a phone's page: a long link, long inline code, a long
#: code line, and lists and quotes nested as deep as the parser goes.
WIDE_MARKDOWN = (
    f"Formatted: *emphasis*, [a long link]({LONG_URL}), `{'inline_code_' * 12}`\n\n"
    f"```\ntotal = {' + '.join(['1'] * 80)}\n```\n\n"
    f"{'- ' * 9}{LONG_WORD}\n\n"
    f"{'> ' * 19}{LONG_WORD}"
)

NO_SIDEWAYS_SCROLL = "() => document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth"

#: Reports every CSP violation to Python; injected by the browser, so the CSP does not apply.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


class Tab:
    """One page in a fresh browser context (no cookies), at one window size, that records
    everything that could go wrong while it is used."""

    def __init__(self, browser, server, size=DESKTOP, javascript=True, axe_source=None):
        width, height = size
        self.origin = server.origin
        self.size = size
        self.axe_source = axe_source
        #: (method, path, status) of the error responses a test asks for, e.g. a failed login.
        self.expected_errors = set()
        self.requests = []
        self.failed_requests = []
        self.error_responses = []
        self.console_errors = []
        self.page_errors = []
        self.csp_violations = []
        self.context = browser.new_context(
            base_url=self.origin,
            viewport={"width": width, "height": height},
            java_script_enabled=javascript,
            locale="en-GB",
            timezone_id="UTC",
        )
        self.context.set_default_timeout(10_000)
        if javascript:
            self.context.expose_binding(
                "reportCspViolation", lambda source, text: self.csp_violations.append(text)
            )
            self.context.add_init_script(CSP_LISTENER)
        self.page = self.context.new_page()
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("requestfailed", self.on_request_failed)
        self.page.on("response", self.on_response)
        self.page.on("console", self.on_console)
        self.page.on("pageerror", lambda error: self.page_errors.append(str(error)))

    # Recording.

    def expect_error(self, status, method, path):
        self.expected_errors.add((method, path, status))

    def is_expected(self, method, url, status):
        return (method, urlsplit(url).path, status) in self.expected_errors

    def on_request_failed(self, request):
        # Chromium fetches the icon after the page's load event, so moving on to the next
        # page at once can cancel it; test_pages.py checks the icon itself is served.
        if request.failure == "net::ERR_ABORTED" and urlsplit(request.url).path == FAVICON:
            return
        self.failed_requests.append(f"{request.method} {request.url}: {request.failure}")

    def on_response(self, response):
        request = response.request
        if response.status >= 400 and not self.is_expected(request.method, response.url, response.status):
            self.error_responses.append(f"{request.method} {response.url}: {response.status}")

    def on_console(self, message):
        if message.type != "error":
            return
        url = message.location.get("url", "")
        # Chromium logs every 4xx document as "Failed to load resource"; the deliberate ones
        # (a failed login, a refused comment, the 404 page) are not errors of the page.
        if message.text.startswith("Failed to load resource: the server responded with a status of "):
            status = int(message.text.split("status of ")[1].split()[0])
            if any((path, status) == (urlsplit(url).path, code) for _, path, code in self.expected_errors):
                return
        if "Content Security Policy" in message.text:
            self.csp_violations.append(message.text)
        self.console_errors.append(f"{message.text} ({url})")

    def external_requests(self):
        """Requests that left the server. data: URLs are not requests to anywhere (the CSP
        allows data: images; Bootstrap draws a few icons with them)."""
        here = (self.origin + "/", "data:")
        return [url for url in self.requests if not url.startswith(here)]

    def problems(self):
        found = {
            "requests that left the server": self.external_requests(),
            "failed requests": self.failed_requests,
            "error responses": self.error_responses,
            "console errors": self.console_errors,
            "page errors": self.page_errors,
            "CSP violations": self.csp_violations,
        }
        return {kind: items for kind, items in found.items() if items}

    # Acting.

    def goto(self, path, status=200):
        if status >= 400:
            self.expect_error(status, "GET", urlsplit(path).path)
        response = self.page.goto(path)
        assert response.status == status, f"GET {path}: {response.status}"
        return response

    def navigate(self, action):
        """Do ``action()`` (a click, a key press) and wait for the page it leads to."""
        with self.page.expect_navigation():
            action()

    def press(self, key):
        """A key press that leads to another page."""
        self.navigate(lambda: self.page.keyboard.press(key))

    def focused(self):
        """What has the focus: (tag, id, text), the text as a sighted user would read it."""
        return self.page.evaluate("""() => {
              const el = document.activeElement;
              return [el.tagName.toLowerCase(), el.id, (el.innerText || el.value || "").trim()];
            }""")

    def tab_to(self, text=None, element_id=None, limit=120):
        """Press Tab until the element with this visible text (or id) has the focus.

        The limit allows for a full page: each of its 50 comments has a permalink.
        """
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            _, focused_id, focused_text = self.focused()
            if (text is not None and focused_text == text) or (
                element_id is not None and focused_id == element_id
            ):
                return
        raise AssertionError(f"{limit} Tabs never reached {text or element_id!r}")

    def press_button(self, name):
        """Click the button named ``name`` and wait for the page it leads to."""
        self.navigate(lambda: self.page.get_by_role("button", name=name, exact=True).click())

    def log_in(self, username, password):
        """Through the login form, in whatever language the page speaks (its one button)."""
        self.goto("/login/")
        self.page.fill("#username", username)
        self.page.fill("#password", password)
        self.navigate(lambda: self.page.locator("#login-form").get_by_role("button").click())

    # Looking.

    def screenshot(self, name):
        """The page as it looks, saved under ``SCREENSHOTS``. Chromium now and then answers a
        capture with "Unable to capture screenshot" (seen once in ~10 whole runs, in the page
        tour, whose one fixture then failed all 603 of its tests); the page is the same a
        moment later, so a capture is tried once more before that counts."""
        from playwright.sync_api import Error as PlaywrightError  # where a browser runs, it is there

        width, height = self.size
        path = SCREENSHOTS / f"{width}x{height}" / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.page.screenshot(path=str(path))
        except PlaywrightError as error:
            if "Unable to capture screenshot" not in str(error):
                raise
            self.page.wait_for_timeout(500)
            self.page.screenshot(path=str(path))
        return path

    def flash_messages(self):
        return self.page.locator(".flash-message").all_inner_texts()

    def comments(self):
        """(content, byline) of each comment shown, top to bottom."""
        shown = []
        for article in self.page.locator("article.comment").all():
            byline = " ".join(article.locator("small").inner_text().split())
            # A hidden comment shows others a notice instead of its text.
            shown.append((article.locator(".comment-content, .comment-removed").inner_text(), byline))
        return shown

    def assert_readable(self):
        """No sideways scroll, and nothing serious or critical for axe. The pointer is moved
        off whatever it clicked and Bootstrap's 0.15 s colour transition let finish first:
        axe would otherwise read a button's colours halfway between two states."""
        self.page.mouse.move(0, 0)
        self.page.wait_for_timeout(300)
        assert self.page.evaluate(NO_SIDEWAYS_SCROLL) is True
        assert self.axe_violations() == []

    def axe_violations(self, impacts=("serious", "critical")):
        """axe-core's violations of these impacts on the current page.

        Evaluated through the DevTools protocol rather than added as a <script>, which the
        page's CSP would refuse as inline script.
        """
        self.page.evaluate(self.axe_source)
        violations = self.page.evaluate("""async () => {
              const results = await axe.run(document, {resultTypes: ["violations"]});
              return results.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
              }));
            }""")
        return [v for v in violations if v["impact"] in impacts]

    def close(self):
        self.context.close()

"""A real ``pserve`` (testing.ini on a fresh SQLite file) against requests a hostile client can
send: forged and huge ``Host`` headers, and ``next``/redirect values no browser would make.
Every answer is the one the access log records, carries the security headers, and is never a
5xx; absolute URLs come from ``scratchpad.public_url``; the page cache does not grow the
process with the headers it is sent."""

import contextlib
import http.client
import json
import re
import time
import xml.etree.ElementTree as ElementTree
from http.cookies import SimpleCookie
from urllib.parse import quote_from_bytes, urlencode

import pytest

from scratchpad.web.tweens import HEADERS
from tests.support.in_process import run_ok
from tests.support.servers import ROOT, free_port, get_when_up, ini_listening_on, migrated_env, pserve

pytestmark = pytest.mark.served

PASSWORD = "a long enough password"
PUBLIC_URL = "https://board.example.org"
STARTUP = 60
ACCESS_LINE = re.compile(r"\[scratchpad\.access:\d+\] (?P<method>\S+) (?P<path>\S+) (?P<status>\d{3}) ")


@contextlib.contextmanager
def board(tmp_path, **env):
    """``(port, log_path, server)`` of pserve on testing.ini, with user alice, the extra
    environment variables ``env``, until the block ends."""
    env = migrated_env(tmp_path, **env)
    run_ok(
        "initialize_scratchpad_db",
        "testing.ini",
        "--user",
        "alice",
        database_url=env["SCRATCHPAD_DATABASE_URL"],
        stdin=PASSWORD + "\n",
    )
    port = free_port()
    ini = ini_listening_on(ROOT / "testing.ini", tmp_path, port)
    log_path = tmp_path / "stderr.log"
    with pserve(ini, env, log_path, stdout_too=False) as server:
        get_when_up(f"http://127.0.0.1:{port}/healthz", server, time.monotonic() + STARTUP)
        yield port, log_path, server


class Client:
    """One visitor over raw HTTP/1.1: sends exactly the bytes of the target and headers given,
    keeps the cookies it is sent, and remembers every (method, status) it received."""

    def __init__(self, port, host="127.0.0.1", origin=None):
        self.port, self.host, self.origin = port, host, origin
        self.cookies = {}
        self.seen = []

    def request(self, method, target, body=None, headers=()):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
            connection.putheader("Host", self.host)
            if self.cookies:
                connection.putheader("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
            if self.origin and method == "POST":
                connection.putheader("Origin", self.origin)
            for name, value in headers:
                connection.putheader(name, value)
            if body is not None:
                connection.putheader("Content-Type", "application/x-www-form-urlencoded")
                connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        self.seen.append((method, response.status))
        return response, text

    def csrf_token(self, target="/login/"):
        response, text = self.request("GET", target)
        match = re.search(r'name="csrf_token" value="([^"]+)"', text)
        return response, match and match.group(1)

    def login(self, next_value):
        """Log in as alice through the form, ``next`` as the form would send it (UTF-8,
        surrogates as the bytes a broken client sends); the answers to the GET and the POST."""
        form_response, token = self.csrf_token("/login/?next=" + quote_bytes(next_value))
        fields = {"csrf_token": token or "", "username": "alice", "password": PASSWORD}
        body = urlencode(fields) + "&next=" + quote_bytes(next_value)
        return form_response, self.request("POST", "/login/", body.encode("ascii"))[0]


def quote_bytes(value):
    return quote_from_bytes(value.encode("utf-8", "surrogatepass"), safe="")


def access_log(log_path):
    return [
        (match["method"], int(match["status"]))
        for match in map(ACCESS_LINE.search, log_path.read_text().splitlines())
        if match
    ]


# 12.6: a login never ends in a bare 500, whatever its ``next``.

NEXT_VALUES = [
    "/",
    "/\u0100",  # outside Latin-1: waitress cannot write it into a header
    "/\u0100?before=1#x\u00e9",
    "/%C4%80",
    "/\x85",
    "/\u2028line separator",
    "/\r\nSet-Cookie: planted=1",
    "/%0D%0ASet-Cookie:%20planted=1",
    "/\x00",
    "/%00",
    "\x7f",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example/",
    "/ space \t tab",
    '/"<script>',
    "/\U0001f600",
    "/\udc80",  # a lone surrogate, sent as its (invalid UTF-8) bytes: the form is refused
    "/" + "a" * 8000,
    "/" + "\u0100" * 3000,
]
#: Where every redirect goes: the ``Host`` the client sent, since no public URL is set.
ON_SITE = "http://127.0.0.1/"
#: Hand-made percent-escapes no form would send: invalid UTF-8 and NUL in the query itself.
RAW_QUERIES = ["%2F%FF%FE", "%2F%C4", "%2F%ED%A0%80", "%00", "%2F%0D%0A"]


@pytest.fixture(scope="module")
def redirect_run(tmp_path_factory):
    """Every ``next`` value through GET /login/ and POST /login/, the raw queries through
    GET /login/, and anonymous visits to pages that redirect to the login with such paths."""
    with board(tmp_path_factory.mktemp("redirects")) as (port, log_path, _server):
        answers = []
        for next_value in NEXT_VALUES:
            visitor = Client(port)
            answers.extend(visitor.login(next_value))
            answers.append(Client(port).request("GET", "/admin/moderation?x=" + quote_bytes(next_value))[0])
        anonymous = Client(port)
        for query in RAW_QUERIES:
            answers.append(anonymous.request("GET", "/login/?next=" + query)[0])
            answers.append(anonymous.request("GET", "/comments/1/edit?next=" + query)[0])
        sent = [(response.status, dict(response.headers)) for response in answers]
    return sent, log_path


def test_no_redirect_value_gets_a_5xx(redirect_run):
    sent, log_path = redirect_run
    assert [status for status, _ in sent if status >= 500] == [], log_path.read_text()[-5000:]


def test_every_login_with_an_odd_next_logs_in(redirect_run):
    sent, _ = redirect_run
    logins = sent[1::3][: len(NEXT_VALUES)]
    expected = [(400, False) if "\udc80" in value else (303, True) for value in NEXT_VALUES]
    assert [(status, "auth_tkt=" in headers.get("Set-Cookie", "")) for status, headers in logins] == expected


def test_every_answer_carries_the_security_headers(redirect_run):
    sent, _ = redirect_run
    missing = [(status, name) for status, headers in sent for name in HEADERS if name not in headers]
    assert missing == []


def test_every_location_is_ascii_and_stays_on_this_site(redirect_run):
    sent, _ = redirect_run
    locations = [headers["Location"] for _, headers in sent if "Location" in headers]
    strays = [location for location in locations if not (location.isascii() and location.startswith(ON_SITE))]
    assert (len(locations) > len(NEXT_VALUES), strays) == (True, [])


def test_the_access_log_records_the_status_each_client_received(redirect_run):
    sent, log_path = redirect_run
    logged = [status for method, status in access_log(log_path)][1:]  # after the start-up GET /healthz
    assert logged == [status for status, _ in sent], log_path.read_text()[-5000:]


# 12.5: with scratchpad.public_url set, a forged Host changes no absolute URL.

ATOM = "{http://www.w3.org/2005/Atom}"
FORGED_HOST = "evil.example"


@pytest.fixture(scope="module")
def forged_host_run(tmp_path_factory):
    """Against pserve with SCRATCHPAD_PUBLIC_URL set, every request sent with a forged Host:
    a login, two posts, the feed, the API, a redirect to the login page."""
    tmp_path = tmp_path_factory.mktemp("public-url")
    with board(tmp_path, SCRATCHPAD_PUBLIC_URL=PUBLIC_URL) as (port, _log_path, _server):
        forger = Client(port, host=FORGED_HOST, origin=PUBLIC_URL)
        _, login = forger.login("/")
        locations = [login.headers["Location"]]
        for text in ("first", "second"):
            _, token = forger.csrf_token("/")
            body = urlencode({"csrf_token": token, "contents": text}).encode("ascii")
            locations.append(forger.request("POST", "/", body)[0].headers["Location"])
        to_log_in, _ = Client(port, host=FORGED_HOST).request("GET", "/admin/moderation")
        locations.append(to_log_in.headers["Location"])
        feed = ElementTree.fromstring(forger.request("GET", "/feed.atom")[1])
        api = json.loads(forger.request("GET", "/api/comments?limit=1")[1])
    feed_urls = [link.get("href") for link in feed.iter(f"{ATOM}link")]
    feed_urls += [element.text for element in feed.iter(f"{ATOM}id")]
    return {"locations": locations, "feed": feed_urls, "api": [api["next"], api["comments"][0]["url"]]}


@pytest.mark.parametrize("kind", ["locations", "feed", "api"])
def test_a_forged_host_changes_no_absolute_url(forged_host_run, kind):
    urls = forged_host_run[kind]
    assert (len(urls) >= 2, [url for url in urls if not url.startswith(f"{PUBLIC_URL}/")]) == (True, [])


# 12.4: the page cache is keyed by what the page depends on, and counts all it holds.

HUGE_HOST_BYTES = 100_000
HUGE_HOST_REQUESTS = 1_000
#: How much the process may grow over those requests.
MAX_GROWTH_KIB = 20 * 1024
#: The loop's time bound.
LOOP_SECONDS = 300


def rss_kib(pid):
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        return int(re.search(r"^VmRSS:\s+(\d+) kB", status.read(), re.MULTILINE).group(1))


def huge_host(number):
    return f"h{number}-" + "x" * (HUGE_HOST_BYTES - 20) + ".example"


@pytest.fixture(scope="module")
def huge_hosts_run(tmp_path_factory):
    """pserve's RSS before and after ``HUGE_HOST_REQUESTS`` GET / each with a distinct
    100 KB Host (after as many again to let it settle), and the statuses received."""
    with board(tmp_path_factory.mktemp("huge-hosts")) as (port, _log_path, server):
        warm_up = [Client(port, host=huge_host(-n)).request("GET", "/")[0].status for n in range(50)]
        before = rss_kib(server.pid)
        started = time.monotonic()
        statuses = []
        for number in range(HUGE_HOST_REQUESTS):
            if time.monotonic() > started + LOOP_SECONDS:
                break
            statuses.append(Client(port, host=huge_host(number)).request("GET", "/")[0].status)
        after = rss_kib(server.pid)
    return before, after, warm_up + statuses


def test_a_thousand_huge_host_headers_do_not_grow_the_process(huge_hosts_run):
    before, after, statuses = huge_hosts_run
    assert (len(statuses), set(statuses), after - before < MAX_GROWTH_KIB) == (
        HUGE_HOST_REQUESTS + 50,
        {200},
        True,
    ), f"RSS {before} KiB -> {after} KiB"

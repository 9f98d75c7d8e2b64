"""Random requests through the whole WSGI app (hypothesis).

Whatever arrives (any method, path, query, form, cookies), the answer is never a 5xx and never
shows a traceback; and a comment is stored only by a POST to ``/`` carrying alice's real auth
and session cookies (or copies the app cannot tell from them), her CSRF token and acceptable
contents. When a request is exactly that and nothing else, the comment is stored.

The board already holds every known XSS vector (tests/support/xss_vectors.py), and what is posted may
hold Markdown and those vectors, or pieces of them mixed with other text. Every HTML page that
comes back (and the board, read right after a comment was stored) is judged by
tests/support/html_safety.py: no script but our own file, no event handler, no style, no javascript:
URL, and nothing outside the Markdown subset in a comment.

The request is built by hand (``webob.Request.blank``) and handed to the app with no WebTest in
between, so nothing cleans up the bytes on the way.
"""

import contextlib
import re
from dataclasses import dataclass
from urllib.parse import quote_from_bytes

import sqlalchemy as sa
from hypothesis import event, given, settings
from hypothesis import strategies as st
from pyramid.authentication import AuthTktCookieHelper, parse_ticket
from pyramid.interfaces import ISessionFactory
from pyramid.request import Request as PyramidRequest
from webob import Request

from scratchpad.board.comments import InvalidComment, clean_content
from scratchpad.models import Comment
from tests.support.factories import PASSWORD, make_comment
from tests.support.html_safety import page_problems
from tests.support.xss_vectors import ALL as XSS_VECTORS
from tests.support.xss_vectors import FRAGMENTS

FORM = "application/x-www-form-urlencoded"
KNOWN_PATHS = [
    "/",
    "/login/",
    "/logout/",
    "/healthz",
    "/static/scratchpad.css",
    "/static/../setup.py",
    "/static/%2e%2e/setup.py",
    "//",
    "/login",
    "/?before=1",
    "/feed.atom",
    "/api/comments",
    "/api/comments?before=1&limit=2",
    "/api/nope",
]
FIELD_NAMES = ["contents", "username", "password", "csrf_token", "next", "came_from", "before"]
TOKEN_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-.^_`|~"
# Every character a header value can carry in a WSGI environ (latin-1), except ; and the
# line breaks no server would pass on.
COOKIE_CHARACTERS = st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters=";")


# Strategies


def utf8_or_not(text):
    """The text as UTF-8, lone surrogates kept as the invalid bytes a careless client sends."""
    return text.encode("utf-8", "surrogatepass")


surrogates = st.lists(st.integers(0xD800, 0xDFFF).map(chr), min_size=1, max_size=3).map("".join)
# Markdown and attacks: whole known vectors, or pieces of them among other text.
hostile_pieces = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=5)), min_size=1, max_size=12)
hostile_texts = st.one_of(st.sampled_from(XSS_VECTORS), hostile_pieces.map("".join))
texts = st.one_of(
    st.text(max_size=30),  # any code point but surrogates, NUL included
    st.builds(
        lambda before, lone, after: before + lone + after,
        st.text(max_size=5),
        surrogates,
        st.text(max_size=5),
    ),
    st.text(alphabet="\x00\r\n\t <>\"'&%;=/\\?#", max_size=10),
    st.sampled_from(["", " ", "Hi", "<script>alert(1)</script>", "//evil.example", "/\\evil"]),
    hostile_texts,
    # Long values: around the 4,096-character comment limit and the 64 KiB body limit.
    st.builds(
        lambda c, n: c * n,
        st.sampled_from(["x", "é", "😀", "\x00", " "]),
        st.integers(4000, 70_000),
    ),
)
values = st.one_of(texts.map(utf8_or_not), st.binary(max_size=20))
percent_junk = st.binary(min_size=1, max_size=6).map(lambda b: quote_from_bytes(b, safe=""))
path_pieces = st.one_of(
    st.text(alphabet="abcz09-._~!$&'()*+,;=:@/", min_size=1, max_size=8),
    percent_junk,
    st.sampled_from(["%00", "%ff", "%ed%a0%80", "%2f", "%5c", "..", "%2e%2e", "%c0%af"]),
)
paths = st.one_of(
    st.sampled_from(KNOWN_PATHS),
    st.lists(path_pieces, max_size=5).map(lambda pieces: "/" + "".join(pieces)),
)
query_pairs = st.lists(
    st.tuples(
        st.one_of(st.sampled_from(["before", "next", "came_from", "x"]), percent_junk),
        st.one_of(
            st.text(alphabet="0123456789", max_size=20),
            # Numbers only by some definition: "-1", "1e3", "²", Arabic-Indic "١٢", 30 nines.
            st.sampled_from(["-1", "1e3", "%C2%B2", "%D9%A1%D9%A2", "9" * 30, "+1", "0x10", "%201"]),
            percent_junk,
            values.map(quote_from_bytes),
        ),
    ),
    max_size=3,
)
methods = st.one_of(
    st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]),
    st.text(alphabet=TOKEN_CHARACTERS, min_size=1, max_size=10),
)
content_types = st.sampled_from(
    [FORM, "multipart/form-data", FORM + "; charset=latin-1", "text/plain", "", None]
)
field_names = st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=8)).map(utf8_or_not)
junk_cookies = st.lists(
    st.tuples(
        st.one_of(
            st.sampled_from(["auth_tkt", "scratchpad_session"]),
            st.text(alphabet=TOKEN_CHARACTERS.replace("=", ""), min_size=1, max_size=8),
        ),
        st.text(COOKIE_CHARACTERS, max_size=40),
    ),
    max_size=3,
)


@dataclass
class Fuzzed:
    method: str
    path: str
    query: list
    fields: list  # (name, value), both bytes
    content_type: str
    cookies: list  # (name, value)


def tampered(value):
    """A strategy for copies of a cookie or token: one character changed, cut short, or extended."""
    flip = st.tuples(st.integers(0, len(value) - 1), st.sampled_from('0aZ_-!="')).map(
        lambda change: value[: change[0]] + change[1] + value[change[0] + 1 :]
    )
    truncate = st.integers(0, len(value) - 1).map(lambda end: value[:end])
    append = st.text(COOKIE_CHARACTERS, min_size=1, max_size=5).map(lambda tail: value + tail)
    return st.one_of(flip, truncate, append)


def real_or_not(name, value, real_weight=1):
    """alice's real cookie (``real_weight`` times as likely at first), a tampered copy, or none."""
    real = [st.just([(name, value)])] * real_weight
    return st.one_of(*real, tampered(value).map(lambda other: [(name, other)]), st.just([]))


@st.composite
def random_requests(draw, real_cookies, token):
    """Anything at all, alice's cookies and token included now and then."""
    cookies = draw(real_or_not("auth_tkt", real_cookies["auth_tkt"]))
    cookies += draw(real_or_not("scratchpad_session", real_cookies["scratchpad_session"]))
    cookies += draw(junk_cookies)
    field_values = st.one_of(values, st.just(token.encode()))
    return Fuzzed(
        method=draw(methods),
        path=draw(paths),
        query=draw(query_pairs),
        fields=draw(st.lists(st.tuples(field_names, field_values), max_size=5)),
        content_type=draw(content_types),
        cookies=draw(st.permutations(cookies)),
    )


MUTATIONS = [
    "method",
    "path",
    "query",
    "content type",
    "auth",
    "session",
    "cookies",
    "token",
    "contents",
    "fields",
]


@st.composite
def near_valid_posts(draw, real_cookies, token):
    """alice's own post to /, with up to two things about it changed (or nothing)."""
    changes = draw(st.lists(st.sampled_from(MUTATIONS), max_size=2, unique=True))

    def changed(what, valid, strategy):
        return draw(strategy) if what in changes else valid

    auth, session = real_cookies["auth_tkt"], real_cookies["scratchpad_session"]
    cookies = changed("auth", [("auth_tkt", auth)], real_or_not("auth_tkt", auth))
    cookies += changed(
        "session", [("scratchpad_session", session)], real_or_not("scratchpad_session", session)
    )
    cookies += changed("cookies", [], junk_cookies)
    csrf_values = st.one_of(tampered(token).map(str.encode), values)
    csrf = changed(
        "token",
        [(b"csrf_token", token.encode())],
        st.lists(st.tuples(st.just(b"csrf_token"), csrf_values), max_size=2),
    )
    # What alice means to post: plain words, or Markdown and attacks, which the board must show
    # (read after each stored comment) without a live element.
    written = draw(st.one_of(st.just("Hello, world"), hostile_texts))
    contents = changed("contents", written, st.one_of(st.text(min_size=1, max_size=50), texts))
    fields = [
        *csrf,
        (b"contents", utf8_or_not(contents)),
        *changed("fields", [], st.lists(st.tuples(field_names, values), min_size=1, max_size=2)),
    ]
    return Fuzzed(
        method=changed("method", "POST", methods),
        path=changed("path", "/", paths),
        query=changed("query", [], query_pairs),
        fields=draw(st.permutations(fields)),
        content_type=changed("content type", FORM, content_types),
        cookies=draw(st.permutations(cookies)),
    )


@st.composite
def page_views(draw, real_cookies, token):
    """A GET or HEAD of a page that exists, logged in or not, with a random query string."""
    return Fuzzed(
        method=draw(st.sampled_from(["GET", "HEAD"])),
        path=draw(st.sampled_from(["/", "/login/", "/logout/"])),
        query=draw(query_pairs.filter(bool)),
        fields=[],
        content_type=None,
        cookies=draw(st.sampled_from([[], list(real_cookies.items())])),
    )


def requests(real_cookies, token):
    return st.one_of(
        random_requests(real_cookies, token),
        near_valid_posts(real_cookies, token),
        page_views(real_cookies, token),
    )


# Sending


def encode_body(fuzzed):
    if fuzzed.content_type == "multipart/form-data":
        boundary = b"fuzzboundary7MA4YWxkTrZu0gW"
        parts = [
            b"--"
            + boundary
            + b'\r\nContent-Disposition: form-data; name="'
            + name
            + b'"\r\n\r\n'
            + value
            + b"\r\n"
            for name, value in fuzzed.fields
        ]
        return (
            b"".join(parts) + b"--" + boundary + b"--\r\n",
            f"multipart/form-data; boundary={boundary.decode()}",
        )
    body = "&".join(
        f"{quote_from_bytes(name, safe='')}={quote_from_bytes(value, safe='')}"
        for name, value in fuzzed.fields
    )
    return body.encode("ascii"), fuzzed.content_type


def send(app, dbconnection, fuzzed):
    query = "&".join(f"{name}={value}" for name, value in fuzzed.query)
    url = fuzzed.path + ("?" + query if query and "?" not in fuzzed.path else "")
    body, content_type = encode_body(fuzzed)
    headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in fuzzed.cookies)}
    if content_type:
        headers["Content-Type"] = content_type
    request = Request.blank(
        url,
        method=fuzzed.method,
        base_url="http://example.com",
        environ={"app.dbconnection": dbconnection, "REMOTE_ADDR": "192.0.2.10"},
        headers=headers,
    )
    if body or fuzzed.method in ("POST", "PUT", "PATCH"):
        request.body = body
    return request.get_response(app), request


# The judge: what the app should have done with the request


class Judge:
    """Decides, without the app's views, whether a request was alice's valid post."""

    def __init__(self, app, secret, real_cookies, token):
        self.app = app
        self.secret = secret
        self.token = token
        self.real_ticket = self.ticket(real_cookies["auth_tkt"])
        self.real_session = self.session(real_cookies["scratchpad_session"])
        assert self.real_ticket is not None
        assert self.real_session is not None

    def ticket(self, value):
        """What an auth_tkt cookie value says, or None if its signature does not hold."""
        try:
            return parse_ticket(self.secret, value, "0.0.0.0", "sha512")
        except AuthTktCookieHelper.BadTicket:
            return None

    def session(self, value):
        """The signed contents of a session cookie value, or None if they do not verify."""
        factory = self.app.registry.queryUtility(ISessionFactory)
        request = PyramidRequest.blank("/", headers={"Cookie": f"scratchpad_session={value}"})
        session = factory(request)
        return None if session.new else (session.created, dict(session))

    def is_alice(self, fuzzed):
        """Could the request's cookies be read as alice's session? (Both cookies must be,
        possibly among others: a copy that decodes to the same signed data counts as real.)"""
        auth = [self.ticket(value) for name, value in fuzzed.cookies if name == "auth_tkt"]
        session = [self.session(value) for name, value in fuzzed.cookies if name == "scratchpad_session"]
        return self.real_ticket in auth and self.real_session in session

    def acceptable_contents(self, fuzzed):
        """Each cleaned ``contents`` value that could be stored."""
        found = set()
        for name, value in fuzzed.fields:
            if name == b"contents":
                with contextlib.suppress(UnicodeDecodeError, InvalidComment):
                    found.add(clean_content(value.decode("utf-8")))
        return found

    def may_store(self, fuzzed, request):
        """What a comment stored by this request may say; empty if it must store nothing."""
        if fuzzed.method != "POST" or request.environ["PATH_INFO"] != "/" or not self.is_alice(fuzzed):
            return set()
        if (b"csrf_token", self.token.encode()) not in fuzzed.fields:
            return set()
        return self.acceptable_contents(fuzzed)

    def must_store(self, fuzzed, request):
        """The comment a plain, valid post stores, or None if the request is anything more."""
        names = [name for name, _ in fuzzed.fields]
        contents = self.acceptable_contents(fuzzed)
        plain = (
            fuzzed.method == "POST"
            and request.environ["PATH_INFO"] == "/"
            and request.environ["QUERY_STRING"] == ""
            and fuzzed.content_type == FORM
            and sorted(name for name, _ in fuzzed.cookies) == ["auth_tkt", "scratchpad_session"]
            and self.is_alice(fuzzed)
            and names.count(b"csrf_token") == 1
            and (b"csrf_token", self.token.encode()) in fuzzed.fields
            and names.count(b"contents") == 1
            and len(contents) == 1
            and all(valid_utf8(name) and valid_utf8(value) for name, value in fuzzed.fields)
            and len(request.body) <= 65536
        )
        return contents.pop() if plain else None


def valid_utf8(data):
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def stored_contents(dbconnection, after_id):
    return dbconnection.scalars(sa.select(Comment.content).where(Comment.id > after_id)).all()


def token_of(visitor):
    page = visitor.get("/login/")
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def test_random_requests_are_answered_safely(testapp, app, app_settings, dbconnection, dbsession, alice):
    # Hypothesis cannot reset function-scoped fixtures between examples, so none is used
    # inside the examples: alice logs in once here, and each example runs in a savepoint of
    # the test's connection that is rolled back afterwards (a logout or a post by one example
    # is gone before the next). Nothing would be gained from the health check it replaces.
    testapp.login("alice", PASSWORD)
    real_cookies = {name: testapp.cookies[name] for name in ("auth_tkt", "scratchpad_session")}
    token = token_of(testapp)
    judge = Judge(app, app_settings["scratchpad.secret"], real_cookies, token)
    board_view = Fuzzed("GET", "/", [], [], None, list(real_cookies.items()))
    # Every page view shows known attacks; only what an example adds counts as stored by it.
    newest_seeded = [make_comment(dbsession, vector) for vector in XSS_VECTORS][-1].id

    @settings(max_examples=150, deadline=None, derandomize=True, database=None)
    @given(fuzzed=requests(real_cookies, token))
    def check(fuzzed):
        savepoint = dbconnection.begin_nested()
        try:
            response, request = send(app, dbconnection, fuzzed)
            stored = stored_contents(dbconnection, newest_seeded)
            # The board as alice then reads it, with the stored comment rendered on it.
            board = send(app, dbconnection, board_view)[0] if stored else None
        finally:
            savepoint.rollback()
        expected = judge.must_store(fuzzed, request)
        event("a plain valid post" if expected is not None else "anything else")
        event(f"status {response.status_int // 100}xx")
        assert response.status_int < 500, response.text[:2000]
        assert b"Traceback" not in response.body
        assert len(stored) <= 1
        assert set(stored) <= judge.may_store(fuzzed, request), (stored, fuzzed)
        if expected is not None:
            assert (response.status_int, stored) == (303, [expected])
        if board is not None:
            assert board.status_int == 200
        for page in (response, board):
            if page is not None and page.content_type == "text/html":
                assert page_problems(page.text) == [], (fuzzed, page.text[:2000])

    check()

"""A real browser's part, done once per user before the load starts: GET the login form,
POST it, and keep the cookies and CSRF tokens that the load generator then replays.

The cookies are kept by hand: production.ini marks them Secure, which a browser would only
send over HTTPS; the app does not check how they arrive, so replaying them over the bench's
plain HTTP measures the same work.
"""

import http.client
import re
from http.cookies import SimpleCookie
from urllib.parse import urlencode

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    def __init__(self, port):
        self.port = port
        self.cookies = {}

    @property
    def cookie_header(self):
        return "; ".join(f"{name}={value}" for name, value in sorted(self.cookies.items()))

    def request(self, method, path, form=None):
        """``(status, headers, body text)``; Set-Cookie headers update the jar."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {}
        if self.cookies:
            headers["Cookie"] = self.cookie_header
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value.strip('"'):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response.status, response.headers, text

    def get_token(self, path):
        status, _, text = self.request("GET", path)
        match = TOKEN.search(text)
        if status != 200 or not match:
            raise RuntimeError(f"GET {path}: {status}, no CSRF token")
        return match.group(1)

    def login_form(self, username, password):
        """The anonymous session cookie and the body of a right-password login POST."""
        token = self.get_token("/login/")
        body = urlencode(dict(csrf_token=token, username=username, password=password, next="/"))
        return self.cookie_header, body

    def log_in(self, username, password):
        """Log in for real; returns ``(cookie header, csrf token)`` of the logged-in session,
        as the comment form of ``GET /`` carries it."""
        token = self.get_token("/login/")
        form = dict(csrf_token=token, username=username, password=password, next="/")
        status, _headers, _ = self.request("POST", "/login/", form)
        if status != 303 or "auth_tkt" not in self.cookies:
            raise RuntimeError(f"login as {username}: {status}, cookies {sorted(self.cookies)}")
        # The page the login leads to shows its greeting and takes it out of the session: the
        # cookie a browser then holds, not the one before (whose session would greet every
        # request of the load with the same message, and get every page drawn for it).
        token = self.get_token("/")
        return self.cookie_header, token

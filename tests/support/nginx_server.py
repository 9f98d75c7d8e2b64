"""nginx as docs/deploying.md, step 5 configures it, run by the tests on this machine's loopback.

The site configuration is the ```nginx block of docs/deploying.md itself, changed only where a test
must: the upstream's ports, the listening addresses and ports (127.0.0.1, no IPv6), and the
certificate paths (a self-signed certificate made here with ``openssl``). So the tests run what
an operator copies, and the guide cannot drift from what works.
"""

import contextlib
import http.client
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.paths import ROOT
from tests.support.servers import send, when_up
from tests.support.tools import installed

SITE = "board.example.org"
TIMEOUT = 30
CSRF_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def find_nginx():
    return shutil.which("nginx", path=os.environ.get("PATH", "") + ":/usr/sbin:/usr/local/sbin")


def require_nginx():
    """The nginx binary, installed first (``.ci/install-nginx``, as root) when missing; skips
    with the reason where that is impossible, and fails instead in CI."""
    return installed(find_nginx, "install-nginx", "nginx")


def readme_site_config():
    """The ```nginx block of docs/deploying.md, step 5, as written."""
    guide = (ROOT / "docs" / "deploying.md").read_text(encoding="utf-8")
    blocks = re.findall(r"(?ms)^```nginx\n(.*?)^```", guide)
    assert len(blocks) == 1, "docs/deploying.md should hold exactly one ```nginx block"
    return blocks[0]


def site_config(upstream_ports, http_port, https_port, certificate, key):
    """The guide's block with only the ports, addresses and certificate paths changed."""
    text = readme_site_config()
    servers = re.findall(r"(?m)^ *server 127\.0\.0\.1:\d+\b.*\n", text)
    assert len(servers) >= len(upstream_ports), "the guide's upstream lists too few processes"
    for index, line in enumerate(servers):
        if index < len(upstream_ports):
            text = text.replace(line, re.sub(r":\d+", f":{upstream_ports[index]}", line, count=1), 1)
        else:
            text = text.replace(line, "", 1)
    text = re.sub(r"(?m)^ *listen \[::\]:\d+.*\n", "", text)
    text = re.sub(r"(?m)^( *listen )80;", rf"\g<1>127.0.0.1:{http_port};", text)
    text = re.sub(r"(?m)^( *listen )443 ssl;", rf"\g<1>127.0.0.1:{https_port} ssl;", text)
    text = text.replace(":443$", f":{https_port}$")
    text = re.sub(r"(?m)^( *ssl_certificate ).*;", rf"\g<1>{certificate};", text)
    text = re.sub(r"(?m)^( *ssl_certificate_key ).*;", rf"\g<1>{key};", text)
    for port in (http_port, https_port):
        assert str(port) in text, f"port {port} not substituted into:\n{text}"
    return text


def self_signed_certificate(directory):
    """(certificate, key) for SITE, made with openssl, valid for two days."""
    certificate, key = directory / "fullchain.pem", directory / "privkey.pem"
    command = [
        "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-keyout", str(key), "-out", str(certificate), "-subj", f"/CN={SITE}",
        "-addext", f"subjectAltName=DNS:{SITE}",
    ]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True, timeout=TIMEOUT)
    return certificate, key


def main_config(directory, site):
    """A whole nginx.conf around the site block, with every path in ``directory``."""
    kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    temp = "\n".join(f"    {kind}_temp_path {directory / kind};" for kind in kinds)
    # As root, nginx's workers would run as "nobody", who cannot read the test's directory.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (
        f"{user}worker_processes 1;\npid {directory / 'nginx.pid'};\n"
        f"error_log {directory / 'error.log'} info;\n"
        "events { worker_connections 512; }\n"
        f"http {{\n    access_log {directory / 'access.log'};\n{temp}\n{site}\n}}\n"
    )


@dataclass
class Nginx:
    directory: Path
    http_port: int
    https_port: int
    certificate: Path

    def log(self):
        return (self.directory / "error.log").read_text(errors="replace")


@contextlib.contextmanager
def nginx_in_front(directory, upstream_ports, http_port, https_port):
    """The guide's nginx on 127.0.0.1:``http_port`` and :``https_port``, in front of the app
    processes on ``upstream_ports``; stopped gracefully (SIGQUIT) when the block ends."""
    binary = require_nginx()
    certificate, key = self_signed_certificate(directory)
    site = site_config(upstream_ports, http_port, https_port, certificate, key)
    conf = directory / "nginx.conf"
    conf.write_text(main_config(directory, site), encoding="utf-8")
    command = [binary, "-p", str(directory), "-e", str(directory / "error.log"), "-c", str(conf)]
    tested = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=TIMEOUT)
    assert tested.returncode == 0, tested.stderr
    process = subprocess.Popen(
        [*command, "-g", "daemon off;"],
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        when_up(
            lambda: socket.create_connection(("127.0.0.1", https_port), timeout=1).close(),
            process,
            time.monotonic() + TIMEOUT,
            pause=0.05,
        )
        yield Nginx(directory, http_port, https_port, certificate)
    finally:
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()


@dataclass
class HttpsBrowser:
    """A browser on https://SITE:port/ through nginx: one cookie jar (Secure cookies are sent,
    this being HTTPS), ``Origin`` on form posts, no redirects followed."""

    nginx: Nginx
    cookies: dict = field(default_factory=dict)

    @property
    def origin(self):
        return f"https://{SITE}:{self.nginx.https_port}"

    def request(self, method, path, fields=None):
        context = ssl.create_default_context(cafile=str(self.nginx.certificate))
        context.check_hostname = False  # connecting to 127.0.0.1; the certificate names SITE
        connection = http.client.HTTPSConnection(
            "127.0.0.1", self.nginx.https_port, timeout=TIMEOUT, context=context
        )
        headers = {"Host": f"{SITE}:{self.nginx.https_port}"}
        if fields is not None:
            headers["Origin"] = self.origin
        response, _ = send(connection, method, path, headers, self.cookies, fields)
        return response

    def csrf_token(self, path="/"):
        page = self.request("GET", path)
        assert page.status == 200, f"GET {path}: {page.status}\n{page.text[:2000]}"
        found = CSRF_TOKEN.search(page.text)
        assert found, f"no csrf_token on {path}:\n{page.text[:3000]}"
        return found.group(1)

    def login(self, username, password):
        fields = {"username": username, "password": password, "csrf_token": self.csrf_token("/login/")}
        return self.request("POST", "/login/", {**fields, "next": "/"})

    def post_comment(self, contents):
        return self.request("POST", "/", {"contents": contents, "csrf_token": self.csrf_token()})

    def logout(self):
        return self.request("POST", "/logout/", {"csrf_token": self.csrf_token()})
